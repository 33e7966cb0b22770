//! The fixed sample over which choice shares are averaged: for every line
//! on the market on day 0 and every draw, the capability of its models
//! relative to the frontier.

use std::sync::{Arc, Mutex};

use rand::RngExt;

use super::{DRAWS, EARLIER_MODELS, LineView, NEGLIGIBLE};
use crate::engine::{StreamRng, StreamSeed};
use crate::scenario::dist::DistParam;
use crate::scenario::sections::{Cadence, Capability, DAYS_PER_MONTH, Ecosystem, Segment};

/// The sample's own streams: a master seed and a point no run uses, so the
/// calibration depends on the scenario's parameters, never on its seed.
const MASTER: u64 = 0x6361_6C69_6272_6174; // "calibrat"
const POINT: u64 = u64::MAX;

/// Capabilities beyond ±10^12 frontier-months are taken as ±10^12, as in the
/// simulation.
const MAX_CAPABILITY: f64 = 1e12;

/// Per line on the market on day 0 and per draw: the capability, relative to
/// the frontier, of its current model and of the earlier ones still on
/// offer in a steady state; and of its incumbent on day 0.
#[derive(Debug)]
pub(crate) struct Sample {
    lines: Vec<Arc<LineSample>>,
    /// What the lines' samples were drawn from.
    key: String,
}

/// One line's part of the sample.
#[derive(Debug, Default)]
struct LineSample {
    /// `steady[draw * (EARLIER_MODELS + 1) + j]`; empty for a line with no
    /// model on the market on day 0.
    steady: Vec<f64>,
    /// `day0[draw]`.
    day0: Vec<f64>,
    /// ln(1 + expected derivatives on day 0).
    ecosystem: f64,
}

/// Log choice weights, per draw and line: `weights[draw * lines + line]`,
/// −∞ for a line not on the market.
pub(crate) struct LogWeights {
    pub lines: usize,
    pub weights: Vec<f64>,
}

impl LogWeights {
    /// The weights of one draw.
    pub fn draw(&self, draw: usize) -> &[f64] {
        &self.weights[draw * self.lines..(draw + 1) * self.lines]
    }

    /// How many draws.
    pub fn draws(&self) -> usize {
        self.weights.len() / self.lines.max(1)
    }
}

/// Lines' samples recently drawn, with what each was drawn from: the
/// points of a sweep that leave a line alone reuse its sample, and only the
/// lines a point changes are drawn again.
static RECENT: Mutex<Vec<(String, Arc<LineSample>)>> = Mutex::new(Vec::new());

/// How many lines' samples are kept.
const KEPT: usize = 64;

impl Sample {
    /// The sample for these lines, each line's drawn or taken from a recent
    /// one drawn from the same inputs (the draws depend on nothing else).
    pub(crate) fn cached(
        lines: &[LineView<'_>],
        capability: &Capability,
        ecosystem: &Ecosystem,
    ) -> Sample {
        let seed = StreamSeed::new(MASTER, POINT, 0);
        let mut keys = String::new();
        let lines = (lines.iter().enumerate())
            .map(|(index, view)| {
                let key = format!(
                    "{index} {:?} {:?} {:?} {} {} {} {}",
                    view.line.cadence,
                    view.line.capability_lag_months,
                    view.incumbent_day,
                    view.open_weights,
                    capability.frontier_rate_per_month,
                    ecosystem.derivatives_per_day_initial,
                    ecosystem.derivatives_half_life_days,
                );
                keys.push_str(&key);
                keys.push('\n');
                let mut recent = RECENT
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Some(found) = recent.iter().position(|(drawn_from, _)| *drawn_from == key) {
                    let entry = recent.remove(found);
                    let sample = Arc::clone(&entry.1);
                    recent.push(entry);
                    return sample;
                }
                let sample = Arc::new(LineSample::draw(seed, index, view, capability, ecosystem));
                if recent.len() >= KEPT {
                    recent.remove(0);
                }
                recent.push((key, Arc::clone(&sample)));
                sample
            })
            .collect();
        Sample { lines, key: keys }
    }

    /// What the sample was drawn from.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// The same from other streams (to measure the sample's own noise).
    #[cfg(test)]
    pub(crate) fn draw_from(
        seed: StreamSeed,
        lines: &[LineView<'_>],
        capability: &Capability,
        ecosystem: &Ecosystem,
    ) -> Self {
        let lines = (lines.iter().enumerate())
            .map(|(index, view)| {
                Arc::new(LineSample::draw(seed, index, view, capability, ecosystem))
            })
            .collect();
        Sample {
            lines,
            key: format!("{seed:?}"),
        }
    }

    /// Log weights in a steady state: each line's current and earlier
    /// models, summed, with the segment's capability and ecosystem weights.
    pub(crate) fn log_weights(&self, segment: &Segment) -> LogWeights {
        let lines = self.lines.len();
        let mut weights = vec![f64::NEG_INFINITY; DRAWS * lines];
        for (line, sample) in self.lines.iter().enumerate() {
            let ecosystem = segment.ecosystem_weight * sample.ecosystem;
            for (draw, models) in sample.steady.chunks_exact(EARLIER_MODELS + 1).enumerate() {
                weights[draw * lines + line] =
                    line_log_weight(models, segment.capability_weight) + ecosystem;
            }
        }
        LogWeights { lines, weights }
    }

    /// Log weights on day 0: the incumbents as they are.
    pub(crate) fn day0_log_weights(&self, segment: &Segment) -> LogWeights {
        let lines = self.lines.len();
        let mut weights = vec![f64::NEG_INFINITY; DRAWS * lines];
        for (line, sample) in self.lines.iter().enumerate() {
            let ecosystem = segment.ecosystem_weight * sample.ecosystem;
            for (draw, &capability) in sample.day0.iter().enumerate() {
                weights[draw * lines + line] = segment.capability_weight * capability + ecosystem;
            }
        }
        LogWeights { lines, weights }
    }
}

impl LineSample {
    /// One line's draws, from its own stream of `seed` (keyed by its place).
    fn draw(
        seed: StreamSeed,
        index: usize,
        view: &LineView<'_>,
        capability: &Capability,
        ecosystem: &Ecosystem,
    ) -> LineSample {
        let Some(incumbent_day) = view.incumbent_day else {
            return LineSample::default();
        };
        let months = |days: f64| capability.frontier_rate_per_month * days / DAYS_PER_MONTH;
        let mut rng = seed.stream(0, index as u32);
        let lag = &view.line.capability_lag_months;
        let mut steady = Vec::with_capacity(DRAWS * (EARLIER_MODELS + 1));
        let mut day0 = Vec::with_capacity(DRAWS);
        // The age's uniform is stratified (a Latin hypercube over the
        // lines): ages decide most of a draw's shares.
        let mut strata: Vec<usize> = (0..DRAWS).collect();
        shuffle(&mut strata, &mut rng);
        for &stratum in &strata {
            let u = (stratum as f64 + rng.random::<f64>()) / DRAWS as f64;
            let mut age = stationary_age(&view.line.cadence, u, &mut rng);
            for earlier in 0..=EARLIER_MODELS {
                if earlier > 0 {
                    age += interval(&view.line.cadence, &mut rng);
                }
                steady.push(relative(-lag.sample(&mut rng) - months(age)));
            }
            day0.push(relative(months(incumbent_day) - lag.sample(&mut rng)));
        }
        LineSample {
            steady,
            day0,
            ecosystem: if view.open_weights {
                expected_derivatives(ecosystem, -incumbent_day).ln_1p()
            } else {
                0.0
            },
        }
    }
}

/// ln Σ_j e^{β c_j} over a line's current and earlier models, leaving out
/// the earlier ones more than [`NEGLIGIBLE`] below the current one (the
/// market would have dropped them).
fn line_log_weight(capabilities: &[f64], weight: f64) -> f64 {
    let current = weight * capabilities[0];
    let mut total = 1.0;
    for capability in &capabilities[1..] {
        let relative = weight * capability - current;
        if relative < -NEGLIGIBLE {
            break;
        }
        total += relative.exp();
    }
    current + total.ln()
}

fn relative(capability: f64) -> f64 {
    capability.clamp(-MAX_CAPABILITY, MAX_CAPABILITY)
}

/// The age of a line's current model at a random moment of a steady state.
/// A schedule of dates is taken as a cycle of its mean gap.
fn stationary_age(cadence: &Cadence, u: f64, rng: &mut StreamRng) -> f64 {
    match cadence {
        Cadence::Every(param) => u * param.spec().sample_length_biased(rng),
        Cadence::Scheduled(_) => u * scheduled_gap(cadence),
    }
}

/// A Fisher–Yates shuffle.
fn shuffle(items: &mut [usize], rng: &mut StreamRng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// One interval between models.
fn interval(cadence: &Cadence, rng: &mut StreamRng) -> f64 {
    match cadence {
        Cadence::Every(param) => DistParam::sample(param, rng),
        Cadence::Scheduled(_) => scheduled_gap(cadence),
    }
}

/// The mean gap between a schedule's dates (0 with fewer than two).
fn scheduled_gap(cadence: &Cadence) -> f64 {
    match cadence {
        Cadence::Scheduled(times) if times.len() >= 2 => {
            let (first, last) = (times[0], times[times.len() - 1]);
            last.since(first).as_days() / (times.len() - 1) as f64
        }
        _ => 0.0,
    }
}

/// Expected derivatives of an open-weights model `age` days after its
/// release: λ₀h/ln 2 · (1 − 2^(−age/h)).
pub(crate) fn expected_derivatives(ecosystem: &Ecosystem, age: f64) -> f64 {
    let (rate, half_life) = (
        ecosystem.derivatives_per_day_initial,
        ecosystem.derivatives_half_life_days,
    );
    if age <= 0.0 || rate <= 0.0 {
        return 0.0;
    }
    // λ₀ a · (1 − e^−x)/x with x = a ln 2 / h, written so that no half-life
    // overflows it (x → 0 gives λ₀ a).
    let x = age / half_life * std::f64::consts::LN_2;
    let factor = if x < 1e-8 {
        1.0 - x / 2.0
    } else {
        -(-x).exp_m1() / x
    };
    (rate * age * factor).min(f64::MAX)
}
