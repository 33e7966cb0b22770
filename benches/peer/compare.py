#!/usr/bin/env python3
"""reviewsim against its SimPy peers and a bare event loop, on one core,
in interleaved rounds: every ratio of benches/README.md's table from one run.

Each round runs these processes one after another (the order alternates from
round to round, so drift in a shared machine's speed falls on both sides):

  (a) M/M/4 (benches/peer/mmc.toml):
      reviewsim run mmc.toml --threads 1 --outputs summary --quiet
        customers = the summary's `reviews_completed` (lab `all`: reviews in
        which every track finished; one track here) times its n
      mmc_simpy.py: customers = services finished by the horizon
  (b) review queue (benches/peer/review_only.toml):
      reviewsim run review_only.toml --threads 1 --outputs summary --quiet
      review_only_simpy.py
  (c) M/M/3 at rho 0.85, 20 replications of about 91,000 customers
      (benches/peer/mm3.toml):
      reviewsim run mm3.toml --threads 1 --outputs summary --quiet
      target/release/examples/bare_loop 3 0.4 1.02 36500 20: the same queue
        as a bare BinaryHeap loop with the same random streams
  (d) the full baseline (scenarios/baseline.toml), one thread:
      --outputs summary (aggregates only), and
      --outputs summary --timeseries 7 (the three time series written)

Ratios: (a), (b) reviewsim's rate over SimPy's; (c) reviewsim's time over
the bare loop's; (d) the cost of one baseline replication in bare-loop
customers (the bare loop's customers/s over the baseline's
replications/s), and the time-series run's time over the aggregates-only
run's.

A rate is work over the wall time of the whole process, interpreter or
binary start-up and output included, the same clock for both sides. The
table shows medians over rounds; the ratio is reviewsim's rate over SimPy's.

Not part of `cargo test` or CI: a timing run, for the performance figures
in benches/README.md.

Usage: compare.py [REVIEWSIM=target/release/reviewsim] [--rounds 3]
         [--bare target/release/examples/bare_loop]
         [--rs-mmc N] [--py-mmc N] [--rs-review N] [--py-review N]
         [--baseline N]
Build the bare loop first: cargo build --release --example bare_loop
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


def reviewsim(binary, scenario, replications, out, extra=()):
    seconds, _ = timed(
        [binary, "run", scenario, "--out", out, "--replace", "--threads", "1",
         "--outputs", "summary", "--quiet", "--replications", str(replications), *extra]
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


def mm3_reviewsim(binary, out):
    seconds, rows = reviewsim(binary, HERE / "mm3.toml", 20, out)
    row = rows[("all", "reviews_completed")]
    customers = round(float(row["mean"]) * int(row["n"]))
    return customers / seconds, customers, seconds, ""


def mm3_bare(binary):
    seconds, out = timed([binary, "3", "0.4", "1.02", "36500", "20"])
    customers = json.loads(out)["customers"]
    return customers / seconds, customers, seconds, ""


def baseline(binary, replications, out, timeseries):
    extra = ("--timeseries", "7") if timeseries else ()
    scenario = ROOT / "scenarios" / "baseline.toml"
    seconds, _ = reviewsim(binary, scenario, replications, out, extra)
    return replications / seconds, replications, seconds, ""


# (workload, side): side 0 is reviewsim, side 1 its yardstick.
NAMES = {
    "mmc": ("reviewsim", "SimPy"),
    "review": ("reviewsim", "SimPy"),
    "mm3": ("reviewsim", "bare loop"),
    "baseline": ("aggregates", "timeseries"),
}


def jobs_of(args, out):
    return [
        ("mmc", 0, lambda: mmc_reviewsim(args.reviewsim, args.rs_mmc, out)),
        ("mmc", 1, lambda: mmc_simpy(args.py_mmc)),
        ("review", 0, lambda: review_reviewsim(args.reviewsim, args.rs_review, out)),
        ("review", 1, lambda: review_simpy(args.py_review)),
        ("mm3", 0, lambda: mm3_reviewsim(args.reviewsim, out)),
        ("mm3", 1, lambda: mm3_bare(args.bare)),
        ("baseline", 0, lambda: baseline(args.reviewsim, args.baseline, out, False)),
        ("baseline", 1, lambda: baseline(args.reviewsim, args.baseline, out, True)),
    ]


def table(rates, seconds):
    """The ratios of benches/README.md, from the medians over rounds."""
    med = {key: [statistics.median(side) for side in value] for key, value in rates.items()}
    sec = {key: [statistics.median(side) for side in value] for key, value in seconds.items()}
    mmc, review, mm3, base = med["mmc"], med["review"], med["mm3"], med["baseline"]
    cost = mm3[1] / base[0]
    rows = [
        ("M/M/4 at rho 0.9 (mmc.toml)", f"{mmc[0]:,.0f} customers/s",
         f"SimPy {mmc[1]:,.0f}/s", f"{mmc[0] / mmc[1]:.1f}x SimPy", ">= 100x", mmc[0] / mmc[1] >= 100),
        ("M/M/3 at rho 0.85, 20 x 91k customers (mm3.toml), whole process",
         f"{sec['mm3'][0]:.2f} s", f"bare loop {sec['mm3'][1]:.2f} s",
         f"bare loop {sec['mm3'][0] / sec['mm3'][1]:.2f}x faster", "<= 2x",
         sec["mm3"][0] / sec["mm3"][1] <= 2),
        ("review queue (review_only.toml)", f"{review[0]:,.0f} replications/s",
         f"SimPy {review[1]:,.0f}/s", f"{review[0] / review[1]:.0f}x", ">= 150x",
         review[0] / review[1] >= 150),
        ("full baseline, aggregates only", f"{base[0]:,.0f} replications/s/core",
         f"bare loop {mm3[1] / 1e6:.2f} M customers/s",
         f"{cost:,.0f} bare-loop customers a replication", "<= 7,000", cost <= 7000),
        ("baseline with --timeseries 7", f"{sec['baseline'][1]:.2f} s",
         f"aggregates only {sec['baseline'][0]:.2f} s",
         f"{sec['baseline'][1] / sec['baseline'][0]:.2f}x", "<= 1.3x",
         sec["baseline"][1] / sec["baseline"][0] <= 1.3),
    ]
    print("| workload | reviewsim | peer / limit | ratio now | goal |")
    print("|---|---|---|---|---|")
    for name, ours, peer, ratio, goal, met in rows:
        print(f"| {name} | {ours} | {peer} | **{ratio}** | {goal} {'met' if met else 'missed'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reviewsim", nargs="?", default=str(ROOT / "target/release/reviewsim"))
    parser.add_argument("--bare", default=str(ROOT / "target/release/examples/bare_loop"))
    parser.add_argument("--rounds", type=int, default=3)
    # Replication counts: about 2 s for reviewsim, 5-10 s for SimPy, on the
    # development machine.
    parser.add_argument("--rs-mmc", type=int, default=1400)
    parser.add_argument("--py-mmc", type=int, default=200)
    parser.add_argument("--rs-review", type=int, default=50000)
    parser.add_argument("--py-review", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=1000)
    args = parser.parse_args()

    try:
        import simpy  # noqa: F401  (the child processes use this interpreter)
    except ImportError:
        sys.exit("simpy is not installed for this Python: see benches/peer/README.md")
    if not Path(args.bare).is_file():
        sys.exit(f"{args.bare}: build it first: cargo build --release --example bare_loop")

    rates = {name: ([], []) for name in NAMES}
    seconds = {name: ([], []) for name in NAMES}
    with tempfile.TemporaryDirectory(prefix="reviewsim-peer-") as tmp:
        out = str(Path(tmp) / "out")
        for r in range(args.rounds):
            jobs = jobs_of(args, out)
            if r % 2:
                jobs.reverse()
            for workload, side, job in jobs:
                rate, work, took, note = job()
                rates[workload][side].append(rate)
                seconds[workload][side].append(took)
                who = NAMES[workload][side]
                print(
                    f"round {r + 1}: {workload:8} {who:10} {work:>9,} in {took:6.2f} s"
                    f" = {rate:>12,.1f}/s  {note}".rstrip(),
                    file=sys.stderr,
                    flush=True,
                )

    import simpy

    print(f"reviewsim {args.reviewsim}; SimPy {simpy.__version__}, Python"
          f" {sys.version.split()[0]}; one core; medians of {args.rounds} rounds")
    print()
    table(rates, seconds)


if __name__ == "__main__":
    main()
