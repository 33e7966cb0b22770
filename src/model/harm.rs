//! What the review is for: hazards, their detection and mitigation, the
//! open-weights ecosystem of derivatives, incidents, and the response to
//! them. An API model can be patched or suspended after an incident; open
//! weights cannot be recalled, and their derivatives keep spreading.
//!
//! [`Harm`] owns every model's hazard and ecosystem state. Its operations
//! decide and return what happened; the world records it, tells the market
//! and politics, and schedules what follows.
//!
//! Every model draws its hazard-related uniforms when it is ready, from its
//! line's hazard stream, whether or not it is covered, so a change of policy
//! never changes which models are hazardous. Incidents and responses, and
//! the derivatives of a model that can harm, draw from the model's own
//! stream; the derivatives of models that never harm are drawn per line
//! (see [`LinePool`]).

use std::cell::Cell;

use rand::RngExt;
use rand_distr::{Distribution, Exp1, Poisson};

use super::log::{ModelRef, ReleaseHow};
use super::spare::Kept;
use crate::engine::{StreamRng, StreamSeed};
use crate::scenario::{Ecosystem, Hazard, Incidents, Track};

/// Draws that decide a model's hazard story, made when it is ready.
#[derive(Debug, Clone, Copy)]
struct HazardDraws {
    hazard: f64,
    detect: f64,
    block: f64,
    mitigate: f64,
    mitigation_days: f64,
    strip: f64,
    strip_days: f64,
}

impl HazardDraws {
    fn draw(hazard: &Hazard, ecosystem: &Ecosystem, rng: &mut StreamRng) -> Self {
        HazardDraws {
            hazard: rng.random(),
            detect: rng.random(),
            block: rng.random(),
            mitigate: rng.random(),
            mitigation_days: hazard.mitigation_days.sample(rng),
            strip: rng.random(),
            strip_days: ecosystem.strip_delay_days.sample(rng),
        }
    }
}

/// Counts of a Poisson process over successive intervals, given each
/// interval's expected count. Large expected counts are drawn as Poisson
/// variates; small ones by comparing the accumulated expected count with an
/// Exp(1) threshold (the process's time change), so an interval with almost
/// nothing expected costs no draw. Both are exact, and switching between them
/// is too, because the process is memoryless.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PoissonClock {
    threshold: Option<f64>,
}

impl PoissonClock {
    pub(crate) fn advance(&mut self, mut expected: f64, rng: &mut StreamRng) -> u64 {
        if expected.is_nan() || expected <= 0.0 {
            return 0;
        }
        if expected >= 1.0 {
            self.threshold = None;
            return Poisson::new(expected).map_or(0, |poisson| poisson.sample(rng) as u64);
        }
        let mut count = 0;
        let mut threshold = self.threshold.unwrap_or_else(|| rng.sample(Exp1));
        while expected >= threshold {
            expected -= threshold;
            count += 1;
            threshold = rng.sample(Exp1);
        }
        self.threshold = Some(threshold - expected);
        count
    }
}

/// The derivatives of a line's open-weights models that can never harm
/// (released without a hazard and without safeguards to strip), drawn as
/// one process: a sum of independent Poisson processes is the Poisson
/// process of the summed rate, so the line's total, which is all the market
/// and the lab's tally read, has exactly the distribution it would have
/// with a draw per model, at the cost of one draw per line and step.
#[derive(Debug, Clone, Default)]
struct LinePool {
    /// Σ 2^(−age/half-life) over the pooled models.
    remaining: f64,
    /// The lab of the line.
    lab: u32,
    clock: PoissonClock,
    /// The pool's stream, created at its first draw.
    rng: Option<StreamRng>,
}

/// A model's hazard and ecosystem state.
#[derive(Debug, Clone)]
struct ModelHarm {
    who: ModelRef,
    draws: Option<HazardDraws>,
    /// The model carries a hazard now.
    hazardous: bool,
    /// A review found the hazard: defenders are prepared.
    detected: bool,
    /// Mitigation removed the hazard with safeguards a derivative may strip.
    safeguards: bool,
    open_weights: bool,
    /// On the market (released, not suspended).
    on_market: bool,
    responding: bool,
    pending_release: Option<ReleaseHow>,
    /// Derivatives counted for this model alone (models that can harm);
    /// a pooled model's derivatives are its line's.
    derivatives: u64,
    /// 2^(−age/half-life) at the last derivative update: the share of the
    /// expected derivatives still to come.
    derivatives_remaining: f64,
    /// Its own stream, from its release on, as an index into the streams of
    /// [`Harm`]: created when first drawn from (most released models never
    /// draw), and kept out of line so that a model's state stays small.
    rng: Option<u32>,
    derivative_clock: PoissonClock,
    incident_clock: PoissonClock,
}

/// The stream of one model: the line and the model's number side by side.
fn model_stream(seed: &StreamSeed, line: u32, number: u32) -> StreamRng {
    seed.stream(super::streams::HARM, (line << 20) | number)
}

/// A released model's stream, created at its first use: the same draws as
/// had it been created at the release, since nothing else draws from it.
fn stream<'r>(
    rng: &mut Option<u32>,
    streams: &'r mut Vec<StreamRng>,
    seed: &StreamSeed,
    who: ModelRef,
) -> &'r mut StreamRng {
    let index = *rng.get_or_insert_with(|| {
        streams.push(model_stream(seed, who.line, who.number));
        (streams.len() - 1) as u32
    });
    &mut streams[index as usize]
}

/// What a review's end means for a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Finding {
    /// Nothing found (or nothing to find): release.
    Nothing,
    /// The hazard was found and the lab does not release.
    Blocked,
    /// The hazard was found; release after mitigating for this many days.
    Mitigate { days: f64 },
}

/// What a lab's response to an incident with an API model did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Response {
    /// The model was already off the market or no longer hazardous.
    Nothing,
    /// The hazard is removed.
    Patched,
    /// The model is taken off the market.
    Suspended,
}

/// A release as harm sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Released {
    /// The model carried a hazard.
    pub hazardous: bool,
    /// Days until a derivative strips its safeguards, if one will.
    pub strip_after: Option<f64>,
}

/// Incidents a model caused over a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Incident {
    /// The model.
    pub model: usize,
    /// Who made it.
    pub who: ModelRef,
    /// How many.
    pub count: u64,
    /// Days until the lab responds (API models not already responding).
    pub response_after: Option<f64>,
}

/// What a step of the ecosystem brought: new derivatives per lab, and the
/// lines whose totals changed, with their totals.
pub(crate) struct Spread<'a> {
    pub derivatives: &'a [(u32, u64)],
    pub lines: &'a [(usize, u64)],
}

/// System-wide harm counts of one replication.
#[derive(Debug, Clone, Default)]
pub(crate) struct HarmTotals {
    pub incidents_open_weights: u64,
    pub incidents_api: u64,
    pub hazardous_exposure_days: f64,
}

/// Every model's hazard and ecosystem state in one replication.
pub(crate) struct Harm<'s> {
    hazard: Option<&'s Hazard>,
    ecosystem: &'s Ecosystem,
    incidents: &'s Incidents,
    tracks: &'s [Track],
    seed: StreamSeed,
    models: Kept<ModelHarm>,
    /// The models' own streams, in the order they were created.
    streams: Kept<StreamRng>,
    /// Released models that can harm, now or once their safeguards are
    /// stripped.
    live: Vec<usize>,
    /// Per line: the derivatives of its models that never harm.
    pools: Vec<LinePool>,
    /// Whether models that never harm are pooled (always, but for tests
    /// that compare the two ways).
    pool_derivatives: bool,
    /// Some model joined a pool.
    pooling_started: bool,
    /// Derivatives per line.
    line_derivatives: Vec<u64>,
    /// Scratch: lines whose derivatives changed, with their totals.
    changed_lines: Vec<(usize, u64)>,
    /// Reused by [`Harm::spread`] from step to step.
    lines_scratch: Vec<usize>,
    /// Scratch: derivatives per lab this step (a lab may appear more than
    /// once).
    new_derivatives: Vec<(u32, u64)>,
    /// Scratch: exposure per model, filled by the market.
    exposure: Vec<f64>,
    /// Scratch: incidents this step.
    new_incidents: Vec<Incident>,
    totals: HarmTotals,
}

impl<'s> Harm<'s> {
    pub(crate) fn new(
        scenario: &'s crate::scenario::Scenario,
        seed: StreamSeed,
        line_count: usize,
    ) -> Self {
        Harm {
            hazard: scenario.hazard.as_ref(),
            ecosystem: &scenario.ecosystem,
            incidents: &scenario.incidents,
            tracks: &scenario.review.tracks,
            seed,
            models: Kept::new(&MODELS),
            streams: Kept::new(&STREAMS),
            live: Vec::new(),
            pools: vec![LinePool::default(); line_count],
            pool_derivatives: pooling(),
            pooling_started: false,
            line_derivatives: vec![0; line_count],
            changed_lines: Vec::new(),
            lines_scratch: Vec::new(),
            new_derivatives: Vec::new(),
            exposure: Vec::new(),
            new_incidents: Vec::new(),
            totals: HarmTotals::default(),
        }
    }

    /// A model is ready: whether it is hazardous is drawn now, from its
    /// line's hazard stream. Models are added in the world's model order.
    pub(crate) fn add(
        &mut self,
        who: ModelRef,
        open_weights: bool,
        capability: f64,
        hazard_rng: &mut StreamRng,
    ) {
        let draws = self
            .hazard
            .map(|hazard| HazardDraws::draw(hazard, self.ecosystem, hazard_rng));
        let hazardous = match (self.hazard, draws) {
            (Some(hazard), Some(draws)) => draws.hazard < hazard.probability(capability),
            _ => false,
        };
        self.models.push(ModelHarm {
            who,
            draws,
            hazardous,
            detected: false,
            safeguards: false,
            open_weights,
            on_market: false,
            responding: false,
            pending_release: None,
            derivatives: 0,
            derivatives_remaining: 0.0,
            rng: None,
            derivative_clock: PoissonClock::default(),
            incident_clock: PoissonClock::default(),
        });
    }

    /// Whether a model is on the market (released and not suspended).
    pub(crate) fn on_market(&self, model: usize) -> bool {
        self.models[model].on_market
    }

    /// Whether a model's weights are published.
    pub(crate) fn open_weights(&self, model: usize) -> bool {
        self.models[model].open_weights
    }

    /// The model reaches the market (before the market and the lead learn
    /// of it, which ask whether it is on the market).
    pub(crate) fn put_on_market(&mut self, model: usize) {
        self.models[model].on_market = true;
    }

    /// An incumbent released `released_day` (≤ 0) days from the start: it is
    /// on the market, with the derivatives its age brought. Returns the
    /// derivatives and the line's total.
    pub(crate) fn place_incumbent(&mut self, model: usize, released_day: f64) -> (u64, u64) {
        let state = &mut self.models[model];
        state.on_market = true;
        let who = state.who;
        let mut rng = model_stream(&self.seed, who.line, 0);
        let mut count = 0;
        if state.open_weights {
            let age = -released_day;
            count = state
                .derivative_clock
                .advance(self.ecosystem.expected_derivatives(age), &mut rng);
            state.derivatives = count;
            state.derivatives_remaining =
                (-age / self.ecosystem.derivatives_half_life_days * std::f64::consts::LN_2).exp();
            self.line_derivatives[who.line as usize] += count;
        }
        self.streams.push(rng);
        state.rng = Some((self.streams.len() - 1) as u32);
        self.go_live(model, false);
        (count, self.line_derivatives[who.line as usize])
    }

    /// A model on the market from now on: an open-weights model that can
    /// never harm (no hazard, and no safeguards that will be stripped)
    /// joins its line's pool; one that can harm, or spreads while it may
    /// come to, is followed on its own.
    fn go_live(&mut self, model: usize, will_be_stripped: bool) {
        let state = &mut self.models[model];
        if self.pool_derivatives && state.open_weights && !state.hazardous && !will_be_stripped {
            self.pooling_started = true;
            let pool = &mut self.pools[state.who.line as usize];
            pool.remaining += state.derivatives_remaining;
            pool.lab = state.who.lab;
        } else if state.open_weights || state.hazardous {
            self.live.push(model);
        }
    }

    /// A review ended (completed, or cut short by its window with the lab
    /// free to release), with `fractions_done` of each track's work: a hazard
    /// may be found, in proportion to the work done, and then the release is
    /// blocked or waits for mitigation; the release that then follows is
    /// `how`.
    pub(crate) fn review_finding(
        &mut self,
        model: usize,
        fractions_done: impl Iterator<Item = f64>,
        how: ReleaseHow,
    ) -> Finding {
        let state = &mut self.models[model];
        let (Some(hazard), Some(draws)) = (self.hazard, state.draws) else {
            return Finding::Nothing;
        };
        if !state.hazardous {
            return Finding::Nothing;
        }
        let missed: f64 = self
            .tracks
            .iter()
            .zip(fractions_done)
            .map(|(track, done)| 1.0 - track.detection_probability * done)
            .product();
        if draws.detect >= 1.0 - missed {
            return Finding::Nothing;
        }
        state.detected = true;
        if draws.block < hazard.block_probability {
            return Finding::Blocked;
        }
        state.pending_release = Some(how);
        Finding::Mitigate {
            days: draws.mitigation_days,
        }
    }

    /// Mitigation ended: the hazard is removed with some probability, with
    /// safeguards that a derivative may later strip. Returns whether it was
    /// removed, and how the model is now released.
    pub(crate) fn mitigation_done(&mut self, model: usize) -> Option<(bool, ReleaseHow)> {
        let state = &mut self.models[model];
        let (Some(hazard), Some(draws)) = (self.hazard, state.draws) else {
            return None;
        };
        let removed = draws.mitigate < hazard.mitigation_success;
        if removed {
            state.hazardous = false;
            state.safeguards = true;
        }
        let how = state.pending_release.take().unwrap_or(ReleaseHow::Reviewed);
        Some((removed, how))
    }

    /// The model is released: its ecosystem starts, and a derivative may
    /// later strip its safeguards.
    pub(crate) fn release(&mut self, model: usize) -> Released {
        let state = &mut self.models[model];
        state.on_market = true;
        state.derivatives_remaining = 1.0;
        // A fresh stream from the release on, created at its first draw.
        state.rng = None;
        let strip_after = match state.draws {
            Some(draws)
                if state.open_weights
                    && state.safeguards
                    && draws.strip < self.ecosystem.strip_probability =>
            {
                Some(draws.strip_days)
            }
            _ => None,
        };
        let hazardous = state.hazardous;
        self.go_live(model, strip_after.is_some());
        Released {
            hazardous,
            strip_after,
        }
    }

    /// A derivative strips the safeguards that mitigation added: the hazard
    /// is back. Returns whether there were safeguards to strip.
    pub(crate) fn strip(&mut self, model: usize) -> bool {
        let state = &mut self.models[model];
        if !state.safeguards {
            return false;
        }
        state.safeguards = false;
        state.hazardous = true;
        true
    }

    /// The lab responds to an incident with an API model: a patch removes
    /// the hazard; a suspension takes the model off the market.
    pub(crate) fn respond(&mut self, model: usize) -> Response {
        let state = &mut self.models[model];
        state.responding = false;
        if !state.on_market || !state.hazardous {
            return Response::Nothing;
        }
        let rng = stream(&mut state.rng, &mut self.streams, &self.seed, state.who);
        if rng.random::<f64>() < self.incidents.patch_probability {
            state.hazardous = false;
            Response::Patched
        } else {
            state.on_market = false;
            Response::Suspended
        }
    }

    /// Advances derivatives over the `days` since the last step for every
    /// open-weights model still spreading: each line's pool, and each model
    /// followed on its own. Returns the new derivatives per lab, and the
    /// lines whose totals changed with their totals.
    pub(crate) fn spread(&mut self, days: f64) -> Spread<'_> {
        self.new_derivatives.clear();
        self.changed_lines.clear();
        if self.live.is_empty() && !self.pooling_started {
            return Spread {
                derivatives: &self.new_derivatives,
                lines: &self.changed_lines,
            };
        }
        let models = &self.models;
        self.live.retain(|&m| {
            let state = &models[m];
            state.open_weights || (state.on_market && state.hazardous)
        });
        if days <= 0.0 || self.ecosystem.derivatives_per_day_initial == 0.0 {
            return Spread {
                derivatives: &self.new_derivatives,
                lines: &self.changed_lines,
            };
        }
        // Expected derivatives over the step: λ₀h/ln 2 · (2^(−a₀/h) − 2^(−a₁/h)),
        // with 2^(−a/h) kept per model (summed per pool) and advanced by one
        // factor per step.
        let ecosystem = self.ecosystem;
        let scale = ecosystem.derivatives_per_day_initial * ecosystem.derivatives_half_life_days
            / std::f64::consts::LN_2;
        let step_decay =
            (-days / ecosystem.derivatives_half_life_days * std::f64::consts::LN_2).exp();
        let mut lines = std::mem::take(&mut self.lines_scratch);
        lines.clear();
        for (line, pool) in self.pools.iter_mut().enumerate() {
            if pool.remaining == 0.0 {
                continue;
            }
            let remaining = pool.remaining * step_decay;
            let expected = scale * (pool.remaining - remaining);
            pool.remaining = remaining;
            let rng = pool
                .rng
                .get_or_insert_with(|| self.seed.stream(super::streams::DERIVATIVES, line as u32));
            let count = pool.clock.advance(expected, rng);
            if count > 0 {
                self.line_derivatives[line] += count;
                self.new_derivatives.push((pool.lab, count));
                lines.push(line);
            }
        }
        for &model in &self.live {
            let state = &mut self.models[model];
            if !state.open_weights {
                continue;
            }
            let remaining = state.derivatives_remaining * step_decay;
            let expected = scale * (state.derivatives_remaining - remaining);
            state.derivatives_remaining = remaining;
            let rng = stream(&mut state.rng, &mut self.streams, &self.seed, state.who);
            let count = state.derivative_clock.advance(expected, rng);
            if count > 0 {
                state.derivatives += count;
                self.line_derivatives[state.who.line as usize] += count;
                self.new_derivatives.push((state.who.lab, count));
                lines.push(state.who.line as usize);
            }
        }
        lines.sort_unstable();
        lines.dedup();
        self.changed_lines.extend(
            lines
                .iter()
                .map(|&line| (line, self.line_derivatives[line])),
        );
        self.lines_scratch = lines;
        Spread {
            derivatives: &self.new_derivatives,
            lines: &self.changed_lines,
        }
    }

    /// Whether incidents are modelled and some model could cause one now.
    pub(crate) fn may_harm(&self, days: f64) -> bool {
        self.hazard.is_some() && days > 0.0 && !self.live.is_empty()
    }

    /// A zeroed exposure per model, for the market to add its adopters'
    /// exposure-days over the step to.
    pub(crate) fn exposure_scratch(&mut self) -> &mut [f64] {
        self.exposure.clear();
        self.exposure.resize(self.models.len(), 0.0);
        &mut self.exposure
    }

    /// Incidents over the `days` since the last step, from each hazardous
    /// model's exposure-days: its adopters', integrated over the step by
    /// the market into [`Harm::exposure_scratch`], plus its own and its
    /// derivatives' exposure (their count at the step's end) × `days`.
    pub(crate) fn incidents(&mut self, days: f64) -> &[Incident] {
        self.new_incidents.clear();
        let Some(hazard) = self.hazard else {
            return &self.new_incidents;
        };
        let incidents = self.incidents;
        for &model in &self.live {
            let state = &mut self.models[model];
            if !state.hazardous || !(state.on_market || state.open_weights) {
                continue;
            }
            let exposure_days = self.exposure[model]
                + (incidents.exposure_per_model
                    + incidents.exposure_per_derivative * state.derivatives as f64)
                    * days;
            self.totals.hazardous_exposure_days += exposure_days;
            let factor = if state.detected {
                hazard.preparedness_factor
            } else {
                1.0
            };
            let expected = incidents.rate_per_exposure_day * exposure_days * factor;
            let rng = stream(&mut state.rng, &mut self.streams, &self.seed, state.who);
            let count = state.incident_clock.advance(expected, rng);
            if count == 0 {
                continue;
            }
            let mut response_after = None;
            if state.open_weights {
                self.totals.incidents_open_weights += count;
            } else {
                self.totals.incidents_api += count;
                if !state.responding {
                    state.responding = true;
                    response_after = Some(incidents.response_delay_days.sample(rng));
                }
            }
            self.new_incidents.push(Incident {
                model,
                who: state.who,
                count,
                response_after,
            });
        }
        &self.new_incidents
    }

    /// System-wide counts.
    pub(crate) fn totals(&self) -> &HarmTotals {
        &self.totals
    }

    /// The uniform that decided whether a model is hazardous.
    #[cfg(test)]
    pub(crate) fn hazard_draw(&self, model: usize) -> Option<f64> {
        self.models[model].draws.map(|draws| draws.hazard)
    }
}

/// Whether [`Harm`] pools the derivatives of models that never harm:
/// always, but tests can turn it off on their thread to compare.
#[cfg(not(test))]
fn pooling() -> bool {
    true
}

#[cfg(test)]
fn pooling() -> bool {
    POOLING.with(Cell::get)
}

#[cfg(test)]
thread_local! {
    pub(crate) static POOLING: Cell<bool> = const { Cell::new(true) };
}

thread_local! {
    static MODELS: Cell<Vec<ModelHarm>> = const { Cell::new(Vec::new()) };
    static STREAMS: Cell<Vec<StreamRng>> = const { Cell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poisson_clock_counts_like_a_poisson_process() {
        // 2,000 runs of 100 intervals of expected 0.03 each (total 3): the
        // count is Poisson(3); its mean has standard error sqrt(3/2000).
        let seed = StreamSeed::new(5, 0, 0);
        let mut rng = seed.stream(0, 0);
        let runs = 2_000;
        let counts: Vec<f64> = (0..runs)
            .map(|_| {
                let mut clock = PoissonClock::default();
                (0..100).map(|_| clock.advance(0.03, &mut rng)).sum::<u64>() as f64
            })
            .collect();
        let mean = counts.iter().sum::<f64>() / runs as f64;
        let variance = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (runs - 1) as f64;
        let se = (3.0f64 / runs as f64).sqrt();
        assert!((mean - 3.0).abs() < 4.0 * se, "mean {mean}");
        // The variance of a Poisson count equals its mean; its sample
        // variance has standard error about sqrt((3 + 2·9)/2000) ≈ 0.1.
        assert!((variance - 3.0).abs() < 0.4, "variance {variance}");
    }
}
