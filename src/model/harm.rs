//! What the review is for: hazards, their detection and mitigation, the
//! open-weights ecosystem of derivatives, incidents, and the response to
//! them. An API model can be patched or suspended after an incident; open
//! weights cannot be recalled, and their derivatives keep spreading.
//!
//! Every model draws its hazard-related uniforms when it is ready, from its
//! line's hazard stream, whether or not it is covered, so a change of policy
//! never changes which models are hazardous. Derivatives, incidents and
//! responses draw from the model's own stream.

use rand::RngExt;
use rand_distr::{Distribution, Exp1, Poisson};

use super::log::{EventKind, ReleaseHow};
use super::world::{Event, World};
use crate::engine::{Context, SimDuration, SimTime, StreamRng, StreamSeed};
use crate::scenario::{Ecosystem, Hazard};

/// Draws that decide a model's hazard story, made when it is ready.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HazardDraws {
    hazard: f64,
    detect: f64,
    block: f64,
    mitigate: f64,
    mitigation_days: f64,
    strip: f64,
    strip_days: f64,
}

impl HazardDraws {
    pub(crate) fn draw(hazard: &Hazard, ecosystem: &Ecosystem, rng: &mut StreamRng) -> Self {
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

/// A model's hazard and ecosystem state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Harm {
    pub draws: Option<HazardDraws>,
    /// The model carries a hazard now.
    pub hazardous: bool,
    /// A review found the hazard: defenders are prepared.
    pub detected: bool,
    /// Mitigation removed the hazard with safeguards a derivative may strip.
    pub safeguards: bool,
    pub blocked: bool,
    pub open_weights: bool,
    /// On the market (released, not suspended).
    pub on_market: bool,
    pub responding: bool,
    pub pending_release: Option<ReleaseHow>,
    /// Release day, counted from the start (negative for incumbents).
    pub released_day: f64,
    pub derivatives: u64,
    /// 2^(−age/half-life) at the last derivative update: the share of the
    /// expected derivatives still to come.
    pub derivatives_remaining: f64,
    pub rng: Option<StreamRng>,
    pub derivative_clock: PoissonClock,
    pub incident_clock: PoissonClock,
}

/// The stream of one model: the line and the model's number side by side.
pub(crate) fn model_stream(seed: &StreamSeed, line: u32, number: u32) -> StreamRng {
    seed.stream(super::streams::HARM, (line << 20) | number)
}

/// System-wide harm counts of one replication.
#[derive(Debug, Clone, Default)]
pub(crate) struct HarmTotals {
    pub incidents_open_weights: u64,
    pub incidents_api: u64,
    pub hazardous_exposure_days: f64,
}

impl World<'_> {
    /// Whether a model ready at `capability` is hazardous, from its draws.
    pub(super) fn draw_hazard(&mut self, line: usize, capability: f64) -> Harm {
        let open_weights = self.lines[line].spec.access == crate::scenario::Access::OpenWeights;
        let Some(hazard) = &self.scenario.hazard else {
            return Harm {
                open_weights,
                ..Harm::default()
            };
        };
        let draws = HazardDraws::draw(
            hazard,
            &self.scenario.ecosystem,
            &mut self.lines[line].hazard_rng,
        );
        Harm {
            hazardous: draws.hazard < hazard.probability(capability),
            draws: Some(draws),
            open_weights,
            ..Harm::default()
        }
    }

    /// A review ended (completed, or cut short by its window with the lab
    /// free to release). A hazard may be found, in proportion to the work
    /// done on each track; if so the release is blocked or waits for
    /// mitigation. Otherwise the model is released now.
    pub(super) fn conclude_review(
        &mut self,
        model: usize,
        how: ReleaseHow,
        context: &mut Context<'_, Event>,
    ) {
        let now = context.now();
        let state = &self.models[model];
        let (Some(hazard), Some(draws), Some(review)) =
            (&self.scenario.hazard, state.harm.draws, state.review)
        else {
            return self.release(model, how, context);
        };
        if !state.harm.hazardous {
            return self.release(model, how, context);
        }
        let tracks = &self.scenario.review.tracks;
        let missed: f64 = tracks
            .iter()
            .zip(self.program.fractions_done(review))
            .map(|(track, done)| 1.0 - track.detection_probability * done)
            .product();
        if draws.detect >= 1.0 - missed {
            return self.release(model, how, context);
        }
        let who = state.who;
        let lab = who.lab as usize;
        self.models[model].harm.detected = true;
        self.tallies[lab].hazards_detected += 1;
        self.log
            .record(now, EventKind::HazardDetected, Some(who), None);
        if draws.block < hazard.block_probability {
            self.models[model].harm.blocked = true;
            self.tallies[lab].blocked_releases += 1;
            self.log
                .record(now, EventKind::ReleaseBlocked, Some(who), None);
            self.after_last_step_of(model, now, context);
            return;
        }
        self.models[model].harm.pending_release = Some(how);
        self.tallies[lab].mitigations += 1;
        context.schedule_in(
            SimDuration::from_days(draws.mitigation_days),
            Event::MitigationDone { model },
        );
    }

    /// Mitigation ends: the hazard is removed with some probability, with
    /// safeguards that a derivative may later strip; then the model is
    /// released.
    pub(super) fn on_mitigation_done(&mut self, model: usize, context: &mut Context<'_, Event>) {
        let (Some(hazard), Some(draws)) = (&self.scenario.hazard, self.models[model].harm.draws)
        else {
            return;
        };
        let harm = &mut self.models[model].harm;
        let removed = draws.mitigate < hazard.mitigation_success;
        if removed {
            harm.hazardous = false;
            harm.safeguards = true;
        }
        let how = harm.pending_release.take().unwrap_or(ReleaseHow::Reviewed);
        let who = self.models[model].who;
        self.log.record(
            context.now(),
            EventKind::MitigationCompleted { removed },
            Some(who),
            None,
        );
        self.release(model, how, context);
    }

    /// A model reaches the public: count its hazard, start its ecosystem, and
    /// schedule the stripping of its safeguards if that happens.
    pub(super) fn start_harm(
        &mut self,
        model: usize,
        how: ReleaseHow,
        context: &mut Context<'_, Event>,
    ) {
        let state = &mut self.models[model];
        let who = state.who;
        let lab = who.lab as usize;
        if state.harm.hazardous {
            self.tallies[lab].hazardous_releases += 1;
            if how != ReleaseHow::Reviewed {
                self.tallies[lab].hazardous_unreviewed_releases += 1;
            }
        }
        let harm = &mut state.harm;
        harm.on_market = true;
        harm.released_day = context.now().as_days();
        harm.derivatives_remaining = 1.0;
        harm.rng = Some(model_stream(&self.seed, who.line, who.number));
        if harm.open_weights
            && harm.safeguards
            && let Some(draws) = harm.draws
            && draws.strip < self.scenario.ecosystem.strip_probability
        {
            context.schedule_in(
                SimDuration::from_days(draws.strip_days),
                Event::SafeguardsStripped { model },
            );
        }
        if harm.open_weights || harm.hazardous {
            self.live.push(model);
        }
    }

    /// An incumbent open-weights model starts with the derivatives its age
    /// would have brought.
    pub(super) fn seed_incumbent_ecosystem(&mut self, model: usize, released_day: f64) {
        let ecosystem = &self.scenario.ecosystem;
        let harm = &mut self.models[model].harm;
        harm.released_day = released_day;
        if !harm.open_weights {
            return;
        }
        let age = -released_day;
        let rng = harm.rng.as_mut().expect("a released model has a stream");
        let count = harm
            .derivative_clock
            .advance(ecosystem.expected_derivatives(age), rng);
        harm.derivatives = count;
        harm.derivatives_remaining =
            (-age / ecosystem.derivatives_half_life_days * std::f64::consts::LN_2).exp();
        let who = self.models[model].who;
        self.tallies[who.lab as usize].derivatives += count;
        self.line_derivatives[who.line as usize] += count;
        if let Some(market) = &mut self.market {
            market.set_line_derivatives(
                who.line as usize,
                self.line_derivatives[who.line as usize] as f64,
            );
        }
    }

    /// A derivative strips the safeguards that mitigation added: the hazard
    /// is back, and an open-weights model cannot be withdrawn.
    pub(super) fn on_safeguards_stripped(
        &mut self,
        model: usize,
        context: &mut Context<'_, Event>,
    ) {
        self.advance_to_now(context);
        let state = &mut self.models[model];
        if !state.harm.safeguards {
            return;
        }
        state.harm.safeguards = false;
        state.harm.hazardous = true;
        let who = state.who;
        self.tallies[who.lab as usize].safeguards_stripped += 1;
        self.log.record(
            context.now(),
            EventKind::SafeguardsStripped,
            Some(who),
            None,
        );
    }

    /// The lab responds to an incident with an API model: a patch removes
    /// the hazard; a suspension takes the model off the market and its
    /// adopters re-choose.
    pub(super) fn on_response(&mut self, model: usize, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let now = context.now();
        let patch_probability = self.scenario.incidents.patch_probability;
        let state = &mut self.models[model];
        state.harm.responding = false;
        if !state.harm.on_market || !state.harm.hazardous {
            return;
        }
        let who = state.who;
        let lab = who.lab as usize;
        let rng = state
            .harm
            .rng
            .as_mut()
            .expect("a released model has a stream");
        if rng.random::<f64>() < patch_probability {
            state.harm.hazardous = false;
            self.tallies[lab].patches += 1;
            self.log.record(now, EventKind::Patched, Some(who), None);
        } else {
            state.harm.on_market = false;
            self.tallies[lab].suspensions += 1;
            self.log.record(now, EventKind::Suspended, Some(who), None);
            if let Some(market) = &mut self.market {
                market.withdraw(model);
            }
            self.lead.withdraw(model, now);
        }
    }

    /// Advances derivatives and incidents over the `days` since the last
    /// step, for every model still able to spread or harm.
    pub(super) fn harm_step(&mut self, days: f64, context: &mut Context<'_, Event>) {
        let now = context.now();
        let models = &self.models;
        self.live.retain(|&m| {
            let harm = &models[m].harm;
            harm.open_weights || (harm.on_market && harm.hazardous)
        });
        if days <= 0.0 || self.live.is_empty() {
            return;
        }
        // Expected derivatives over the step: λ₀h/ln 2 · (2^(−a₀/h) − 2^(−a₁/h)),
        // with 2^(−a/h) kept per model and advanced by one factor per step.
        let ecosystem = &self.scenario.ecosystem;
        let scale = ecosystem.derivatives_per_day_initial * ecosystem.derivatives_half_life_days
            / std::f64::consts::LN_2;
        let step_decay =
            (-days / ecosystem.derivatives_half_life_days * std::f64::consts::LN_2).exp();
        let mut changed_lines = std::mem::take(&mut self.changed_lines);
        for index in 0..self.live.len() {
            let model = self.live[index];
            let harm = &mut self.models[model].harm;
            if !harm.open_weights {
                continue;
            }
            let remaining = harm.derivatives_remaining * step_decay;
            let expected = scale * (harm.derivatives_remaining - remaining);
            harm.derivatives_remaining = remaining;
            let rng = harm.rng.as_mut().expect("a released model has a stream");
            let count = harm.derivative_clock.advance(expected, rng);
            if count > 0 {
                harm.derivatives += count;
                let who = self.models[model].who;
                self.tallies[who.lab as usize].derivatives += count;
                self.line_derivatives[who.line as usize] += count;
                changed_lines.push(who.line as usize);
            }
        }
        changed_lines.sort_unstable();
        changed_lines.dedup();
        if let Some(market) = &mut self.market {
            for &line in &changed_lines {
                market.set_line_derivatives(line, self.line_derivatives[line] as f64);
            }
        }
        changed_lines.clear();
        self.changed_lines = changed_lines;
        let Some(hazard) = &self.scenario.hazard else {
            return;
        };
        let incidents = &self.scenario.incidents;
        self.pressure_from_incidents.clear();
        self.exposure.clear();
        self.exposure.resize(self.models.len(), 0.0);
        if let Some(market) = &self.market {
            market.add_exposure(&mut self.exposure);
        }
        for index in 0..self.live.len() {
            let model = self.live[index];
            let state = &mut self.models[model];
            let harm = &mut state.harm;
            if !harm.hazardous || !(harm.on_market || harm.open_weights) {
                continue;
            }
            let exposure = self.exposure[model]
                + incidents.exposure_per_model
                + incidents.exposure_per_derivative * harm.derivatives as f64;
            self.totals.hazardous_exposure_days += exposure * days;
            let factor = if harm.detected {
                hazard.preparedness_factor
            } else {
                1.0
            };
            let expected = incidents.rate_per_exposure_day * exposure * factor * days;
            let rng = harm.rng.as_mut().expect("a released model has a stream");
            let count = harm.incident_clock.advance(expected, rng);
            if count == 0 {
                continue;
            }
            let who = state.who;
            self.tallies[who.lab as usize].incidents += count;
            self.pressure_from_incidents.push((who.lab as usize, count));
            if harm.open_weights {
                self.totals.incidents_open_weights += count;
            } else {
                self.totals.incidents_api += count;
                if !harm.responding {
                    harm.responding = true;
                    let delay = incidents.response_delay_days.sample(rng);
                    context.schedule_in(SimDuration::from_days(delay), Event::Response { model });
                }
            }
            for _ in 0..count {
                self.log.record(now, EventKind::Incident, Some(who), None);
            }
        }
        if let Some(escalation) = &self.scenario.escalation {
            for (lab, count) in std::mem::take(&mut self.pressure_from_incidents) {
                self.add_pressure(
                    lab,
                    escalation.pressure_per_incident * count as f64,
                    context,
                );
            }
        }
    }

    /// A blocked model's line starts its next cycle now, if cycles start at
    /// release.
    fn after_last_step_of(&mut self, model: usize, now: SimTime, context: &mut Context<'_, Event>) {
        let line = self.models[model].who.line as usize;
        if self.lines[line].spec.next_cycle_starts == crate::scenario::CycleStart::Release {
            self.schedule_next(line, now, context);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Simulation;
    use crate::model::Recording;
    use crate::scenario::{Override, Scenario};

    /// Capability and hazard draw of every model a replication made, by
    /// (line, number).
    fn draws(overrides: &[&str], replication: u64) -> Vec<((u32, u32), f64, f64)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
        let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
        let scenario = Scenario::load(path.as_ref(), &overrides).unwrap();
        let mut world = World::new(
            &scenario,
            StreamSeed::new(scenario.seed, 0, replication),
            Recording::NONE,
        );
        let initial = world.initial_events();
        let mut simulation = Simulation::new(world);
        for (time, event) in initial {
            simulation.schedule_at(time, event);
        }
        simulation.run_until(scenario.horizon);
        let world = simulation.into_model();
        let mut draws: Vec<_> = world
            .models
            .iter()
            .map(|m| {
                (
                    (m.who.line, m.who.number),
                    m.capability,
                    m.harm.draws.unwrap().hazard,
                )
            })
            .collect();
        draws.sort_by_key(|d| d.0);
        draws
    }

    #[test]
    fn review_policy_does_not_change_any_model_capability_or_hazard_draw() {
        for replication in 0..10 {
            let open = draws(&["review.window_days=0"], replication);
            let strict = draws(
                &[
                    "review.on_expiry=hold",
                    "labs.meta.participation.signed=true",
                ],
                replication,
            );
            assert!(open.len() > 40);
            // Lines whose cadence starts at ready make the same models; the
            // stricter policy may leave the last few unreleased, never
            // different.
            assert_eq!(open, strict);
        }
    }

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
