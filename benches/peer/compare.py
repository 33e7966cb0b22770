#!/usr/bin/env python3
"""reviewsim against its SimPy peers, on one core, in interleaved rounds.

Each round runs four processes one after another (the order alternates from
round to round, so drift in a shared machine's speed falls on both sides):

  (a) M/M/4 (benches/peer/mmc.toml):
      reviewsim run mmc.toml --threads 1 --outputs summary --quiet
        customers = the summary's `reviews_completed` (lab `all`: reviews in
        which every track finished; one track here) times its n
      mmc_simpy.py: customers = services finished by the horizon
  (b) review queue (benches/peer/review_only.toml):
      reviewsim run review_only.toml --threads 1 --outputs summary --quiet
      review_only_simpy.py

A rate is work over the wall time of the whole process, interpreter or
binary start-up and output included, the same clock for both sides. The
table shows medians over rounds; the ratio is reviewsim's rate over SimPy's.

Not part of `cargo test` or CI: a timing run, for the performance figures
in benches/README.md.

Usage: compare.py [REVIEWSIM=target/release/reviewsim] [--rounds 3]
         [--rs-mmc N] [--py-mmc N] [--rs-review N] [--py-review N]
Run it with the Python of the venv that has simpy (benches/peer/README.md).
"""

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stderr}")
    return seconds, done.stdout


def reviewsim(binary, scenario, replications, out):
    seconds, _ = timed(
        [binary, "run", scenario, "--out", out, "--replace", "--threads", "1",
         "--outputs", "summary", "--quiet", "--replications", str(replications)]
    )
    with open(Path(out) / "summary.csv", newline="") as f:
        rows = {(r["lab"], r["metric"]): r for r in csv.DictReader(f)}
    return seconds, rows


def mmc_reviewsim(binary, replications, out):
    seconds, rows = reviewsim(binary, HERE / "mmc.toml", replications, out)
    row = rows[("all", "reviews_completed")]
    customers = round(float(row["mean"]) * int(row["n"]))
    wait = rows[("all", "queue_wait_days_mean_queue")]
    note = f"wait {float(wait['mean']):.1f} +- {float(wait['se']):.1f} d"
    return customers / seconds, customers, seconds, note


def mmc_simpy(replications):
    seconds, out = timed([sys.executable, HERE / "mmc_simpy.py", str(replications)])
    result = json.loads(out)
    note = (f"wait {result['wait_mean_days']:.1f} +- {result['wait_mean_se']:.1f} d"
            f" (Erlang C {result['wait_erlang_c_days']:.1f})")
    return result["customers_served"] / seconds, result["customers_served"], seconds, note


def review_reviewsim(binary, replications, out):
    seconds, _ = reviewsim(binary, HERE / "review_only.toml", replications, out)
    return replications / seconds, replications, seconds, ""


def review_simpy(replications):
    seconds, out = timed([sys.executable, HERE / "review_only_simpy.py", str(replications)])
    json.loads(out)
    return replications / seconds, replications, seconds, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reviewsim", nargs="?", default=str(ROOT / "target/release/reviewsim"))
    parser.add_argument("--rounds", type=int, default=3)
    # Replication counts: about 2 s for reviewsim, 5-10 s for SimPy, on the
    # development machine.
    parser.add_argument("--rs-mmc", type=int, default=1400)
    parser.add_argument("--py-mmc", type=int, default=200)
    parser.add_argument("--rs-review", type=int, default=50000)
    parser.add_argument("--py-review", type=int, default=5000)
    args = parser.parse_args()

    try:
        import simpy  # noqa: F401  (the child processes use this interpreter)
    except ImportError:
        sys.exit("simpy is not installed for this Python: see benches/peer/README.md")

    rates = {"mmc": ([], []), "review": ([], [])}
    with tempfile.TemporaryDirectory(prefix="reviewsim-peer-") as tmp:
        out = str(Path(tmp) / "out")
        for r in range(args.rounds):
            jobs = [
                ("mmc", 0, lambda: mmc_reviewsim(args.reviewsim, args.rs_mmc, out)),
                ("mmc", 1, lambda: mmc_simpy(args.py_mmc)),
                ("review", 0, lambda: review_reviewsim(args.reviewsim, args.rs_review, out)),
                ("review", 1, lambda: review_simpy(args.py_review)),
            ]
            if r % 2:
                jobs.reverse()
            for workload, side, job in jobs:
                rate, work, seconds, note = job()
                rates[workload][side].append(rate)
                who = ("reviewsim", "simpy")[side]
                print(
                    f"round {r + 1}: {workload:6} {who:9} {work:>9,} in {seconds:6.2f} s"
                    f" = {rate:>12,.1f}/s  {note}".rstrip(),
                    file=sys.stderr,
                    flush=True,
                )

    import simpy

    print(f"reviewsim {args.reviewsim}; SimPy {simpy.__version__}, Python"
          f" {sys.version.split()[0]}; one core; medians of {args.rounds} rounds")
    print()
    print("| workload | unit | reviewsim | SimPy | ratio |")
    print("|---|---|---|---|---|")
    for workload, unit in (("mmc", "customers/s"), ("review", "replications/s")):
        rs, py = (statistics.median(v) for v in rates[workload])
        name = {"mmc": "M/M/4, rho 0.9 (mmc.toml)",
                "review": "review queue (review_only.toml)"}[workload]
        print(f"| {name} | {unit} | {rs:,.0f} | {py:,.0f} | {rs / py:.1f}x |")


if __name__ == "__main__":
    main()
