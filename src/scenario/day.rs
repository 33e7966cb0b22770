//! Dates and day numbers in scenario files.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, written in a scenario as a TOML date (`2026-06-02`) or a
/// string (`"2026-06-02"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A moment given either as a day number counted from the scenario's start
/// (`59`, `59.5`) or as a calendar date (`2026-07-31`, meaning its midnight).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DayRef {
    /// Days since the start date.
    Day(f64),
    /// A calendar date.
    Date(NaiveDate),
}

impl DayRef {
    /// Days since `start` (negative when before it).
    pub fn days_since(self, start: NaiveDate) -> f64 {
        match self {
            DayRef::Day(day) => day,
            DayRef::Date(date) => (date - start).num_days() as f64,
        }
    }
}

impl fmt::Display for DayRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // In messages: 1e300, not its digits.
            DayRef::Day(day) => write!(f, "{}", super::numbers::short_number(*day)),
            DayRef::Date(date) => write!(f, "{date}"),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses `YYYY-MM-DD`, also accepting a TOML local date-time by its date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let date_part = text.get(..10).unwrap_or(text);
    if text.len() > 10 && !text[10..].starts_with(['T', 't', ' ']) {
        return None;
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

/// Reads a TOML date (which serde sees as a one-entry map) or a string.
fn date_from_map<'de, A: MapAccess<'de>>(map: A) -> Result<NaiveDate, A::Error> {
    let datetime = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
    let text = datetime.to_string();
    parse_date(&text)
        .ok_or_else(|| de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

fn date_from_str<E: de::Error>(text: &str) -> Result<NaiveDate, E> {
    parse_date(text).ok_or_else(|| E::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2026-06-02")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
                date_from_str(text).map(Date)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                date_from_map(map).map(Date)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DayRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> Visitor<'de> for DayVisitor {
            type Value = DayRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a day number (days from the start date) or a date such as 2026-07-31")
            }
            fn visit_i64<E: de::Error>(self, day: i64) -> Result<DayRef, E> {
                Ok(DayRef::Day(day as f64))
            }
            fn visit_u64<E: de::Error>(self, day: u64) -> Result<DayRef, E> {
                Ok(DayRef::Day(day as f64))
            }
            fn visit_f64<E: de::Error>(self, day: f64) -> Result<DayRef, E> {
                Ok(DayRef::Day(day))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<DayRef, E> {
                date_from_str(text).map(DayRef::Date)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DayRef, A::Error> {
                date_from_map(map).map(DayRef::Date)
            }
        }
        deserializer.deserialize_any(DayVisitor)
    }
}

impl Serialize for DayRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DayRef::Day(day) => serializer.serialize_f64(*day),
            DayRef::Date(date) => serializer.collect_str(date),
        }
    }
}
