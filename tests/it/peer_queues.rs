//! The queues `benches/peer/compare.py` times are the queues they claim to
//! be: the M/M/3 of `benches/peer/mm3.toml` waits as Erlang C says, and
//! serves the customers the bare loop of `examples/bare_loop.rs` serves.

use crate::common::{csv_rows, reviewsim_ok};

/// The mean wait in queue of M/M/c in steady state (Erlang C).
fn erlang_c_wait(arrival_rate: f64, service_mean: f64, servers: u32) -> f64 {
    let load = arrival_rate * service_mean;
    let rho = load / servers as f64;
    let (mut term, mut below) = (1.0, 0.0);
    for k in 0..servers {
        if k > 0 {
            term *= load / k as f64;
        }
        below += term;
    }
    let top = term * load / servers as f64 / (1.0 - rho);
    let waits = top / (below + top);
    waits * service_mean / (servers as f64 * (1.0 - rho))
}

#[test]
fn the_m_m_3_bench_waits_as_erlang_c_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peer/mm3.toml");
    reviewsim_ok(&[
        "run",
        scenario,
        "--out",
        &out,
        "--outputs",
        "summary",
        "--quiet",
    ]);
    let rows = csv_rows(&dir.path().join("summary.csv"));
    let metric = |name: &str| {
        let row = (rows.iter())
            .find(|r| r["lab"] == "all" && r["metric"] == name)
            .unwrap();
        (
            row["mean"].parse::<f64>().unwrap(),
            row["se"].parse::<f64>().unwrap(),
        )
    };
    let expected = erlang_c_wait(2.5, 1.02, 3);
    assert!((expected - 1.656).abs() < 0.001, "{expected}");
    // The transient from an empty queue at day 0 is 1 day in 36,500.
    let (wait, se) = metric("queue_wait_days_mean_queue");
    assert!(
        (wait - expected).abs() < 4.0 * se,
        "{wait} ± {se} against {expected}"
    );
    // 2.5 customers a day for 36,500 days: 91,250 a replication, Poisson.
    let (customers, se) = metric("reviews_completed");
    let poisson_se = (91_250.0f64).sqrt() / 20f64.sqrt();
    assert!(
        (customers - 91_250.0).abs() < 4.0 * poisson_se,
        "{customers} ± {se}"
    );
}
