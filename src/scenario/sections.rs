//! The scenario's sections, each declared once (see [`super::declare`]): what
//! a scenario file may say, with defaults, allowed and plausible ranges,
//! meanings and sources, in the types the model reads.

mod fitted;
mod harm;
mod labs;
mod market;
mod politics;
mod review;
mod simulation;

pub use fitted::{Fitted, FittedRange};
pub use harm::{Ecosystem, Hazard, Incidents};
pub use labs::{Cadence, Lab, Line, Participation, ParticipationSpec, Signing};
pub use market::{Market, Segment, default_segments};
pub use politics::{Directive, Escalation, ExportRestriction};
pub use review::{Review, Threshold, ThresholdSpec, Track};
pub use simulation::{Capability, DAYS_PER_MONTH, MAX_HORIZON_DAYS, Simulation};

use super::declare::Meta;

crate::declare! {
    /// A whole scenario file.
    pub struct Settings {
        /// Run settings.
        simulation: Simulation = Simulation::default() => Meta::nested().required();
        /// How the capability frontier moves.
        capability: Capability = Capability::default() => Meta::nested();
        /// The review program.
        review: Review = Review::default() => Meta::nested();
        /// Market segments and adoption; absent: no market.
        market: Option<Market> = None => Meta::nested();
        /// Hazards, detection and mitigation; absent: no model is hazardous.
        hazard: Option<Hazard> = None => Meta::nested();
        /// The open-weights ecosystem of derivatives.
        ecosystem: Ecosystem = Ecosystem::default() => Meta::nested();
        /// Incidents caused by hazardous models, and the response to them.
        incidents: Incidents = Incidents::default() => Meta::nested();
        /// Pressure and escalation; absent: none.
        escalation: Option<Escalation> = None => Meta::nested();
        /// Export restriction on U.S. API models abroad.
        export_restriction: ExportRestriction = ExportRestriction::default() => Meta::nested();
        /// The labs.
        labs: Vec<Lab> = Vec::new() => Meta::nested();
        /// Intervals of parameters estimated from data, by parameter path (`low`, `high`, `source`; written by `reviewsim fit`): their plausible ranges.
        fitted: Fitted = Fitted::new() => Meta::unit("interval per parameter path");
    }
}
