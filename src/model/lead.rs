//! Who holds the capability lead: the most capable model on the market.

use crate::engine::SimTime;

/// Tracks the most capable released model and how long each lab held it.
#[derive(Debug, Clone)]
pub(crate) struct CapabilityLead {
    best: Option<(f64, usize)>,
    since: SimTime,
    lead_days: Vec<f64>,
}

impl CapabilityLead {
    pub(crate) fn new(lab_count: usize) -> Self {
        CapabilityLead {
            best: None,
            since: SimTime::ZERO,
            lead_days: vec![0.0; lab_count],
        }
    }

    /// A model of `capability` by `lab` reaches the market at `now`. Returns
    /// whether it is the most capable model available (ties count). A tie
    /// leaves the lead with its holder.
    pub(crate) fn release(&mut self, lab: usize, capability: f64, now: SimTime) -> bool {
        match self.best {
            Some((best, _)) if capability < best => false,
            Some((best, _)) if capability == best => true,
            _ => {
                self.credit(now);
                self.best = Some((capability, lab));
                true
            }
        }
    }

    fn credit(&mut self, now: SimTime) {
        if let Some((_, holder)) = self.best {
            self.lead_days[holder] += now.since(self.since).as_days();
        }
        self.since = now;
    }

    /// Days each lab held the lead up to `horizon`.
    pub(crate) fn finish(mut self, horizon: SimTime) -> Vec<f64> {
        self.credit(horizon);
        self.lead_days
    }
}
