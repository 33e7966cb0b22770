//! Who holds the capability lead: the most capable model on the market.

use std::cell::Cell;

use super::spare::Kept;
use crate::engine::SimTime;

/// A model on the market, as the lead sees it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    model: usize,
    lab: usize,
    capability: f64,
}

/// Tracks the most capable model on the market and how long each lab held
/// it. Ties leave the lead with its holder; when the holder leaves the
/// market, the most capable remaining model (the earliest released among
/// equals) takes over.
#[derive(Debug, Clone)]
pub(crate) struct CapabilityLead {
    available: Kept<Entry>,
    holder: Option<Entry>,
    since: SimTime,
    lead_days: Vec<f64>,
}

impl CapabilityLead {
    pub(crate) fn new(lab_count: usize) -> Self {
        CapabilityLead {
            available: Kept::new(&AVAILABLE),
            holder: None,
            since: SimTime::ZERO,
            lead_days: vec![0.0; lab_count],
        }
    }

    /// A model reaches the market at `now`. Returns whether it is the most
    /// capable model available (ties count).
    pub(crate) fn release(
        &mut self,
        model: usize,
        lab: usize,
        capability: f64,
        now: SimTime,
    ) -> bool {
        let entry = Entry {
            model,
            lab,
            capability,
        };
        self.available.push(entry);
        match self.holder {
            Some(holder) if capability < holder.capability => false,
            Some(holder) if capability == holder.capability => true,
            _ => {
                self.hand_over(Some(entry), now);
                true
            }
        }
    }

    /// A model leaves the market at `now`.
    pub(crate) fn withdraw(&mut self, model: usize, now: SimTime) {
        self.available.retain(|entry| entry.model != model);
        if self.holder.is_some_and(|holder| holder.model == model) {
            let next = self
                .available
                .iter()
                .copied()
                .fold(None, |best: Option<Entry>, entry| match best {
                    Some(best) if best.capability >= entry.capability => Some(best),
                    _ => Some(entry),
                });
            self.hand_over(next, now);
        }
    }

    fn hand_over(&mut self, next: Option<Entry>, now: SimTime) {
        if let Some(holder) = self.holder {
            self.lead_days[holder.lab] += now.since(self.since).as_days();
        }
        self.holder = next;
        self.since = now;
    }

    /// Days each lab held the lead up to `horizon`.
    pub(crate) fn finish(mut self, horizon: SimTime) -> Vec<f64> {
        let holder = self.holder;
        self.hand_over(holder, horizon);
        std::mem::take(&mut self.lead_days)
    }
}

thread_local! {
    static AVAILABLE: Cell<Vec<Entry>> = const { Cell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: f64) -> SimTime {
        SimTime::from_days(d)
    }

    #[test]
    fn the_lead_passes_to_more_capable_releases_and_back_on_withdrawal() {
        let mut lead = CapabilityLead::new(2);
        assert!(lead.release(0, 0, 5.0, day(0.0)));
        assert!(lead.release(1, 1, 7.0, day(10.0)));
        assert!(!lead.release(2, 0, 6.0, day(12.0)));
        lead.withdraw(1, day(20.0)); // lab 1's leader suspended: lab 0's best (6) leads
        assert_eq!(lead.finish(day(30.0)), [10.0 + 10.0, 10.0]);
    }

    #[test]
    fn a_tie_leaves_the_lead_with_its_holder() {
        let mut lead = CapabilityLead::new(2);
        lead.release(0, 0, 5.0, day(0.0));
        assert!(lead.release(1, 1, 5.0, day(1.0)));
        assert_eq!(lead.finish(day(4.0)), [4.0, 0.0]);
    }
}
