//! The optional event log: one record per thing that happened to a model.

use super::record::{Field, FieldType, Ids, Recorder, Role, Row, Rows, Spill, Value};
use crate::engine::SimTime;

/// Which model: lab index, global line index, and the model's number within
/// its line (1 for the line's first model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelRef {
    /// Index of the lab in the scenario.
    pub lab: u32,
    /// Index of the line across all labs (in file order).
    pub line: u32,
    /// Number of the model within its line, from 1.
    pub number: u32,
}

/// How a model came to be released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseHow {
    /// Not covered by the program.
    Uncovered,
    /// Covered, but the program reviews nothing (zero window or no tracks).
    NoReview,
    /// Covered, ready before the program was operational.
    BeforeOperational,
    /// After its review completed.
    Reviewed,
    /// When its window expired, review unfinished.
    WindowExpired,
}

impl ReleaseHow {
    /// Name used in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseHow::Uncovered => "uncovered",
            ReleaseHow::NoReview => "no_review",
            ReleaseHow::BeforeOperational => "before_operational",
            ReleaseHow::Reviewed => "reviewed",
            ReleaseHow::WindowExpired => "window_expired",
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The review program became operational.
    Operational,
    /// A model was ready to release.
    Ready,
    /// A covered model was submitted to every track.
    Submitted,
    /// A covered model ready before the program was operational waits for it.
    AwaitingProgram,
    /// A track's team began reviewing the model.
    TrackStarted,
    /// A track's team finished.
    TrackCompleted,
    /// A track's work stopped (or never started) because the window expired.
    TrackAbandoned,
    /// The model's window ended before its review completed.
    WindowExpired,
    /// Every track finished.
    ReviewCompleted,
    /// The model was released.
    Released(ReleaseHow),
    /// A review found the model's hazard.
    HazardDetected,
    /// The lab did not release a model whose hazard was found.
    ReleaseBlocked,
    /// Mitigation ended; `removed` says whether it removed the hazard.
    MitigationCompleted { removed: bool },
    /// A derivative stripped an open-weights model's safeguards.
    SafeguardsStripped,
    /// The model caused an incident.
    Incident,
    /// The lab patched the model after an incident.
    Patched,
    /// The lab suspended the model after an incident.
    Suspended,
    /// A lab signed up to the program.
    Signed,
    /// Public pressure on a lab started or ended.
    PublicPressure { started: bool },
    /// The government issued a directive to a lab.
    Directive,
    /// A directive suspended a lab's API models.
    SuspensionStarted,
    /// That suspension ended.
    SuspensionEnded,
    /// U.S. API models became unavailable in the foreign region.
    ExportRestricted,
}

impl EventKind {
    /// Name used in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Operational => "operational",
            EventKind::Ready => "ready",
            EventKind::Submitted => "submitted",
            EventKind::AwaitingProgram => "awaiting_program",
            EventKind::TrackStarted => "track_started",
            EventKind::TrackCompleted => "track_completed",
            EventKind::TrackAbandoned => "track_abandoned",
            EventKind::WindowExpired => "window_expired",
            EventKind::ReviewCompleted => "review_completed",
            EventKind::Released(_) => "released",
            EventKind::HazardDetected => "hazard_detected",
            EventKind::ReleaseBlocked => "release_blocked",
            EventKind::MitigationCompleted { .. } => "mitigation_completed",
            EventKind::SafeguardsStripped => "safeguards_stripped",
            EventKind::Incident => "incident",
            EventKind::Patched => "patched",
            EventKind::Suspended => "suspended",
            EventKind::Signed => "signed",
            EventKind::PublicPressure { .. } => "public_pressure",
            EventKind::Directive => "directive",
            EventKind::SuspensionStarted => "suspension_started",
            EventKind::SuspensionEnded => "suspension_ended",
            EventKind::ExportRestricted => "export_restricted",
        }
    }

    /// Every kind, in code order (see [`EventKind::code`]).
    pub const ALL: [EventKind; 29] = [
        EventKind::Operational,
        EventKind::Ready,
        EventKind::Submitted,
        EventKind::AwaitingProgram,
        EventKind::TrackStarted,
        EventKind::TrackCompleted,
        EventKind::TrackAbandoned,
        EventKind::WindowExpired,
        EventKind::ReviewCompleted,
        EventKind::Released(ReleaseHow::Uncovered),
        EventKind::Released(ReleaseHow::NoReview),
        EventKind::Released(ReleaseHow::BeforeOperational),
        EventKind::Released(ReleaseHow::Reviewed),
        EventKind::Released(ReleaseHow::WindowExpired),
        EventKind::HazardDetected,
        EventKind::ReleaseBlocked,
        EventKind::MitigationCompleted { removed: true },
        EventKind::MitigationCompleted { removed: false },
        EventKind::SafeguardsStripped,
        EventKind::Incident,
        EventKind::Patched,
        EventKind::Suspended,
        EventKind::Signed,
        EventKind::PublicPressure { started: true },
        EventKind::PublicPressure { started: false },
        EventKind::Directive,
        EventKind::SuspensionStarted,
        EventKind::SuspensionEnded,
        EventKind::ExportRestricted,
    ];

    /// A number for the kind with its detail, for compact storage: its
    /// position in [`EventKind::ALL`].
    pub fn code(self) -> u8 {
        EventKind::ALL
            .iter()
            .position(|kind| *kind == self)
            .unwrap_or_default() as u8
    }

    /// The kind of a [`EventKind::code`].
    pub fn from_code(code: u8) -> Option<EventKind> {
        EventKind::ALL.get(usize::from(code)).copied()
    }

    /// Extra detail for the log's `detail` column.
    pub fn detail(self) -> &'static str {
        match self {
            EventKind::Released(how) => how.as_str(),
            EventKind::MitigationCompleted { removed: true } => "hazard_removed",
            EventKind::MitigationCompleted { removed: false } => "hazard_remains",
            EventKind::PublicPressure { started: true } => "started",
            EventKind::PublicPressure { started: false } => "ended",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn every_kind_round_trips_through_its_code() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(EventKind::from_code(EventKind::ALL.len() as u8), None);
    }
}

/// One logged event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRecord {
    /// When.
    pub time: SimTime,
    /// What.
    pub kind: EventKind,
    /// To which model (none for lab-wide and program-wide events).
    pub model: Option<ModelRef>,
    /// To which lab, for lab-wide events (model events name it in `model`).
    pub lab: Option<u32>,
    /// On which track, for track events.
    pub track: Option<u32>,
}

impl Row for EventRecord {
    const NAME: &'static str = "events";
    const ROW: &'static str = "one row per event";
    const FIELDS: &'static [Field] = &[
        Field {
            name: "time_days",
            role: Role::Time {
                date: "when, as a date",
            },
            about: "when, in days from the start",
        },
        Field {
            name: "kind",
            role: Role::Text,
            about: "what happened",
        },
        Field {
            name: "lab",
            role: Role::Id(Ids::Lab),
            about: "lab id",
        },
        Field {
            name: "line",
            role: Role::Id(Ids::Line),
            about: "line id (events of one model)",
        },
        Field {
            name: "model",
            role: Role::Integer,
            about: "the model's number in its line (0: the incumbent)",
        },
        Field {
            name: "track",
            role: Role::Id(Ids::Track),
            about: "track id (track events)",
        },
        Field {
            name: "detail",
            role: Role::Text,
            about: "how released, whether mitigation removed the hazard, ...",
        },
    ];
    const SIZE: usize = 8 + 1 + 4 * 5;

    fn encode(&self, out: &mut Vec<u8>) {
        self.time.put(out);
        out.push(self.kind.code());
        for index in [
            self.model.map(|m| m.lab),
            self.model.map(|m| m.line),
            self.model.map(|m| m.number),
            self.lab,
            self.track,
        ] {
            // `None` as `u32::MAX`, which no index reaches.
            index.unwrap_or(u32::MAX).put(out);
        }
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut bytes = bytes;
        let time = SimTime::take(&mut bytes);
        let kind = EventKind::from_code(u8::take(&mut bytes)).unwrap_or(EventKind::Operational);
        let mut index = || Some(u32::take(&mut bytes)).filter(|i| *i != u32::MAX);
        let (lab, line, number) = (index(), index(), index());
        EventRecord {
            time,
            kind,
            model: match (lab, line, number) {
                (Some(lab), Some(line), Some(number)) => Some(ModelRef { lab, line, number }),
                _ => None,
            },
            lab: index(),
            track: index(),
        }
    }

    fn values(&self, out: &mut Vec<Value>) {
        out.extend([
            Value::Time(self.time),
            Value::Text(self.kind.as_str()),
            Value::Id(Ids::Lab, self.lab),
            Value::Id(Ids::Line, self.model.map(|m| m.line)),
            Value::Integer(self.model.map(|m| u64::from(m.number))),
            Value::Id(Ids::Track, self.track),
            Value::Text(self.kind.detail()),
        ]);
    }
}

/// The event log of one replication: records in batches, spilled as they
/// fill when the runner gives a spill.
pub(crate) struct EventLog<'a> {
    records: Recorder<'a>,
}

impl<'a> EventLog<'a> {
    /// A log, kept when `enabled`; full batches go to `spill`.
    pub(crate) fn new(enabled: bool, spill: Option<&'a mut dyn Spill>) -> Self {
        EventLog {
            records: Recorder::new(enabled, EventRecord::SIZE, spill),
        }
    }

    #[inline]
    pub(crate) fn record(
        &mut self,
        time: SimTime,
        kind: EventKind,
        model: Option<ModelRef>,
        track: Option<u32>,
    ) {
        // Without --events every call ends here, before a record is built:
        // inlined, a test of one flag at each event.
        if !self.records.enabled() {
            return;
        }
        self.records.push(EventRecord {
            time,
            kind,
            model,
            lab: model.map(|m| m.lab),
            track,
        });
    }

    /// Records an event about a lab as a whole.
    #[inline]
    pub(crate) fn record_lab(&mut self, time: SimTime, kind: EventKind, lab: usize) {
        if !self.records.enabled() {
            return;
        }
        self.records.push(EventRecord {
            time,
            kind,
            model: None,
            lab: Some(lab as u32),
            track: None,
        });
    }

    /// The records not spilled, in order.
    pub(crate) fn into_rows(self) -> Rows {
        self.records.into_rows()
    }
}
