//! `[hazard]`, `[ecosystem]` and `[incidents]`: what the review is for.

use super::super::declare::{Allowed, Meta};
use super::super::dist::DistParam;

crate::declare! {
    /// `[hazard]`: which models are hazardous, and what a review does about
    /// it. Absent means no model is hazardous.
    pub struct Hazard {
        /// Capability at which half of models are hazardous.
        midpoint_capability: f64 = 12.0 => Meta::unit("frontier-months")
            .required()
            .allowed(Allowed::finite("must be a finite number of frontier-months"))
            .plausible(6.0, 18.0)
            .assumption("half of the models a year ahead of today's frontier are hazardous; reported uses: a state-sponsored group used a model for 80-90% of an attack on about 30 organisations (2025-11)");
        /// Scale of the logistic hazard curve.
        scale_months: f64 = 8.0 => Meta::unit("frontier-months")
            .required()
            .allowed(Allowed::above(0.0, f64::MAX, "must be a number of frontier-months > 0"))
            .plausible(4.0, 12.0)
            .assumption("18% of models at today's frontier are hazardous, 82% two years on");
        /// Chance a found hazard stops the release.
        block_probability: f64 = 0.0 => Meta::unit("probability")
            .allowed(Allowed::probability())
            .plausible(0.0, 0.3)
            .assumption("no public figure on how often a lab withholds a model over a found hazard");
        /// Mitigation after a found hazard, before release.
        mitigation_days: DistParam = DistParam::gamma(14.0, 0.5) => Meta::unit("days")
            .assumption("two weeks of work on safeguards, varying by half");
        /// Chance mitigation removes the hazard.
        mitigation_success: f64 = 0.8 => Meta::unit("probability")
            .allowed(Allowed::probability())
            .plausible(0.5, 0.95)
            .assumption("no public figure on how often safeguards remove a capability's risk");
        /// Incident rate of a model whose hazard was found, relative to one whose was not.
        preparedness_factor: f64 = 0.5 => Meta::unit("factor")
            .allowed(Allowed::probability())
            .plausible(0.2, 0.9)
            .assumption("a review lets defenders characterise a capability and prepare before release; how much that helps is not measured");
    }
}

impl Hazard {
    /// Probability that a model of `capability` is hazardous: a logistic
    /// curve in capability.
    pub fn probability(&self, capability: f64) -> f64 {
        1.0 / (1.0 + (-(capability - self.midpoint_capability) / self.scale_months).exp())
    }
}

crate::declare! {
    /// `[ecosystem]`: derivatives of open-weights releases.
    pub struct Ecosystem {
        /// Arrival rate of derivatives just after an open-weights release.
        derivatives_per_day_initial: f64 = 50.0 => Meta::unit("derivatives per day")
            .allowed(Allowed::non_negative())
            .plausible(30.0, 80.0)
            .cited("docs/calibration.md#open-weights-ecosystem [estimate]: 30-80 a day in the first two weeks; DeepSeek-R1 had 500+ derivatives after about 8 days; Hugging Face saw 3,000-4,000 new Llama-based models a week");
        /// Time for the arrival rate to halve.
        derivatives_half_life_days: f64 = 60.0 => Meta::unit("days")
            .allowed(Allowed::above(0.0, f64::MAX, "must be a number of days > 0"))
            .plausible(30.0, 90.0)
            .cited("docs/calibration.md#open-weights-ecosystem [estimate]: a 30-90 day half-life; the baseline reaches about 27,000 Llama derivatives over two years, against about 27k by mid-2025");
        /// Chance a derivative strips mitigation's safeguards.
        strip_probability: f64 = 0.9 => Meta::unit("probability")
            .allowed(Allowed::probability())
            .plausible(0.5, 1.0)
            .cited("docs/calibration.md#open-weights-ecosystem [estimate]: a safety-stripped variant within 1-7 days with probability near 0.9; the safety fine-tuning of Llama 2-Chat 13B was removed for under $200");
        /// Time from release to the stripping.
        strip_delay_days: DistParam = DistParam::uniform(1.0, 7.0) => Meta::unit("days")
            .cited("docs/calibration.md#open-weights-ecosystem [estimate]: within 1-7 days");
    }
}

impl Ecosystem {
    /// Expected derivatives of a release by `age_days`: the integral of
    /// λ₀·2^(−a/h) from 0 to the age, λ₀·h/ln 2·(1 − 2^(−age/h)).
    pub fn expected_derivatives(&self, age_days: f64) -> f64 {
        let half_life = self.derivatives_half_life_days;
        self.derivatives_per_day_initial * half_life / std::f64::consts::LN_2
            * (1.0 - (-age_days / half_life * std::f64::consts::LN_2).exp())
    }
}

crate::declare! {
    /// `[incidents]`: harm from hazardous models on the market, and the
    /// response to it.
    pub struct Incidents {
        /// Incident rate per unit of exposure.
        rate_per_exposure_day: f64 = 1e-9 => Meta::unit("incidents per exposure-day")
            .allowed(Allowed::non_negative())
            .plausible_log(1e-9, 1.6e-8)
            .cited("docs/calibration.md#incidents-and-escalation [estimate]: the baseline's 4e-9 gives about 17 incidents a year, against 233 reported AI incidents in 2024 (AI Index 2025)");
        /// Exposure of any released hazardous model besides its adopters and derivatives (for worlds without a market).
        exposure_per_model: f64 = 0.0 => Meta::unit("exposure").allowed(Allowed::non_negative());
        /// Exposure each derivative of an open-weights model adds.
        exposure_per_derivative: f64 = 1000.0 => Meta::unit("exposure per derivative")
            .allowed(Allowed::non_negative())
            .plausible_log(100.0, 10000.0)
            .assumption("a derivative reaches about as many users as a thousand adopters of a hosted model");
        /// Time from an incident to the lab's response (API models).
        response_delay_days: DistParam = DistParam::gamma(5.0, 0.5) => Meta::unit("days")
            .assumption("the 2026-06-12 export-control directive forced a suspension within days");
        /// Chance the response patches the model rather than suspending it.
        patch_probability: f64 = 0.5 => Meta::unit("probability")
            .allowed(Allowed::probability())
            .plausible(0.2, 0.8)
            .assumption("no public figure on patches against suspensions");
    }
}
