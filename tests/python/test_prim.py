"""reviewsim's PRIM against EMA Workbench's on the same points.

Run by .ci/run with the packages of requirements-prim.txt (their own
virtual environment: EMA Workbench pulls in scipy, scikit-learn,
matplotlib and more):

    python3 -m venv target/prim-venv
    target/prim-venv/bin/pip install -r tests/python/requirements-prim.txt
    cargo build --release --example prim_points
    target/prim-venv/bin/python tests/python/test_prim.py target/release/examples/prim_points

For each case below (points drawn with a fixed seed) and each of EMA's
three objective functions, it writes the points to CSV, runs
`ema_workbench.analysis.prim.Prim(...).find_box()` on them and the
example `prim_points` (reviewsim::discover) on the CSV, and checks that
the two peeling-and-pasting trajectories are the same:

- the same number of boxes, and in each the same worlds and cases (whole
  numbers, exactly) and the same number of restricted parameters;
- coverage, density and mass within 1e-12 (both divide the same whole
  numbers, so they should be equal to the last bit);
- the limits of every box within 1e-12 (both take the midpoint of the
  same two values);
- every quasi-p-value within a relative 1e-9: scipy's binomial tail
  (Boost's incomplete beta) and statrs' continued fraction agree to about
  1e-13 where the value is a normal float; below 1e-290 both are only
  required to be below 1e-290.

EMA's `threshold` decides only whether `find_box` keeps the box it found
or returns the box of all worlds; the comparison wants the box found, so
the threshold is set just above 0 (cases of interest are y >= threshold,
that is y == 1). reviewsim's own choice of box (pruning) has no EMA
counterpart and is tested in src/discover/tests.rs.
"""

import csv
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")  # EMA's import warns about altair
from ema_workbench.analysis import prim  # noqa: E402
from ema_workbench.analysis.prim_util import PRIMObjectiveFunctions  # noqa: E402

OBJECTIVES = {
    "lenient1": PRIMObjectiveFunctions.LENIENT1,
    "lenient2": PRIMObjectiveFunctions.LENIENT2,
    "original": PRIMObjectiveFunctions.ORIGINAL,
}
TOLERANCE = 1e-12
QP_RELATIVE = 1e-9
QP_FLOOR = 1e-290


def cases():
    """(name, x, y) with a fixed seed: the points both implementations see."""
    rng = np.random.default_rng(20)
    x = rng.random((1000, 3))
    yield "corner", x, (x[:, 0] < 0.3) & (x[:, 1] > 0.6)
    x = rng.random((1000, 5))
    p = np.where((x[:, 0] < 0.4) & (x[:, 2] > 0.3), 0.6, 0.15)
    yield "noisy box", x, rng.random(1000) < p
    x = rng.random((1000, 5))
    yield "independent", x, rng.random(1000) < 0.3
    # Values on a coarse grid: many ties, which the quantile must step over.
    x = rng.integers(0, 10, size=(800, 4)) / 10.0
    yield "ties", x, (x[:, 1] >= 0.5) & (rng.random(800) < 0.7)
    x = rng.random((500, 12))
    yield "twelve parameters", x, (x[:, 3] > 0.5) & (x[:, 7] < 0.7) & (rng.random(500) < 0.8)


def write_points(path, names, x, y):
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([*names, "y"])
        for row, holds in zip(x, y):
            out.writerow([repr(float(v)) for v in row] + [int(holds)])


def run_ema(names, x, y, objective):
    """EMA's trajectory, box limits and quasi-p-values, per step."""
    frame = pd.DataFrame(x, columns=names)
    algorithm = prim.Prim(frame, y.astype(int), threshold=1e-9,
                          obj_function=OBJECTIVES[objective])
    box = algorithm.find_box()
    steps = []
    for i, row in box.peeling_trajectory.iterrows():
        limits = box.box_lims[i]
        restricted = {}
        for name, (qp_lower, qp_upper) in box.qp[i].items():
            restricted[name] = (float(limits.loc[0, name]), float(limits.loc[1, name]),
                                None if qp_lower == -1 else float(qp_lower),
                                None if qp_upper == -1 else float(qp_upper))
        steps.append({"coverage": float(row["coverage"]), "density": float(row["density"]),
                      "mass": float(row["mass"]), "worlds": int(row["n"]),
                      "cases": int(row["k"]), "restricted": int(row["res_dim"]),
                      "limits": restricted})
    return steps


def run_reviewsim(binary, directory, points, objective):
    """reviewsim's trajectory and box limits, in the same form."""
    trajectory, boxes = directory / "trajectory.csv", directory / "boxes.csv"
    subprocess.run([binary, points, trajectory, boxes, "--objective", objective], check=True)
    steps = []
    for row in csv.DictReader(open(trajectory)):
        steps.append({"coverage": float(row["coverage"]), "density": float(row["density"]),
                      "mass": float(row["mass"]), "worlds": int(row["worlds"]),
                      "cases": int(row["cases"]), "restricted": int(row["restricted"]),
                      "limits": {}})
    cell = lambda text: float(text) if text else None  # noqa: E731
    for row in csv.DictReader(open(boxes)):
        if row["step"] != "chosen":
            steps[int(row["step"])]["limits"][row["parameter"]] = (
                float(row["lower"]), float(row["upper"]),
                cell(row["qp_lower"]), cell(row["qp_upper"]))
    return steps


def compare(label, ema, ours, worst):
    """Asserts the trajectories agree; updates the largest differences seen."""
    assert len(ema) == len(ours), f"{label}: {len(ema)} boxes in EMA, {len(ours)} here"
    for i, (a, b) in enumerate(zip(ema, ours)):
        where = f"{label}, step {i}"
        for key in ["worlds", "cases", "restricted"]:
            assert a[key] == b[key], f"{where}: {key} {a[key]} in EMA, {b[key]} here"
        for key in ["coverage", "density", "mass"]:
            worst[key] = max(worst[key], abs(a[key] - b[key]))
            assert abs(a[key] - b[key]) <= TOLERANCE, f"{where}: {key} {a[key]} vs {b[key]}"
        assert a["limits"].keys() == b["limits"].keys(), f"{where}: {a['limits']} vs {b['limits']}"
        for name, limits in a["limits"].items():
            for side, (x, y) in enumerate(zip(limits, b["limits"][name])):
                if side < 2:
                    worst["limit"] = max(worst["limit"], abs(x - y))
                    assert abs(x - y) <= TOLERANCE, f"{where}: {name} limit {x} vs {y}"
                elif x is None or y is None:
                    assert x is None and y is None, f"{where}: {name} qp {x} vs {y}"
                elif max(x, y) < QP_FLOOR:
                    worst["qp below floor"] += 1
                else:
                    relative = abs(x - y) / max(abs(x), abs(y))
                    worst["qp relative"] = max(worst["qp relative"], relative)
                    assert relative <= QP_RELATIVE, f"{where}: {name} qp {x} vs {y}"
                    worst["qp compared"] += 1


def main():
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else "target/release/examples/prim_points")
    binary = binary.resolve()
    started = time.monotonic()
    worst = {"coverage": 0.0, "density": 0.0, "mass": 0.0, "limit": 0.0,
             "qp relative": 0.0, "qp compared": 0, "qp below floor": 0}
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        for name, x, y in cases():
            names = [f"x{j}" for j in range(x.shape[1])]
            points = directory / "points.csv"
            write_points(points, names, x, y)
            for objective in OBJECTIVES:
                label = f"{name} ({objective})"
                ema = run_ema(names, x, y, objective)
                ours = run_reviewsim(binary, directory, points, objective)
                compare(label, ema, ours, worst)
                print(f"{label}: {len(ema)} boxes, final density "
                      f"{ours[-1]['density']:.3f} coverage {ours[-1]['coverage']:.3f}: same as EMA")
    print("largest differences: " + ", ".join(
        f"{key} {value:.3g}" if isinstance(value, float) else f"{key} {value}"
        for key, value in worst.items()))
    print(f"PRIM against EMA Workbench: ok in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
