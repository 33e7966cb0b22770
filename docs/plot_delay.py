"""Review delay by lab under a 30-day window, with one or two teams per track.

Run from the repository root after:
    cargo run --release -- run scenarios/baseline.toml --out out/baseline
    cargo run --release -- run scenarios/baseline.toml --out out/one-team \
        --set review.tracks.capability.capacity=1 \
        --set review.tracks.threat.capacity=1 \
        --set review.tracks.measurement.capacity=1
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

runs = {"two teams per track (baseline)": "out/baseline", "one team per track": "out/one-team"}
labs = ["openai", "anthropic", "google", "xai", "microsoft", "meta"]
fig, ax = plt.subplots(figsize=(8, 4.2))
width = 0.38
for i, (label, directory) in enumerate(runs.items()):
    df = pd.read_csv(f"{directory}/lab_outcomes.csv")
    summary = df.groupby("lab")["delay_days_mean"].agg(["mean", "sem"]).reindex(labs)
    positions = [x + (i - 0.5) * width for x in range(len(labs))]
    ax.bar(positions, summary["mean"], width, yerr=1.96 * summary["sem"], label=label, capsize=3)
ax.set_xticks(range(len(labs)), labs)
ax.set_ylabel("mean days from ready to release")
ax.set_title("Review delay per lab, 2026-06 to 2028-06 (1000 replications each)")
ax.axhline(30, color="grey", linestyle=":", linewidth=1)
ax.text(len(labs) - 0.5, 30.5, "30-day window", ha="right", va="bottom", color="grey", fontsize=8)
ax.legend(frameon=False)
fig.tight_layout()
fig.savefig("docs/delay_by_lab.png", dpi=110)
