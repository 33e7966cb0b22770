//! The yardstick for the engine: a bare `BinaryHeap` event loop of an M/M/c
//! queue, as a whole process, with the random streams reviewsim uses
//! (`StreamRng`, exponentials by `rand_distr::Exp1`) and its tick clock.
//! `benches/peer/compare.py` times it beside `reviewsim run
//! benches/peer/mm3.toml` on the same queue and the same number of
//! replications:
//!
//! ```text
//! cargo run --release --example bare_loop -- SERVERS ARRIVAL_MEAN SERVICE_MEAN HORIZON_DAYS REPLICATIONS
//! ```
//!
//! Prints the customers whose service started, summed over the
//! replications (as reviewsim counts reviews started), as JSON.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::RngExt;
use rand_distr::Exp1;
use reviewsim::engine::{SimDuration, StreamRng, StreamSeed};

/// The queue: servers, the means (days) and the horizon (days).
struct Queue {
    servers: u32,
    arrival_mean: f64,
    service_mean: f64,
    horizon_days: f64,
}

/// Customers whose service started in one replication: arrivals and
/// services exponential, the first arrival too; first come, first served.
fn replication(queue: &Queue, rng: &mut StreamRng) -> u64 {
    let horizon = SimDuration::from_days(queue.horizon_days).ticks();
    let draw = |rng: &mut StreamRng, mean: f64| {
        let days: f64 = rng.sample(Exp1);
        SimDuration::from_days(days * mean).ticks()
    };
    // (time, 0 = arrival | 1 = departure)
    let mut events: BinaryHeap<Reverse<(u64, u8)>> = BinaryHeap::with_capacity(16);
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let (mut busy, mut started) = (0u32, 0u64);
    events.push(Reverse((draw(rng, queue.arrival_mean), 0)));
    while let Some(Reverse((now, kind))) = events.pop() {
        if now > horizon {
            break;
        }
        if kind == 0 {
            events.push(Reverse((now + draw(rng, queue.arrival_mean), 0)));
            if busy < queue.servers {
                busy += 1;
                started += 1;
                events.push(Reverse((now + draw(rng, queue.service_mean), 1)));
            } else {
                waiting.push_back(now);
            }
        } else if waiting.pop_front().is_some() {
            started += 1;
            events.push(Reverse((now + draw(rng, queue.service_mean), 1)));
        } else {
            busy -= 1;
        }
    }
    started
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bare_loop SERVERS ARRIVAL_MEAN SERVICE_MEAN HORIZON_DAYS REPLICATIONS";
    let number = |i: usize| -> Result<f64, String> {
        let text = args.get(i).ok_or(usage)?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| format!("{text}: not a positive number; {usage}"))
    };
    let queue = Queue {
        servers: number(0)? as u32,
        arrival_mean: number(1)?,
        service_mean: number(2)?,
        horizon_days: number(3)?,
    };
    let replications = number(4)? as u64;
    let mut customers = 0;
    for r in 0..replications {
        let mut rng = StreamSeed::new(1, 0, r).stream(0, 0);
        customers += replication(&queue, &mut rng);
    }
    println!("{{\"customers\": {customers}, \"replications\": {replications}}}");
    Ok(())
}
