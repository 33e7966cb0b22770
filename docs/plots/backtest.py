"""Figure of a backtest: what the model, set up with what was known on its
start date, predicted against what happened.

    reviewsim backtest scenarios/backtest.toml --out RUN_DIR
    python3 docs/plots/backtest.py RUN_DIR FIGURE_DIR

writes FIGURE_DIR/backtest.png from RUN_DIR/backtest.csv: on the left, each
lab's flagship releases over the period, observed (a dot) against the
simulated 90% prediction interval (a bar); on the right, each lab's share
of the consumer and enterprise segments, observed at each dated figure
(dots; hollow where the figure is an estimate) against the simulated 90%
interval on that day (a band).
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

LAB_COLOURS = {
    "openai": "#10a37f",
    "anthropic": "#d97757",
    "google": "#4285f4",
    "xai": "#555555",
    "microsoft": "#f2b01e",
    "meta": "#8a3ffc",
}


def releases_panel(axis, rows):
    rows = rows.reset_index(drop=True)
    for i, row in rows.iterrows():
        colour = LAB_COLOURS.get(row["subject"], "black")
        axis.plot([row["simulated_p05"], row["simulated_p95"]], [i, i], color=colour, lw=6, alpha=0.35,
                  solid_capstyle="butt")
        axis.plot(row["simulated_mean"], i, "|", color=colour, ms=14, mew=2)
        axis.plot(row["observed"], i, "o", color=colour, ms=8, mec="black")
        if row["observed_elsewhere"] > 0:
            axis.annotate(f"+{int(row['observed_elsewhere'])} on a new line", (row["observed"], i),
                          xytext=(8, -12), textcoords="offset points", fontsize=8)
    axis.set_yticks(range(len(rows)), rows["subject"])
    axis.invert_yaxis()
    axis.set_xlabel("flagship releases in the period")
    axis.set_title("Releases: observed (dot) vs simulated\n90% interval (bar) and mean (tick)", fontsize=10)
    axis.grid(axis="x", alpha=0.3)


def shares_panel(axis, rows, segment):
    rows = rows[(rows["segment"] == segment) & (rows["subject"] != "open_weights")]
    for lab, group in rows.groupby("subject", sort=False):
        group = group.sort_values("date")
        colour = LAB_COLOURS.get(lab, "black")
        dates = pd.to_datetime(group["date"])
        axis.fill_between(dates, group["simulated_p05"], group["simulated_p95"], color=colour, alpha=0.2,
                          step=None)
        axis.plot(dates, group["simulated_mean"], color=colour, lw=1.5, label=lab)
        observed = group["basis"] == "observed"
        axis.plot(dates[observed], group["observed"][observed], "o", color=colour, mec="black", ms=7)
        axis.plot(dates[~observed], group["observed"][~observed], "o", mfc="white", color=colour, ms=7)
    axis.set_ylabel(f"share of {segment} adopters")
    axis.set_ylim(0, 1)
    axis.set_title(f"{segment.capitalize()}: observed (dots; hollow: estimate)\n"
                   "vs simulated mean and 90% interval", fontsize=10)
    axis.grid(alpha=0.3)
    axis.tick_params(axis="x", labelrotation=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a directory written by reviewsim backtest")
    parser.add_argument("figures", help="where to write backtest.png")
    args = parser.parse_args()
    rows = pd.read_csv(Path(args.run) / "backtest.csv")
    releases = rows[rows["kind"] == "releases"]
    shares = rows[rows["kind"] == "share"]
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.8), gridspec_kw={"width_ratios": [1, 1.3, 1.3]})
    releases_panel(axes[0], releases)
    shares_panel(axes[1], shares, "consumer")
    shares_panel(axes[2], shares, "enterprise")
    axes[2].legend(loc="upper right", fontsize=8)
    inside_r = int(releases["inside"].sum())
    inside_s = int(shares["inside"].sum())
    figure.suptitle(
        f"Backtest to {releases['date'].max()}, no review: inside the 90% interval, releases {inside_r} of "
        f"{len(releases)}, shares {inside_s} of {len(shares)}",
        fontsize=11,
    )
    figure.tight_layout()
    out = Path(args.figures)
    out.mkdir(parents=True, exist_ok=True)
    figure.savefig(out / "backtest.png", dpi=110)
    print(out / "backtest.png")


if __name__ == "__main__":
    main()
