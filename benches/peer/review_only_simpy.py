#!/usr/bin/env python3
"""Independent SimPy model of benches/peer/review_only.toml.

The scenario file is read with tomllib for its numbers (labs, lines,
distributions, window, tracks, dates); the mechanism is written here from
MODEL.md, not from reviewsim's source. Only what review_only.toml uses is
supported, and anything else stops the script.

The model, after MODEL.md (sections Labs and lines, Capability, Coverage,
Review):

- Time is continuous, in days from start_date (reviewsim rounds every
  duration to the second; the difference is far below the noise).
- Each line's first model is ready at a draw of first_ready_days, and each
  next one cadence_days after the previous ready time (next_cycle_starts =
  "ready"). Gamma with mean m and cv c has shape 1/c^2 and scale m*c^2.
- A model ready at t has capability frontier(t) - lag, frontier(t) =
  frontier_at_start + rate * t / 30.4375, with lag drawn from the line's
  capability_lag_months. It is covered when its lab has signed, its access
  mode and jurisdiction are covered, and capability >= frontier(t) - 6,
  i.e. lag <= 6. Meta has not signed, so it is never covered.
- Not covered: released at t (delay 0). Covered and t < operational (day
  59, 2026-07-31): released unreviewed at t (before_operational =
  "release").
- Otherwise the model is submitted at t to every track at once (fork-join):
  one request per track on a simpy.Resource of capacity 1 (FIFO). Each
  track's duration is drawn when the model is ready, lognormal with median
  10 and sigma 0.5. The deadline is t + 30 (clock_start = "submission").
- Release at the earlier of the last track finishing and the deadline
  (on_expiry = "release"). At the deadline, queued requests are withdrawn
  and tasks in progress are interrupted, freeing their team at once for the
  next model in the queue.
- Horizon 730: a model counts in `releases` and in the delay only if
  released at or before the horizon; models still in review then are not
  counted (MODEL.md: "A model not released by then ... not in the delay
  statistics").
- Per replication and lab: releases, and delay_days_mean = mean over the
  lab's releases of (release - ready), undefined when the lab released
  nothing. The reported mean over replications skips undefined values, as
  reviewsim's summary does (its n then drops below the replications).

Where MODEL.md is silent or where this peer differs, the simplest rule:
- Ties at one instant (a track finishing exactly at the deadline, a model
  ready exactly on day 59) have probability zero in continuous time and are
  not ordered on purpose; SimPy's own event order decides.
- Random numbers: one random.Random(f"{seed}:{replication}") per
  replication, drawn in the order the simulation asks for them, so the
  streams are not reviewsim's ChaCha8 streams and the two agree only in
  distribution (no common random numbers with reviewsim).
- Incumbents play no part: with no market and no hazards they change no
  queue, coverage or release count (MODEL.md: they count in no release
  statistic).
- Each interval is not floored at one tick (reviewsim's rule); gamma draws
  below a second have negligible probability at these shapes.

Output: one JSON line with replications, seconds (simulation only, not
interpreter start), replications_per_second, and per lab the mean and
standard error over replications of delay_days_mean and releases.

Agreement with reviewsim (reviewsim run benches/peer/review_only.toml
--replications 2000 against this script with 2000 replications, seed 1; the
numbers are in benches/peer/README.md): every lab's delay_days_mean and
releases agree within two combined standard errors (largest |z| 1.97, Meta's
releases); so do 20,000 reviewsim replications against 10,000 here (largest
|z| 1.92). No difference between the two models shows at that precision.

Usage: review_only_simpy.py [REPLICATIONS=1000] [--seed S] [--scenario PATH]
"""

import argparse
import json
import math
import random
import statistics
import time
import tomllib
from pathlib import Path

import simpy

DAYS_PER_MONTH = 365.25 / 12
HERE = Path(__file__).resolve().parent


def sampler(spec: dict):
    """A function rng -> draw for the distributions review_only.toml uses."""
    dist = spec["dist"]
    if dist == "uniform":
        low, high = float(spec["low"]), float(spec["high"])
        return lambda rng: rng.uniform(low, high)
    if dist == "gamma":
        mean, cv = float(spec["mean"]), float(spec["cv"])
        shape, scale = 1.0 / cv**2, mean * cv**2
        return lambda rng: rng.gammavariate(shape, scale)
    if dist == "lognormal":
        mu, sigma = math.log(float(spec["median"])), float(spec["sigma"])
        return lambda rng: rng.lognormvariate(mu, sigma)
    if dist == "exponential":
        rate = 1.0 / float(spec["mean"])
        return lambda rng: rng.expovariate(rate)
    raise SystemExit(f"unsupported distribution {spec!r}")


def day_of(value, start) -> float:
    """A day number or a date, as days since start."""
    if isinstance(value, (int, float)):
        return float(value)
    return float((value - start).days)


class Scenario:
    """The parts of the scenario file this model uses, checked."""

    def __init__(self, path: Path):
        raw = tomllib.loads(path.read_text())
        sim = raw["simulation"]
        self.start = sim["start_date"]
        self.horizon = float(sim["horizon_days"])
        cap = raw.get("capability", {})
        self.frontier0 = float(cap.get("frontier_at_start", 0.0))
        self.frontier_rate = float(cap.get("frontier_rate_per_month", 1.0))

        review = raw["review"]
        self.window = float(review["window_days"])
        self.operational = day_of(review.get("operational", 0), self.start)
        for key, want in (
            ("clock_start", "submission"),
            ("on_expiry", "release"),
            ("before_operational", "release"),
        ):
            if review.get(key, want) != want:
                raise SystemExit(f"review.{key} other than {want!r} is not modelled")
        self.covered_access = set(review.get("covered_access", ["api", "open_weights"]))
        self.covered_jurisdictions = set(review.get("covered_jurisdictions", ["us"]))
        threshold = review.get("threshold", {})
        if set(threshold) - {"within_months_of_frontier"}:
            raise SystemExit(f"threshold {threshold!r} is not modelled")
        self.within = threshold.get("within_months_of_frontier")
        self.tracks = []
        for track in review["tracks"]:
            if "capacity_schedule" in track or track.get("discipline", "fifo") != "fifo":
                raise SystemExit("capacity schedules and non-FIFO tracks are not modelled")
            self.tracks.append((int(track.get("capacity", 1)), sampler(track["duration_days"])))
        if self.window <= 0 or not self.tracks:
            raise SystemExit("a scenario without review is not modelled")

        # [ecosystem] and [incidents] act only through a market or hazards,
        # so without those they change no queue or release and are ignored.
        for section in ("market", "hazard", "escalation", "export_restriction"):
            if section in raw:
                raise SystemExit(f"[{section}] is not modelled")

        self.labs = []  # (id, participates, [line])
        for lab in raw["labs"]:
            part = lab.get("participation", {})
            if set(part) - {"signed"} or lab.get("carve_out") or lab.get("expedited_window_days"):
                raise SystemExit(f"lab {lab['id']}: only participation.signed is modelled")
            signed = bool(part.get("signed", False))
            in_scope = lab.get("jurisdiction", "us") in self.covered_jurisdictions
            lines = []
            for line in lab["lines"]:
                if line.get("next_cycle_starts", "ready") != "ready":
                    raise SystemExit("next_cycle_starts other than 'ready' is not modelled")
                cadence = line["cadence_days"]
                lines.append(
                    {
                        "covered_access": line["access"] in self.covered_access,
                        "cadence": sampler(cadence),
                        "first": sampler(
                            line.get(
                                "first_ready_days",
                                {"dist": "uniform", "low": 0, "high": cadence["mean"]},
                            )
                        ),
                        "lag": sampler(line["capability_lag_months"])
                        if "capability_lag_months" in line
                        else (lambda rng: 0.0),
                    }
                )
            self.labs.append((lab["id"], signed and in_scope, lines))

    def frontier(self, t: float) -> float:
        return self.frontier0 + self.frontier_rate * t / DAYS_PER_MONTH


def replication(sc: Scenario, seed: int, rep: int):
    """One replication: per lab, (releases, mean delay or None)."""
    rng = random.Random(f"{seed}:{rep}")
    env = simpy.Environment()
    tracks = [simpy.Resource(env, capacity=c) for c, _ in sc.tracks]
    releases = [0] * len(sc.labs)
    delay_total = [0.0] * len(sc.labs)

    def release(lab: int, ready: float) -> None:
        releases[lab] += 1
        delay_total[lab] += env.now - ready

    def task(track, duration):
        with track.request() as request:
            try:
                yield request
                yield env.timeout(duration)
            except simpy.Interrupt:
                pass  # the window ended: leave the queue or free the team

    def review(lab: int, ready: float, durations):
        tasks = [env.process(task(tr, d)) for tr, d in zip(tracks, durations)]
        done = env.all_of(tasks)
        yield done | env.timeout(sc.window)
        if not done.triggered:
            for p in tasks:
                if p.is_alive:
                    p.interrupt()
        release(lab, ready)

    def line(lab: int, participates: bool, spec: dict):
        yield env.timeout(spec["first"](rng))
        while True:
            t = env.now
            lag = spec["lag"](rng)
            durations = [draw(rng) for _, draw in sc.tracks]
            capable = sc.within is None or (sc.frontier(t) - lag >= sc.frontier(t) - sc.within)
            covered = participates and spec["covered_access"] and capable
            if not covered or t < sc.operational:
                release(lab, t)
            else:
                env.process(review(lab, t, durations))
            yield env.timeout(spec["cadence"](rng))

    for i, (_, participates, lines) in enumerate(sc.labs):
        for spec in lines:
            env.process(line(i, participates, spec))
    # Events at exactly the horizon have probability zero in continuous time.
    env.run(until=sc.horizon)
    return [
        (n, total / n if n else None) for n, total in zip(releases, delay_total)
    ]


def mean_se(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    m = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else None
    return m, se


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("replications", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", type=Path, default=HERE / "review_only.toml")
    args = parser.parse_args()

    sc = Scenario(args.scenario)
    per_rep = []
    start = time.perf_counter()
    for rep in range(args.replications):
        per_rep.append(replication(sc, args.seed, rep))
    seconds = time.perf_counter() - start

    labs = {}
    for i, (lab_id, _, _) in enumerate(sc.labs):
        d_mean, d_se = mean_se([r[i][1] for r in per_rep])
        n_mean, n_se = mean_se([r[i][0] for r in per_rep])
        labs[lab_id] = {
            "delay_days_mean": d_mean,
            "delay_days_mean_se": d_se,
            "releases": n_mean,
            "releases_se": n_se,
        }
    print(
        json.dumps(
            {
                "replications": args.replications,
                "seconds": round(seconds, 4),
                "replications_per_second": round(args.replications / seconds, 1),
                "labs": labs,
                "simpy": simpy.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
