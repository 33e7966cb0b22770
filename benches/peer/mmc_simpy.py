#!/usr/bin/env python3
"""SimPy peer of benches/peer/mmc.toml: the review queue as M/M/4.

Poisson arrivals at rate 0.1 a day (the first arrival too: exponential, mean
10 days), one simpy.Resource of 4 servers (FIFO), exponential service with
mean 36 days (utilisation 0.1 * 36 / 4 = 0.9), a horizon of 36,500 days, the
system empty at day 0. Replication r draws from random.Random(f"{seed}:{r}").

Written as SimPy models are usually written: a source process, one process
per customer, `with resource.request()`. A customer's service time is drawn
on arrival, as reviewsim draws a model's review duration when it is ready.

Prints one JSON line:
  replications, customers_served (services finished by the horizon, summed
  over replications), seconds (simulation time only, not interpreter start),
  customers_per_second, wait_mean_days (mean over replications of each
  replication's mean wait in queue, over customers who started service),
  wait_mean_se, wait_erlang_c_days (the steady-state M/M/c mean wait; the
  simulated one starts from an empty queue, so it sits slightly below).

Usage: mmc_simpy.py [REPLICATIONS=100] [--seed S]
"""

import argparse
import json
import math
import random
import statistics
import time

import simpy

ARRIVAL_RATE = 0.1  # per day
SERVERS = 4
SERVICE_MEAN = 36.0  # days
HORIZON = 36_500.0  # days


def erlang_c_wait(lam: float, mean_service: float, c: int) -> float:
    """Mean wait in queue of M/M/c in steady state (Erlang C)."""
    a = lam * mean_service  # offered load in servers
    rho = a / c
    assert rho < 1
    tail = a**c / math.factorial(c) / (1 - rho)
    p_wait = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
    return p_wait * mean_service / (c - a)


def replication(seed: int, rep: int) -> tuple[int, float]:
    """One replication: (customers served, mean wait of those started)."""
    rng = random.Random(f"{seed}:{rep}")
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    served = 0
    wait_total = 0.0
    started = 0

    def customer(service):
        nonlocal served, wait_total, started
        arrived = env.now
        with servers.request() as request:
            yield request
            wait_total += env.now - arrived
            started += 1
            yield env.timeout(service)
        served += 1

    def source():
        expo = rng.expovariate
        while True:
            yield env.timeout(expo(ARRIVAL_RATE))
            env.process(customer(expo(1.0 / SERVICE_MEAN)))

    env.process(source())
    env.run(until=HORIZON)
    return served, wait_total / started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("replications", type=int, nargs="?", default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    served = 0
    waits = []
    start = time.perf_counter()
    for rep in range(args.replications):
        n, wait = replication(args.seed, rep)
        served += n
        waits.append(wait)
    seconds = time.perf_counter() - start

    se = statistics.stdev(waits) / math.sqrt(len(waits)) if len(waits) > 1 else None
    print(
        json.dumps(
            {
                "replications": args.replications,
                "customers_served": served,
                "seconds": round(seconds, 4),
                "customers_per_second": round(served / seconds, 1),
                "wait_mean_days": round(statistics.fmean(waits), 4),
                "wait_mean_se": None if se is None else round(se, 4),
                "wait_erlang_c_days": round(
                    erlang_c_wait(ARRIVAL_RATE, SERVICE_MEAN, SERVERS), 4
                ),
                "simpy": simpy.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
