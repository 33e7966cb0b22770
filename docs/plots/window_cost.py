"""Figure of a sensitivity run of scenarios/studies/window_cost.toml: which
assumptions decide what a 30-day review window changes, for each output the
study analyses.

    reviewsim run scenarios/studies/window_cost.toml --out RUN_DIR
    python3 docs/plots/window_cost.py RUN_DIR FIGURE_DIR

writes FIGURE_DIR/window_cost_sensitivity.png: per output, the first-order
(S1) and total-order (ST) Sobol' indices of the parameters that rank in the
top eight by ST, with their 95% bootstrap intervals, the replication noise
left, and the indices that noise alone could give drawn hollow. It reads
sensitivity.csv and manifest.json, so any --replications, --seed or --set of
the run shows.
"""

import argparse
import json
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

TOP = 8


def draw(run, figures):
    run, figures = Path(run), Path(figures)
    manifest = json.loads((run / "manifest.json").read_text())
    table = pd.read_csv(run / "sensitivity.csv")
    table = table[table["index"].isin(["S1", "ST"])]
    if table.empty:
        raise SystemExit(f"{run}: sensitivity.csv has no Sobol' indices (run a sobol study)")
    outputs = list(dict.fromkeys(zip(table["lab"], table["metric"])))
    contrast = table["contrast"].dropna()
    what = "change" if len(contrast) else "output"
    change = f"the change when {contrast.iloc[0]}" if len(contrast) else "the outputs"
    fig, axes = plt.subplots(
        len(outputs), 1, figsize=(8.5, 2.9 * len(outputs)), squeeze=False, constrained_layout=True
    )
    for axis, (lab, metric) in zip(axes[:, 0], outputs):
        rows = table[(table["lab"] == lab) & (table["metric"] == metric)]
        st = rows[rows["index"] == "ST"].sort_values("rank").head(TOP)
        names = list(st["parameter"])
        y = np.arange(len(names))
        for offset, index, colour in [(-0.18, "S1", "#4C72B0"), (0.18, "ST", "#DD8452")]:
            part = rows[rows["index"] == index].set_index("parameter").loc[names]
            value = part["value"].fillna(0.0).to_numpy()
            low = np.clip(value - part["ci95_low"].fillna(part["value"]).fillna(0.0).to_numpy(), 0, None)
            high = np.clip(part["ci95_high"].fillna(part["value"]).fillna(0.0).to_numpy() - value, 0, None)
            noisy = part["noise_dominated"].fillna(True).astype(bool).to_numpy()
            axis.barh(
                y + offset,
                value,
                height=0.34,
                color=[("none" if n else colour) for n in noisy],
                edgecolor=colour,
                label=index,
            )
            axis.errorbar(value, y + offset, xerr=[low, high], fmt="none", ecolor="#333333", lw=0.8)
        axis.set_yticks(y, [textwrap.shorten(n, 48) for n in names])
        axis.invert_yaxis()
        axis.axvline(0, color="#999999", lw=0.6)
        noise = rows["noise_share"].dropna()
        noise_text = f" (replication noise: {100 * noise.iloc[0]:.0f}% of the variance)" if len(noise) else ""
        axis.set_title(f"{lab}: {metric}{noise_text}", fontsize=9, loc="left")
        axis.set_xlabel(f"Sobol' index (share of the variance of the {what})", fontsize=8)
        axis.tick_params(labelsize=8)
    axes[0, 0].legend(fontsize=8, loc="lower right")
    fig.suptitle(
        f"Which assumptions decide {change}\n"
        f"{manifest['scenario_name']}: {manifest['points']} points x {manifest['replications']} "
        f"replications, seed {manifest['seed']}; bars: index, lines: 95% bootstrap interval; "
        "hollow: within replication noise",
        fontsize=9,
    )
    figures.mkdir(parents=True, exist_ok=True)
    path = figures / "window_cost_sensitivity.png"
    fig.savefig(path, dpi=130)
    print(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="output directory of the study's run")
    parser.add_argument("figures", help="directory to write the figure into")
    args = parser.parse_args()
    draw(args.run, args.figures)


if __name__ == "__main__":
    main()
