//! `[market]` and `[[market.segments]]`: adoption and choice.

use std::collections::BTreeMap;

use super::super::choices::{Jurisdiction, MarketMode};
use super::super::declare::{Allowed, Meta, Named};
use super::super::validate::MAX_POPULATION;
use crate::engine::SimDuration;

crate::declare! {
    /// `[market]`: segments of potential adopters choosing among released
    /// models. Absent means no market.
    pub struct Market {
        /// Days between market steps.
        step_days: f64 = 1.0 => Meta::unit("days").allowed(Allowed::between(
            1.0 / 24.0,
            365.0,
            "must be a number of days from 1/24 (an hour) to 365",
        ));
        /// Expected values, or binomial and multinomial draws.
        mode: MarketMode = MarketMode::Expected => Meta::unit("expected | stochastic");
        /// Choice and adopter share below which a model leaves a segment's choice set.
        drop_share_below: f64 = 1e-4 => Meta::unit("fraction")
            .allowed(Allowed::below(0.0, 0.5, "must be >= 0 and < 0.5"))
            .assumption("below this a model is negligible");
        /// The segments; absent means the three default segments.
        segments: Vec<Segment> = default_segments() => Meta::nested();
    }
}

impl Market {
    /// Time between market steps.
    pub fn step(&self) -> SimDuration {
        SimDuration::from_days(self.step_days)
    }
}

crate::declare! {
    /// `[[market.segments]]`: one segment of potential adopters.
    pub struct Segment {
        /// Short id used in paths and column names.
        id: String = String::new() => Meta::unit("id").required();
        /// Display name of the segment.
        name: Option<String> = None => Meta::unit("text");
        /// Potential adopters (people or organisations).
        population: f64 = 0.0 => Meta::unit("adopters")
            .required()
            .allowed(Allowed::above(
                0.0,
                MAX_POPULATION,
                "must be a number of adopters > 0 and <= 1e12 (counts stay exact)",
            ))
            .assumption("consumer: U.S. adults aged 18-64; enterprise: U.S. employer firms; government: U.S. government units and sensitive-sector buyers");
        /// Region of the segment.
        region: Jurisdiction = Jurisdiction::Us => Meta::unit("us | foreign");
        /// Share of the population using some model on day 0.
        adopted_at_start: f64 = 0.0 => Meta::unit("fraction")
            .allowed(Allowed::fraction())
            .cited("docs/calibration.md#adoption: 39.4% of U.S. adults 18-64 used generative AI in 2024-08, rising since; U.S. Census firm-level AI use 17-20% by 2025-12 to 2026-05; government: assumption");
        /// Bass innovation coefficient.
        bass_p_per_year: f64 = 0.0 => Meta::unit("per year")
            .required()
            .allowed(Allowed::rate_per_year())
            .plausible(0.005, 0.05)
            .cited("docs/calibration.md#adoption [estimate]: consumer p near 0.02, enterprise 0.03; Bass meta-analysis (Sultan, Farley and Lehmann 1990): typical p 0.01-0.03");
        /// Bass imitation coefficient.
        bass_q_per_year: f64 = 0.0 => Meta::unit("per year")
            .required()
            .allowed(Allowed::rate_per_year())
            .plausible(0.2, 2.0)
            .cited("docs/calibration.md#adoption [estimate]: consumer q near 1.5, enterprise 0.4-0.6; Bass meta-analysis: typical q 0.2-0.4");
        /// Rate at which an adopter re-chooses.
        switching_per_year: f64 = 0.0 => Meta::unit("per year")
            .allowed(Allowed::rate_per_year())
            .plausible(0.05, 2.0)
            .assumption("yearly re-choice by consumers, three-year enterprise contracts, ten-year procurement cycles");
        /// Logit weight on capability.
        capability_weight: f64 = 0.0 => Meta::unit("utility per frontier-month")
            .allowed(Allowed::utility())
            .plausible(0.1, 1.0)
            .assumption("no public figure on how much a month of capability weighs in choice");
        /// Logit utility of open weights.
        open_weights_preference: f64 = 0.0 => Meta::unit("utility")
            .allowed(Allowed::utility())
            .plausible(-1.0, 1.0)
            .assumption("consumers use apps; enterprises value self-hosting; government buyers want a vendor who answers for the model");
        /// Logit utility of a completed federal review.
        reviewed_premium: f64 = 0.0 => Meta::unit("utility")
            .allowed(Allowed::utility())
            .plausible(0.0, 1.5)
            .assumption("after public reporting that federal clearance may become a credibility advantage with enterprise and government buyers in sensitive sectors");
        /// Logit weight on the line's derivatives.
        ecosystem_weight: f64 = 0.0 => Meta::unit("utility per ln(1 + derivatives)")
            .allowed(Allowed::utility())
            .plausible(0.0, 0.3)
            .assumption("no public figure on how much an ecosystem of derivatives draws adopters");
        /// Weight of the segment's adopters in exposure.
        incident_exposure_weight: f64 = 1.0 => Meta::unit("exposure per adopter")
            .allowed(Allowed::between(0.0, f64::MAX, "must be a number >= 0"))
            .plausible_log(1.0, 100.0)
            .assumption("a firm or a critical system exposes more than a person");
        /// Logit utility offset of a lab, by lab id (labs with a share target have theirs solved).
        reputation: BTreeMap<String, f64> = BTreeMap::new() => Meta::unit("utility per lab id");
        /// Observed share of the segment's adopters per lab id on day 0: the labs' constants are solved so that they win adopters in these proportions, and day 0's adopters are spread so.
        share_targets: BTreeMap<String, f64> = BTreeMap::new() => Meta::unit("share per lab id")
            .cited("data/market_targets.csv: observed shares renormalised over the scenario's labs, with the figures they come from in data/market_facts.csv");
        /// Observed share of open-weights models on day 0; with it, open_weights_preference is solved too.
        open_weights_share_target: Option<f64> = None => Meta::unit("share")
            .cited("data/market_targets.csv: open-weights share of enterprise workloads (Menlo Ventures)");
        /// Where the targets come from: the rows of data/market_targets.csv (segment and date).
        targets_source: Option<String> = None => Meta::unit("text");
    }
    derived {
        /// The constant of each lab's models (written, or solved from targets), by lab index.
        reputation_by_lab: Vec<f64>,
        /// The utility of open weights: open_weights_preference, or solved from its target.
        open_weights_utility: f64,
        /// What the calibration to share targets found.
        calibration: Option<crate::scenario::calibrate::SegmentCalibration>,
    }
}

impl Named for Segment {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Segment {
    /// The display name, or the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// The default segments: developers and consumers, enterprise, and
/// government and sensitive sectors, in the United States. Sources and
/// reasoning are in MODEL.md.
pub fn default_segments() -> Vec<Segment> {
    let segment = |id: &str, name: &str, population: f64, adopted: f64, p: f64, q: f64| Segment {
        id: id.to_string(),
        name: Some(name.to_string()),
        population,
        adopted_at_start: adopted,
        bass_p_per_year: p,
        bass_q_per_year: q,
        ..Segment::default()
    };
    vec![
        Segment {
            switching_per_year: 1.0,
            capability_weight: 0.5,
            open_weights_preference: -0.5,
            ecosystem_weight: 0.1,
            ..segment(
                "consumer",
                "Developers and consumers",
                200e6,
                0.5,
                0.02,
                1.5,
            )
        },
        Segment {
            switching_per_year: 0.3,
            capability_weight: 0.4,
            open_weights_preference: 0.3,
            reviewed_premium: 0.3,
            ecosystem_weight: 0.1,
            ..segment("enterprise", "Enterprise", 6e6, 0.18, 0.03, 0.5)
        },
        Segment {
            switching_per_year: 0.1,
            capability_weight: 0.3,
            open_weights_preference: -0.3,
            reviewed_premium: 1.0,
            ..segment(
                "government",
                "Government and sensitive sectors",
                90e3,
                0.1,
                0.01,
                0.3,
            )
        },
    ]
}
