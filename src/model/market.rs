//! Adoption: Bass diffusion of "some model" in each segment, multinomial-logit
//! choice among the models available, and switching.
//!
//! Each step of length Δ (years) in a segment of population M with A adopters:
//!
//! 1. New adopters: the Bass equation dF/dt = (p + qF)(1 − F), F = A/M, is
//!    solved exactly over the step (not by Euler): with r = q/p and
//!    E = (1 − F)/(1 + rF), the fraction after the step is
//!    F' = (1 − E')/(1 + rE') with E' = E·e^{−(p+q)Δ}. New adopters are
//!    M(F' − F) (expected mode) or Binomial(M − A, (F' − F)/(1 − F)).
//! 2. Switchers: each adopter re-chooses with probability 1 − e^{−sΔ}.
//! 3. New adopters and switchers choose by logit: model i has utility
//!    U_i = β_cap·capability_i + β_open·[open weights] + β_rev·[reviewed] +
//!    reputation_lab, and probability e^{U_i} / Σ_j e^{U_j}. Capability
//!    enters relative to the frontier in the model's definition, but the
//!    frontier term is common to every model in a segment and cancels, so
//!    choice weights e^{U_i} change only when the set of models, a line's
//!    ecosystem or a lab's penalty changes. The weights and their total
//!    are kept and updated then; a probability is a weight over the total,
//!    computed where it is used.
//!
//! A model whose choice probability and share of adopters both fall below
//! `drop_share_below` leaves the segment's choice set, and its remaining
//! adopters re-choose among the rest, so a step costs time in proportion to
//! the models that matter, not to every model ever released.
//!
//! Each step also integrates every model's adopters over it: exactly in
//! expected mode, where the step is the exact solution of the equations
//! above and so has an exact integral (see [`integral`]); by the trapezoid
//! rule in stochastic mode, where adopters jump by the step's draws. The
//! integrals give each lab's adopter-days and each model's exposure.

use rand_distr::{Binomial, Distribution};

use crate::engine::{SimTime, StreamRng};
use crate::scenario::{Market as MarketSpec, MarketMode};

/// Days in a year, for rates given per year.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// What the market needs to know about a released model.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    /// The model's index in the world.
    pub model: usize,
    /// The line's index across all labs.
    pub line: usize,
    /// The lab's index.
    pub lab: usize,
    /// Capability in frontier-months.
    pub capability: f64,
    /// Whether its weights are published.
    pub open_weights: bool,
    /// Whether it was released after a completed federal review.
    pub reviewed: bool,
}

#[derive(Debug, Clone)]
struct Member {
    offer: Offer,
    /// Utility without the ecosystem term.
    base_utility: f64,
    utility: f64,
    /// e^(utility − the segment's anchor): the unnormalised choice weight.
    weight: f64,
    adopters: f64,
    /// Its adopters integrated over the last step (adopter-days), for
    /// exposure; zero for a model that joined after it.
    adopter_days: f64,
}

#[derive(Debug)]
struct SegmentState {
    members: Vec<Member>,
    /// The sum of the weights at the last refresh: member i's logit choice
    /// probability is its weight over this (see [`SegmentState::share`]).
    total: f64,
    /// The set of models changed: recompute weights from utilities.
    choice_stale: bool,
    /// Some weights changed: renormalise.
    weights_moved: bool,
    /// The utility that weights are taken relative to (the largest at the
    /// last full recompute), so that exponentials stay in range.
    anchor: f64,
    adopted: f64,
    lab_adopter_days: Vec<f64>,
    lab_share_peak: Vec<Option<f64>>,
    /// Adopters per lab: kept equal to the sum over the lab's members
    /// whenever adopters move, since a step reads it as the adopters
    /// before the step.
    by_lab: Vec<f64>,
    /// Scratch: `by_lab` before the step, while the step runs.
    by_lab_before: Vec<f64>,
    /// Members that a step left below the threshold in both choice and
    /// adopters, to be dropped (counted by the expected-value step).
    below_threshold: usize,
    /// Per-step factors, kept while steps have the same length.
    rates: StepRates,
    /// Adopters whose every model left the segment; they re-choose at the
    /// next release.
    stranded: f64,
    /// Utility penalty per lab (public pressure).
    lab_penalty: Vec<f64>,
}

impl SegmentState {
    /// Member `i`'s choice probability. Weights change only through a
    /// refresh or with `weights_moved` set, and every use follows a refresh,
    /// so this is the probability of the current set.
    fn share(&self, i: usize) -> f64 {
        self.members[i].weight / self.total
    }

    /// The most chosen member, the first of equals: it is never dropped.
    fn favourite(&self) -> usize {
        let (mut favourite, mut best) = (0, f64::NEG_INFINITY);
        for i in 0..self.members.len() {
            let share = self.share(i);
            if share > best || i == 0 {
                (favourite, best) = (i, share);
            }
        }
        favourite
    }

    /// Whether member `i` is below the threshold in choice and in adopters
    /// (`floor`); it may leave unless it is the favourite.
    fn below(&self, i: usize, threshold: f64, floor: f64) -> bool {
        self.share(i) < threshold && self.members[i].adopters < floor
    }

    /// How many members may leave.
    fn count_negligible(&self, below: usize, threshold: f64, floor: f64) -> usize {
        if below == 0 {
            return 0;
        }
        below - usize::from(self.below(self.favourite(), threshold, floor))
    }
}

/// The factors of a step of a given length: e^{−(p+q)Δ}, the probability
/// 1 − e^{−sΔ} that an adopter re-chooses, and their means over the step,
/// (1 − e^{−(p+q)Δ})/((p+q)Δ) and (1 − e^{−sΔ})/(sΔ), for the integrals of
/// adopters (see [`integral`]).
#[derive(Debug, Clone, Copy, Default)]
struct StepRates {
    years: f64,
    bass_decay: f64,
    leave_probability: f64,
    bass_decay_mean: f64,
    stay_mean: f64,
}

impl StepRates {
    fn for_step(&mut self, segment: &crate::scenario::Segment, years: f64) -> StepRates {
        if self.years != years {
            let bass =
                integral::Decay::over((segment.bass_p_per_year + segment.bass_q_per_year) * years);
            let switching = integral::Decay::over(segment.switching_per_year * years);
            *self = StepRates {
                years,
                bass_decay: bass.left,
                leave_probability: switching.lost,
                bass_decay_mean: bass.mean,
                stay_mean: switching.mean,
            };
        }
        *self
    }
}

/// One lab's adopters in one segment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LabAdopters {
    pub api: f64,
    pub open_weights: f64,
    pub share: Option<f64>,
}

/// Per lab and segment, at the horizon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabSegmentOutcome {
    /// Lab's adopters at the horizon.
    pub adopters: f64,
    /// Lab's adopters over the segment's adopters at the horizon.
    pub share: Option<f64>,
    /// Highest share over the run (sampled at market steps).
    pub share_peak: Option<f64>,
    /// Integral of the lab's adopters over time, in adopter-days.
    pub adopter_days: f64,
}

/// The Bass fraction adopted after `years`, starting from `fraction`.
pub fn bass_advance(fraction: f64, p: f64, q: f64, years: f64) -> f64 {
    if fraction >= 1.0 {
        return 1.0;
    }
    if imitation_only(p, q) {
        // Pure imitation: the logistic dF/dt = qF(1 − F), written so that
        // no step length overflows: F' = F / (F + (1 − F)e^{−qΔ}).
        if fraction <= 0.0 {
            return 0.0;
        }
        return fraction / (fraction + (1.0 - fraction) * (-q * years).exp());
    }
    bass_advance_with_decay(fraction, p, q, (-(p + q) * years).exp())
}

/// Whether innovation is nil or negligible beside imitation (q/p above
/// 10^12, where q/p would overflow the Bass formula): the logistic then
/// describes adoption to within a part in 10^12.
fn imitation_only(p: f64, q: f64) -> bool {
    p <= 0.0 || q > 1e12 * p
}

/// [`bass_advance`] with e^{−(p+q)Δ} given, for steps of a fixed length.
fn bass_advance_with_decay(fraction: f64, p: f64, q: f64, step_decay: f64) -> f64 {
    let ratio = q / p;
    let decay = (1.0 - fraction) / (1.0 + ratio * fraction) * step_decay;
    (1.0 - decay) / (1.0 + ratio * decay)
}

/// The Bass fraction adopted after `years` from none: the closed form
/// F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)e^{−(p+q)t}).
pub fn bass_closed_form(p: f64, q: f64, years: f64) -> f64 {
    let decay = (-(p + q) * years).exp();
    (1.0 - decay) / (1.0 + q / p * decay)
}

/// Multinomial-logit probabilities of `utilities`, computed stably.
pub fn logit_shares(utilities: &[f64]) -> Vec<f64> {
    let max = utilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = utilities.iter().map(|u| (u - max).exp()).collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// The market's state in one replication.
pub struct Market<'s> {
    spec: &'s MarketSpec,
    /// ln(1 + derivatives) per line.
    line_ecosystem: Vec<f64>,
    /// Every model ever offered, by model index, to re-admit it to a
    /// segment after a regional suspension.
    offers: Vec<Option<Offer>>,
    segments: Vec<SegmentState>,
    rng: StreamRng,
    last_step: SimTime,
    /// Models dropped from a segment at the end of the last step, with
    /// their exposure over it (the segment's weight × their adopter-days),
    /// which [`Market::add_exposure`] still counts.
    dropped_exposure: Vec<(usize, f64)>,
}

impl<'s> Market<'s> {
    /// An empty market; `rng` is used only in stochastic mode.
    pub fn new(spec: &'s MarketSpec, lab_count: usize, line_count: usize, rng: StreamRng) -> Self {
        let segments = spec
            .segments
            .iter()
            .map(|_| SegmentState {
                members: Vec::new(),
                total: 1.0,
                choice_stale: false,
                weights_moved: false,
                anchor: 0.0,
                adopted: 0.0,
                lab_adopter_days: vec![0.0; lab_count],
                lab_share_peak: vec![None; lab_count],
                by_lab: vec![0.0; lab_count],
                by_lab_before: vec![0.0; lab_count],
                below_threshold: 0,
                rates: StepRates::default(),
                stranded: 0.0,
                lab_penalty: vec![0.0; lab_count],
            })
            .collect();
        Market {
            spec,
            line_ecosystem: vec![0.0; line_count],
            offers: Vec::new(),
            segments,
            rng,
            last_step: SimTime::ZERO,
            dropped_exposure: Vec::new(),
        }
    }

    fn stochastic(&self) -> bool {
        self.spec.mode == MarketMode::Stochastic
    }

    /// Makes a released model available in the segments where `available`
    /// is true (one flag per segment).
    pub fn add(&mut self, offer: Offer, available: &[bool]) {
        if self.offers.len() <= offer.model {
            self.offers.resize(offer.model + 1, None);
        }
        self.offers[offer.model] = Some(offer);
        for (index, &open) in available.iter().enumerate() {
            if open {
                self.join(index, offer);
            }
        }
    }

    /// Makes a model available, or not, in one segment. A model that leaves
    /// a segment takes its adopters with it: they re-choose among the
    /// models left, or wait, stranded, for the next model if none is left.
    /// A model that returns starts with no adopters.
    pub fn set_available(&mut self, model: usize, segment: usize, available: bool) {
        let present = self.segments[segment]
            .members
            .iter()
            .position(|m| m.offer.model == model);
        match (available, present) {
            (true, None) => {
                if let Some(offer) = self.offers.get(model).copied().flatten() {
                    self.join(segment, offer);
                }
            }
            (false, Some(position)) => self.leave(segment, position),
            _ => {}
        }
    }

    /// Takes a model off the market everywhere (an incident suspension).
    pub fn withdraw(&mut self, model: usize) {
        for segment in 0..self.segments.len() {
            self.set_available(model, segment, false);
        }
    }

    /// Sets a lab's utility penalty in a segment (public pressure); its
    /// models' choice weights are multiplied by e^(−change).
    pub fn set_lab_penalty(&mut self, lab: usize, segment: usize, penalty: f64) {
        let state = &mut self.segments[segment];
        let change = penalty - state.lab_penalty[lab];
        if change == 0.0 {
            return;
        }
        state.lab_penalty[lab] = penalty;
        let factor = (-change).exp();
        for member in state.members.iter_mut().filter(|m| m.offer.lab == lab) {
            member.utility -= change;
            member.weight *= factor;
            state.weights_moved = true;
        }
    }

    fn join(&mut self, index: usize, offer: Offer) {
        let segment = &self.spec.segments[index];
        let state = &mut self.segments[index];
        let utility = segment.capability_weight * offer.capability
            + if offer.open_weights {
                segment.open_weights_utility
            } else {
                0.0
            }
            + if offer.reviewed {
                segment.reviewed_premium
            } else {
                0.0
            }
            + segment.reputation_by_lab[offer.lab];
        let ecosystem = segment.ecosystem_weight * self.line_ecosystem[offer.line];
        // Stranded adopters exist only while a segment has no model, so the
        // joining model is the only one they can choose.
        let stranded = std::mem::take(&mut state.stranded);
        state.by_lab[offer.lab] += stranded;
        state.members.push(Member {
            offer,
            base_utility: utility,
            utility: utility + ecosystem - state.lab_penalty[offer.lab],
            weight: 0.0,
            adopters: stranded,
            adopter_days: 0.0,
        });
        state.choice_stale = true;
    }

    fn leave(&mut self, index: usize, position: usize) {
        let state = &mut self.segments[index];
        let freed = state.members.remove(position).adopters;
        state.choice_stale = true;
        if state.members.is_empty() {
            state.stranded += freed;
            state.by_lab.fill(0.0);
        } else {
            self.allocate(index, freed);
            self.recount(index);
        }
    }

    /// Sets the ecosystem term of a line's models: ln(1 + its derivatives),
    /// weighted per segment. The line's choice weights are multiplied by
    /// e^(weight × change), so the cost is one exponential per segment, not
    /// one per model.
    pub fn set_line_derivatives(&mut self, line: usize, derivatives: f64) {
        let value = derivatives.ln_1p();
        let change = value - self.line_ecosystem[line];
        if change == 0.0 {
            return;
        }
        self.line_ecosystem[line] = value;
        // Segments often share a weight, and then a factor.
        let mut last: Option<(f64, f64)> = None;
        for (state, segment) in self.segments.iter_mut().zip(&self.spec.segments) {
            let weight = segment.ecosystem_weight;
            if weight == 0.0 {
                continue;
            }
            let factor = match last {
                Some((same, factor)) if same == weight => factor,
                _ => (weight * change).exp(),
            };
            last = Some((weight, factor));
            for member in state.members.iter_mut().filter(|m| m.offer.line == line) {
                member.utility = member.base_utility + segment.ecosystem_weight * value
                    - state.lab_penalty[member.offer.lab];
                member.weight *= factor;
                state.weights_moved = true;
                if member.weight > 1e200 {
                    state.choice_stale = true;
                }
            }
        }
    }

    /// Adds each model's exposure-days over the last step, Σ over segments
    /// of the segment's weight × the model's adopters integrated over the
    /// step, to `exposure[model]`.
    pub fn add_exposure(&self, exposure: &mut [f64]) {
        for (state, segment) in self.segments.iter().zip(&self.spec.segments) {
            let weight = segment.incident_exposure_weight;
            for member in &state.members {
                exposure[member.offer.model] += weight * member.adopter_days;
            }
        }
        for &(model, exposure_days) in &self.dropped_exposure {
            exposure[model] += exposure_days;
        }
    }

    fn recount(&mut self, index: usize) {
        let state = &mut self.segments[index];
        state.by_lab.fill(0.0);
        for member in &state.members {
            state.by_lab[member.offer.lab] += member.adopters;
        }
    }

    /// Adopters on day 0: each segment's `adopted_at_start` share of its
    /// population, spread over the models available by choice probability.
    pub fn seed_adopters(&mut self) {
        let stochastic = self.stochastic();
        for index in 0..self.segments.len() {
            let segment = &self.spec.segments[index];
            if self.segments[index].members.is_empty() {
                continue;
            }
            let initial = segment.population * segment.adopted_at_start;
            let initial = if stochastic { initial.round() } else { initial };
            self.segments[index].adopted = initial;
            match &segment.calibration {
                Some(calibration) => self.install(index, initial, &calibration.day0_line_shares),
                None => self.allocate(index, initial),
            }
            self.recount(index);
        }
    }

    /// Spreads day 0's adopters of a calibrated segment over its models in
    /// the shares the calibration found for their lines: the observed
    /// installed base (a multinomial draw in stochastic mode).
    fn install(&mut self, index: usize, initial: f64, line_shares: &[f64]) {
        let stochastic = self.stochastic();
        let state = &mut self.segments[index];
        let share = |member: &Member| line_shares.get(member.offer.line).copied().unwrap_or(0.0);
        let total: f64 = state.members.iter().map(share).sum();
        if total.is_nan() || total <= 0.0 {
            return self.allocate(index, initial);
        }
        let mut remaining = initial.round() as u64;
        let mut mass = 1.0;
        let last = state.members.len() - 1;
        for (i, member) in state.members.iter_mut().enumerate() {
            let probability = share(member) / total;
            member.adopters += if !stochastic {
                initial * probability
            } else if i == last {
                remaining as f64
            } else {
                let p = if mass > 0.0 {
                    (probability / mass).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let taken = draw_binomial(&mut self.rng, remaining, p);
                remaining -= taken as u64;
                taken
            };
            mass -= probability;
        }
    }

    /// Advances every segment to `now`, integrating each lab's and each
    /// model's adopters over the step.
    pub fn step(&mut self, now: SimTime) {
        let days = now.since(self.last_step).as_days();
        self.last_step = now;
        if days <= 0.0 {
            return;
        }
        self.dropped_exposure.clear();
        let years = days / DAYS_PER_YEAR;
        for index in 0..self.segments.len() {
            if self.segments[index].members.is_empty() {
                continue;
            }
            self.refresh_choice(index);
            let segment = &self.spec.segments[index];
            let rates = self.segments[index].rates.for_step(segment, years);
            let fraction = (self.segments[index].adopted / segment.population).min(1.0);
            let (p, q) = (segment.bass_p_per_year, segment.bass_q_per_year);
            let next = if fraction >= 1.0 || imitation_only(p, q) {
                bass_advance(fraction, p, q, years)
            } else {
                bass_advance_with_decay(fraction, p, q, rates.bass_decay)
            };
            if self.stochastic() {
                self.step_stochastic(index, fraction, next, rates.leave_probability, days);
            } else {
                self.step_expected(index, fraction, next, rates, days);
            }
            self.drop_negligible(index);
            let state = &mut self.segments[index];
            for (lab, &adopters) in state.by_lab.iter().enumerate() {
                if state.adopted > 0.0 {
                    let share = adopters / state.adopted;
                    let peak = &mut state.lab_share_peak[lab];
                    *peak = Some(peak.map_or(share, |p| p.max(share)));
                }
            }
        }
    }

    /// Expected values in one pass: everyone who leaves a model (a share
    /// `leave` of its adopters) joins the new adopters in a pool that is
    /// spread by choice probability, so each model ends the step with
    /// a·(1 − leave) + pool·π. This is the exact solution of the step's
    /// equations, and so is each model's integral over the step,
    /// days·(a·ψ + π·(Ā − A·ψ)), with Ā the segment's mean adopters over
    /// the step (from its Bass fraction's mean gain over it) and ψ the mean
    /// share of an adopter's choice that survives switching (see
    /// [`integral`]).
    fn step_expected(
        &mut self,
        index: usize,
        fraction: f64,
        next: f64,
        rates: StepRates,
        days: f64,
    ) {
        let spec = self.spec;
        let segment = &spec.segments[index];
        let (population, threshold) = (segment.population, spec.drop_share_below);
        let state = &mut self.segments[index];
        let leave = rates.leave_probability;
        let new_adopters = (population * (next - fraction)).max(0.0);
        let adopted = state.adopted;
        let pool = new_adopters + leave * adopted;
        let bass = (segment.bass_p_per_year, segment.bass_q_per_year);
        let (decay, decay_mean) = (rates.bass_decay, rates.bass_decay_mean);
        let gain = integral::mean_bass_gain(fraction, next, bass, rates.years, decay, decay_mean);
        let kept_days = days * rates.stay_mean;
        let chosen_days = days * (adopted + population * gain) - kept_days * adopted;
        state.adopted += new_adopters;
        std::mem::swap(&mut state.by_lab, &mut state.by_lab_before);
        state.by_lab.fill(0.0);
        // Members left negligible are counted on the way (see
        // `drop_negligible`).
        let floor = threshold * state.adopted;
        let (mut below, total) = (0, state.total);
        for member in &mut state.members {
            let share = member.weight / total;
            member.adopter_days = member.adopters * kept_days + share * chosen_days;
            member.adopters = member.adopters * (1.0 - leave) + pool * share;
            state.by_lab[member.offer.lab] += member.adopters;
            below += usize::from(share < threshold && member.adopters < floor);
        }
        state.below_threshold = state.count_negligible(below, threshold, floor);
        // A lab's integral is the sum of its models', days·(Σa·ψ + Σπ·(Ā −
        // A·ψ)), where Σπ·pool is the lab's adopters after the step less
        // (1 − leave) times those before: so it comes from the lab's
        // adopters before and after the step, with no sum per model.
        let chosen_per_pooled = if pool > 0.0 { chosen_days / pool } else { 0.0 };
        let before_factor = kept_days - chosen_per_pooled * (1.0 - leave);
        let labs = state.lab_adopter_days.len();
        let (before, after) = (&state.by_lab_before[..labs], &state.by_lab[..labs]);
        for (lab, lab_days) in state.lab_adopter_days.iter_mut().enumerate() {
            *lab_days += before_factor * before[lab] + chosen_per_pooled * after[lab];
        }
    }

    /// Binomial adoption and switching, multinomial choice. Adopters jump
    /// by the draws at the step's end, so their integral over the step is
    /// taken by the trapezoid rule.
    fn step_stochastic(&mut self, index: usize, fraction: f64, next: f64, leave: f64, days: f64) {
        let population = self.spec.segments[index].population;
        let state = &mut self.segments[index];
        // The adopters at the start, for the trapezoid below.
        for member in &mut state.members {
            member.adopter_days = member.adopters;
        }
        let remaining = (population - state.adopted).max(0.0).round() as u64;
        let probability = if fraction < 1.0 {
            ((next - fraction) / (1.0 - fraction)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let new_adopters = draw_binomial(&mut self.rng, remaining, probability);
        let mut pool = new_adopters;
        if leave > 0.0 {
            for member in &mut state.members {
                let leaving = draw_binomial(&mut self.rng, member.adopters as u64, leave);
                member.adopters -= leaving;
                pool += leaving;
            }
        }
        state.adopted += new_adopters;
        self.allocate(index, pool);
        let state = &mut self.segments[index];
        state.by_lab.fill(0.0);
        for member in &mut state.members {
            state.by_lab[member.offer.lab] += member.adopters;
            member.adopter_days = 0.5 * days * (member.adopter_days + member.adopters);
            state.lab_adopter_days[member.offer.lab] += member.adopter_days;
        }
        let threshold = self.spec.drop_share_below;
        let floor = threshold * state.adopted;
        let below = (0..state.members.len())
            .filter(|&i| state.below(i, threshold, floor))
            .count();
        state.below_threshold = state.count_negligible(below, threshold, floor);
    }

    /// Recomputes choice weights and their total after the set of models
    /// or their weights changed.
    fn refresh_choice(&mut self, index: usize) {
        let state = &mut self.segments[index];
        if state.choice_stale {
            state.anchor = state
                .members
                .iter()
                .map(|m| m.utility)
                .fold(f64::NEG_INFINITY, f64::max);
            for member in &mut state.members {
                member.weight = (member.utility - state.anchor).exp();
            }
            state.choice_stale = false;
            state.weights_moved = true;
        }
        if !state.weights_moved {
            return;
        }
        state.weights_moved = false;
        let mut total: f64 = state.members.iter().map(|m| m.weight).sum();
        if !(total.is_finite() && total > 0.0) {
            // Weights updated by factors drifted out of range: start again
            // from the utilities, relative to the largest.
            state.anchor = state
                .members
                .iter()
                .map(|m| m.utility)
                .fold(f64::NEG_INFINITY, f64::max);
            for member in &mut state.members {
                member.weight = (member.utility - state.anchor).exp();
            }
            total = state.members.iter().map(|m| m.weight).sum();
        }
        state.total = total;
    }

    /// Hands `pool` adopters to the segment's models by choice probability.
    fn allocate(&mut self, index: usize, pool: f64) {
        if pool <= 0.0 {
            return;
        }
        self.refresh_choice(index);
        let stochastic = self.stochastic();
        let state = &mut self.segments[index];
        if stochastic {
            // Multinomial as a chain of conditional binomials.
            let mut remaining = pool.round() as u64;
            let mut mass = 1.0;
            let last = state.members.len() - 1;
            let total = state.total;
            for (i, member) in state.members.iter_mut().enumerate() {
                let share = member.weight / total;
                let taken = if i == last {
                    remaining as f64
                } else {
                    let p = if mass > 0.0 {
                        (share / mass).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    draw_binomial(&mut self.rng, remaining, p)
                };
                member.adopters += taken;
                remaining -= taken as u64;
                mass -= share;
            }
        } else {
            let total = state.total;
            for member in &mut state.members {
                member.adopters += pool * (member.weight / total);
            }
        }
    }

    /// Removes models nobody chooses and almost nobody uses (both below the
    /// threshold); their adopters re-choose among the rest. The most chosen
    /// model always stays, so a segment never empties.
    ///
    /// The step has counted them (`below_threshold`), so a step that leaves
    /// none costs nothing more.
    fn drop_negligible(&mut self, index: usize) {
        let threshold = self.spec.drop_share_below;
        let state = &mut self.segments[index];
        if state.below_threshold == 0 {
            return;
        }
        state.below_threshold = 0;
        let (floor, favourite) = (threshold * state.adopted, state.favourite());
        let dropped: Vec<bool> = (0..state.members.len())
            .map(|i| i != favourite && state.below(i, threshold, floor))
            .collect();
        let weight = self.spec.segments[index].incident_exposure_weight;
        let mut freed = 0.0;
        for (member, _) in state.members.iter().zip(&dropped).filter(|(_, d)| **d) {
            freed += member.adopters;
            let exposure_days = weight * member.adopter_days;
            self.dropped_exposure
                .push((member.offer.model, exposure_days));
        }
        let mut position = 0;
        state.members.retain(|_| {
            position += 1;
            !dropped[position - 1]
        });
        state.choice_stale = true;
        self.allocate(index, freed);
        self.recount(index);
    }

    /// Per segment, per lab: adopters of its API and open-weights models and
    /// its share of the segment's adopters.
    pub(crate) fn snapshot(&self, lab_count: usize) -> Vec<Vec<LabAdopters>> {
        self.segments
            .iter()
            .map(|state| {
                let mut by_lab = vec![LabAdopters::default(); lab_count];
                for member in &state.members {
                    let lab = &mut by_lab[member.offer.lab];
                    if member.offer.open_weights {
                        lab.open_weights += member.adopters;
                    } else {
                        lab.api += member.adopters;
                    }
                }
                for lab in &mut by_lab {
                    lab.share =
                        (state.adopted > 0.0).then(|| (lab.api + lab.open_weights) / state.adopted);
                }
                by_lab
            })
            .collect()
    }

    /// Per lab, per segment outcomes at the horizon (after a final step,
    /// which does nothing when the world has brought the market up to the
    /// horizon already).
    pub(crate) fn finish(
        &mut self,
        horizon: SimTime,
        lab_count: usize,
    ) -> Vec<Vec<LabSegmentOutcome>> {
        self.step(horizon);
        let snapshot = self.snapshot(lab_count);
        (0..lab_count)
            .map(|lab| {
                self.segments
                    .iter()
                    .zip(&snapshot)
                    .map(|(state, labs)| LabSegmentOutcome {
                        adopters: labs[lab].api + labs[lab].open_weights,
                        share: labs[lab].share,
                        share_peak: state.lab_share_peak[lab],
                        adopter_days: state.lab_adopter_days[lab],
                    })
                    .collect()
            })
            .collect()
    }

    /// Time between steps.
    pub(crate) fn step_length(&self) -> crate::engine::SimDuration {
        self.spec.step()
    }
}

fn draw_binomial(rng: &mut StreamRng, trials: u64, probability: f64) -> f64 {
    if trials == 0 || probability <= 0.0 {
        return 0.0;
    }
    if probability >= 1.0 {
        return trials as f64;
    }
    match Binomial::new(trials, probability) {
        Ok(binomial) => binomial.sample(rng) as f64,
        Err(_) => 0.0,
    }
}

mod integral;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_bass_steps_reproduce_the_closed_form_at_any_step_size() {
        let (p, q) = (0.03, 0.38);
        for step_days in [1.0, 7.0, 30.0] {
            let mut fraction = 0.0;
            let mut day = 0.0;
            while day < 3.0 * DAYS_PER_YEAR {
                fraction = bass_advance(fraction, p, q, step_days / DAYS_PER_YEAR);
                day += step_days;
                let exact = bass_closed_form(p, q, day / DAYS_PER_YEAR);
                assert!(
                    (fraction - exact).abs() < 1e-12,
                    "step {step_days}: day {day}: {fraction} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn pure_imitation_follows_the_logistic() {
        let after = bass_advance(0.1, 0.0, 1.0, 1.0);
        let e = 1f64.exp();
        assert!((after - 0.1 * e / (0.9 + 0.1 * e)).abs() < 1e-15);
        assert_eq!(bass_advance(0.0, 0.0, 1.0, 1.0), 0.0);
    }

    #[test]
    fn extreme_coefficients_and_steps_stay_in_range() {
        // A year's step at q = 10^4 would overflow e^{qΔ}; innovation far
        // below imitation would overflow q/p.
        for (fraction, p, q, years) in [
            (0.1, 0.0, 1e4, 1.0),
            (0.0, 0.0, 1e4, 1.0),
            (0.0, 5e-324, 1e4, 1.0 / 365.25),
            (0.3, 5e-324, 1e4, 1.0 / 365.25),
            (0.5, 1e4, 1e4, 1.0),
        ] {
            let next = bass_advance(fraction, p, q, years);
            assert!((0.0..=1.0).contains(&next), "{fraction} {p} {q}: {next}");
            assert!(next >= fraction);
        }
    }

    #[test]
    fn logit_shares_of_two_models_match_the_closed_form_and_sum_to_one() {
        let shares = logit_shares(&[1.3, 0.2]);
        let expected = 1.0 / (1.0 + (0.2f64 - 1.3).exp());
        assert!((shares[0] - expected).abs() < 1e-15);
        assert!((shares[0] + shares[1] - 1.0).abs() < 1e-15);
        // Stable for utilities far from zero.
        let shares = logit_shares(&[1000.0, 999.0]);
        assert!((shares[0] - 1.0 / (1.0 + (-1f64).exp())).abs() < 1e-15);
    }
}
