"""Figures of a run of scenarios/window_sweep.toml: what the review window
costs each lab in release delay, and what it buys in hazardous models that
reach the public without a completed review.

    reviewsim run scenarios/window_sweep.toml --out RUN_DIR
    python3 docs/plots/window_sweep.py RUN_DIR FIGURE_DIR

writes FIGURE_DIR/delay_by_lab.png and FIGURE_DIR/hazards_by_window.png.
It reads summary.csv (mean and 95% interval per window, lab and metric) and
manifest.json (the labs' names, replications, horizon and seed), so any
--replications, --seed or --set of the run shows in the figures.
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

WINDOW = "review.window_days"


class Run:
    """A run directory: its summary rows and what its manifest says."""

    def __init__(self, directory):
        directory = Path(directory)
        self.manifest = json.loads((directory / "manifest.json").read_text())
        self.summary = pd.read_csv(directory / "summary.csv")
        if WINDOW not in self.summary.columns:
            raise SystemExit(f"{directory}: not a sweep of {WINDOW} (no such column in summary.csv)")
        scenario = self.manifest["resolved_scenario"]
        self.labs = scenario["labs"]
        self.windows = sorted(self.summary[WINDOW].astype(float).unique())
        baseline_point = (self.manifest.get("sweep") or {}).get("baseline")
        rows = self.summary[self.summary["point"] == baseline_point]
        self.baseline_window = float(rows[WINDOW].iloc[0]) if len(rows) else None
        self.replications = self.manifest["replications"]
        simulation = scenario["simulation"]
        self.period = f"{float(simulation['horizon_days']):g} days from {simulation['start_date']}"
        self.source = (
            f"reviewsim run {self.manifest['scenario_name']}: {self.replications} replications "
            f"per window, seed {self.manifest['seed']}"
        )

    def metric(self, name):
        """Mean and 95% interval of a lab metric, one row per lab and window."""
        rows = self.summary[self.summary["metric"] == name].copy()
        rows["window"] = rows[WINDOW].astype(float)
        return rows.set_index(["lab", "window"])

    def window_label(self, window):
        label = f"{window:g} days"
        return f"{label} (baseline)" if window == self.baseline_window else label


def lab_label(lab, line_break=True):
    """The lab's name, with how it participates when it has not simply signed."""
    participation = lab.get("participation") or {}
    if "from" in participation:
        status = f"signs {participation['from']}"
    elif "signing" in participation:
        status = "may sign"
    elif participation.get("signed") is False:
        status = "not signed"
    else:
        return lab["name"]
    return f"{lab['name']}{chr(10) if line_break else ' '}({status})"


def interval(rows):
    """Error bar lengths below and above the mean, from the 95% interval."""
    return np.array([rows["mean"] - rows["ci95_low"], rows["ci95_high"] - rows["mean"]])


def replications_note(rows, replications):
    n = rows.loc[rows["mean"].notna(), "n"]
    if len(n) and n.min() == n.max() == replications:
        return f"over the {replications} replications"
    return (
        f"over the replications in which it is defined (n = {n.min():.0f} to {n.max():.0f} "
        f"of {replications})"
    )


def caption(fig, text):
    fig.supxlabel(textwrap.fill(text, 130), x=0.01, ha="left", fontsize=8, color="0.25")


def delay_by_lab(run, path):
    rows = run.metric("delay_days_mean")
    fig, ax = plt.subplots(figsize=(10, 5.2), layout="constrained")
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(run.windows)))
    width = 0.84 / len(run.windows)
    for i, (window, color) in enumerate(zip(run.windows, colors)):
        bars = rows.xs(window, level="window").reindex([lab["id"] for lab in run.labs])
        x = np.arange(len(run.labs)) + (i - (len(run.windows) - 1) / 2) * width
        ax.bar(x, bars["mean"], width, color=color, label=run.window_label(window))
        ax.errorbar(x, bars["mean"], yerr=interval(bars), fmt="none", ecolor="black",
                    elinewidth=0.8, capsize=2)
    ax.set_xticks(np.arange(len(run.labs)), [lab_label(lab) for lab in run.labs])
    ax.set_ylabel("days from ready to release\n(mean over the lab's releases)")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.legend(title="review window", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle("Release delay per lab, by length of the review window", fontweight="bold")
    ax.set_title(run.period, fontsize=9, color="0.3")
    caption(fig, (
        f"Bars: mean {replications_note(rows, run.replications)}. Error bars: 95% confidence "
        f"interval of that mean (Student t). The delay includes queueing for a review team, the "
        f"review itself and mitigating the hazards it finds. A window of 0 means no "
        f"review. {run.source}."
    ))
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def hazards_by_window(run, path):
    rows = run.metric("hazardous_unreviewed_releases")
    fig, ax = plt.subplots(figsize=(10, 5.2), layout="constrained")
    spread = 0.25 * min(np.diff(run.windows), default=1.0)
    for i, lab in enumerate(run.labs):
        line = rows.xs(lab["id"], level="lab").reindex(run.windows)
        x = np.array(run.windows) + (i - (len(run.labs) - 1) / 2) * spread / len(run.labs)
        ax.errorbar(x, line["mean"], yerr=interval(line), marker="o", markersize=4,
                    linewidth=1.5, capsize=3, label=lab_label(lab, line_break=False))
    if run.baseline_window is not None:
        ax.axvline(run.baseline_window, color="0.6", linestyle=":", linewidth=1)
        ax.annotate("baseline", (run.baseline_window, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -3), textcoords="offset points", va="top", fontsize=8, color="0.4")
    ax.set_xticks(run.windows, [f"{w:g}" for w in run.windows])
    ax.set_xlabel("review window (days)")
    ax.set_ylabel("hazardous models released without\na completed review, per replication")
    ax.set_ylim(bottom=0)
    ax.grid(color="0.9")
    ax.set_axisbelow(True)
    ax.legend(title="lab", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle("Hazardous models reaching the public unreviewed, by review window",
                 fontweight="bold")
    ax.set_title(run.period, fontsize=9, color="0.3")
    caption(fig, (
        f"Points: mean {replications_note(rows, run.replications)}; error bars: 95% confidence "
        f"interval of that mean (Student t). Labs are drawn slightly apart to keep their error "
        f"bars apart. A window of 0 means no review. {run.source}."
    ))
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="output directory of reviewsim run scenarios/window_sweep.toml")
    parser.add_argument("figures", help="directory for the PNG files")
    args = parser.parse_args()
    run = Run(args.run)
    figures = Path(args.figures)
    figures.mkdir(parents=True, exist_ok=True)
    for name, draw in [("delay_by_lab.png", delay_by_lab), ("hazards_by_window.png", hazards_by_window)]:
        draw(run, figures / name)
        print(figures / name)


if __name__ == "__main__":
    main()
