//! Recorded tables: the event log and the time series of a replication.
//!
//! Each table's row type declares its fields once, with [`declare_row!`]
//! (or by hand, as the event log does): its Rust field, its column's name,
//! role and meaning. From that one declaration come the row's fixed-size
//! binary layout (kept in memory and spilled to disk in that form), its
//! columns, its cells in every output format, and its schema in
//! `datapackage.json` and Parquet. The list of tables is
//! [`super::series::TABLES`]: adding a time series is one file that declares
//! its row and how it is sampled, and one entry there.
//!
//! A recorder keeps its rows in batches and hands each full batch, as it
//! fills, to a spill that the runner provides, so a replication's memory does
//! not grow with its event log or time series; the model itself does no I/O.

use crate::engine::SimTime;

/// Rows kept in memory before a full batch is handed to the spill.
pub const SPILL_BATCH: usize = 2048;

/// What a column's ids name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// A lab, by its index in the scenario.
    Lab,
    /// A line, by its index across all labs' lines.
    Line,
    /// A market segment, by its index.
    Segment,
    /// A review track, by its index.
    Track,
}

/// How a field is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A time: a column of days from the start, and a `date` column with
    /// this meaning.
    Time {
        /// The meaning of the `date` column.
        date: &'static str,
    },
    /// A whole day: a column of whole days from the start (an integer),
    /// and a `date` column with this meaning.
    Day {
        /// The meaning of the `date` column.
        date: &'static str,
    },
    /// An index, written as the id it names (empty when absent).
    Id(Ids),
    /// A number (empty when undefined).
    Number,
    /// A whole number (empty when absent).
    Integer,
    /// True or false.
    Boolean,
    /// A name (empty when there is none).
    Text,
}

/// One field of a row: its column's name, role and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The column's name (a time's days column; its date column is `date`).
    pub name: &'static str,
    /// How it is written.
    pub role: Role,
    /// What it means, with its unit.
    pub about: &'static str,
}

/// A field's value in a row, ready to be written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A time.
    Time(SimTime),
    /// An index into the ids of its kind, or none.
    Id(Ids, Option<u32>),
    /// A number, or undefined.
    Number(Option<f64>),
    /// A whole number, or absent.
    Integer(Option<u64>),
    /// True or false.
    Boolean(bool),
    /// A name (empty: none).
    Text(&'static str),
}

/// A row of a recorded table: its fields declared once, a fixed-size
/// little-endian layout, and its values.
pub trait Row: Copy + 'static {
    /// The table's name: its file is `NAME.csv` or `NAME.parquet`.
    const NAME: &'static str;
    /// What one row is, for the documentation: "one row per event".
    const ROW: &'static str;
    /// The fields, in column order.
    const FIELDS: &'static [Field];
    /// Bytes per row.
    const SIZE: usize;
    /// Appends the row's bytes.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads a row from its `SIZE` bytes.
    fn decode(bytes: &[u8]) -> Self;
    /// Appends the row's values, one per field.
    fn values(&self, out: &mut Vec<Value>);
}

/// A type a declared row's field may have: its bytes, and its value in the
/// role the declaration gives it.
pub trait FieldType: Copy {
    /// Bytes it takes.
    const SIZE: usize;
    /// Appends its bytes.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads it from the front of `bytes`, which it then skips.
    fn take(bytes: &mut &[u8]) -> Self;
    /// Its value, written as `role` says.
    fn value(&self, role: Role) -> Value;
}

fn take_array<const N: usize>(bytes: &mut &[u8]) -> [u8; N] {
    let (head, rest) = bytes.split_at(N.min(bytes.len()));
    *bytes = rest;
    head.try_into().unwrap_or([0; N])
}

impl FieldType for SimTime {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.ticks().to_le_bytes());
    }
    fn take(bytes: &mut &[u8]) -> Self {
        SimTime::from_ticks(u64::from_le_bytes(take_array(bytes)))
    }
    fn value(&self, _: Role) -> Value {
        Value::Time(*self)
    }
}

impl FieldType for u8 {
    const SIZE: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn take(bytes: &mut &[u8]) -> Self {
        take_array::<1>(bytes)[0]
    }
    fn value(&self, _: Role) -> Value {
        Value::Integer(Some(u64::from(*self)))
    }
}

impl FieldType for u32 {
    const SIZE: usize = 4;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn take(bytes: &mut &[u8]) -> Self {
        u32::from_le_bytes(take_array(bytes))
    }
    fn value(&self, role: Role) -> Value {
        match role {
            Role::Id(ids) => Value::Id(ids, Some(*self)),
            _ => Value::Integer(Some(u64::from(*self))),
        }
    }
}

impl FieldType for u64 {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn take(bytes: &mut &[u8]) -> Self {
        u64::from_le_bytes(take_array(bytes))
    }
    fn value(&self, _: Role) -> Value {
        Value::Integer(Some(*self))
    }
}

impl FieldType for f64 {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn take(bytes: &mut &[u8]) -> Self {
        f64::from_le_bytes(take_array(bytes))
    }
    fn value(&self, _: Role) -> Value {
        Value::Number(Some(*self))
    }
}

impl FieldType for Option<f64> {
    const SIZE: usize = 1 + 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(self.is_some()));
        out.extend(self.unwrap_or_default().to_le_bytes());
    }
    fn take(bytes: &mut &[u8]) -> Self {
        let present = take_array::<1>(bytes)[0] == 1;
        let value = f64::take(bytes);
        present.then_some(value)
    }
    fn value(&self, _: Role) -> Value {
        Value::Number(*self)
    }
}

impl FieldType for bool {
    const SIZE: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn take(bytes: &mut &[u8]) -> Self {
        take_array::<1>(bytes)[0] == 1
    }
    fn value(&self, _: Role) -> Value {
        Value::Boolean(*self)
    }
}

/// Declares a recorded table's row once: the struct, and from its fields
/// the [`Row`] implementation (columns, layout, values).
///
/// ```
/// use reviewsim::engine::SimTime;
/// use reviewsim::model::record::{Ids, Role, Row, Value};
///
/// reviewsim::declare_row! {
///     /// One lab's head count at a sample time.
///     pub struct StaffSample in "staff_timeseries", "one row per sample × lab" {
///         /// When.
///         pub time: SimTime => "day", Role::Time { date: "sample time as a date" },
///             "sample time, in days from the start";
///         /// Lab index.
///         pub lab: u32 => "lab", Role::Id(Ids::Lab), "lab id";
///         /// Staff.
///         pub staff: u64 => "staff", Role::Integer, "people at work";
///     }
/// }
///
/// let row = StaffSample { time: SimTime::from_days(7.0), lab: 1, staff: 40 };
/// let mut bytes = Vec::new();
/// row.encode(&mut bytes);
/// assert_eq!(bytes.len(), StaffSample::SIZE);
/// assert_eq!(StaffSample::decode(&bytes), row);
/// assert_eq!(StaffSample::FIELDS[2].name, "staff");
/// let mut values = Vec::new();
/// row.values(&mut values);
/// assert_eq!(values[1], Value::Id(Ids::Lab, Some(1)));
/// ```
#[macro_export]
macro_rules! declare_row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $table:literal, $row:literal {
            $(
                $(#[$field_meta:meta])*
                $field_vis:vis $field:ident : $ty:ty => $column:literal, $role:expr, $about:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        $vis struct $name {
            $(
                $(#[$field_meta])*
                $field_vis $field: $ty,
            )*
        }

        impl $crate::model::record::Row for $name {
            const NAME: &'static str = $table;
            const ROW: &'static str = $row;
            const FIELDS: &'static [$crate::model::record::Field] = &[
                $(
                    $crate::model::record::Field {
                        name: $column,
                        role: $role,
                        about: $about,
                    },
                )*
            ];
            const SIZE: usize =
                0 $(+ <$ty as $crate::model::record::FieldType>::SIZE)*;

            fn encode(&self, out: &mut Vec<u8>) {
                $( $crate::model::record::FieldType::put(&self.$field, out); )*
            }

            fn decode(bytes: &[u8]) -> Self {
                let mut bytes = bytes;
                $name {
                    $( $field: <$ty as $crate::model::record::FieldType>::take(&mut bytes), )*
                }
            }

            fn values(&self, out: &mut Vec<$crate::model::record::Value>) {
                $(
                    out.push($crate::model::record::FieldType::value(&self.$field, $role));
                )*
            }
        }
    };
}

/// What a replication records besides its outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Recording {
    /// Keep the event log.
    pub events: bool,
    /// Sample every time series every this many days.
    pub timeseries_every_days: Option<u32>,
}

impl Recording {
    /// Outcomes only.
    pub const NONE: Recording = Recording {
        events: false,
        timeseries_every_days: None,
    };

    /// Outcomes and the event log.
    pub const EVENTS: Recording = Recording {
        events: true,
        timeseries_every_days: None,
    };
}

/// The spills of one replication, one per table of [`super::series::TABLES`] (none:
/// everything stays in memory, as for a test or a single replication).
#[derive(Default)]
pub struct Spills<'a>(Vec<Option<&'a mut dyn Spill>>);

impl<'a> Spills<'a> {
    /// One spill per table of [`super::series::TABLES`], in order.
    pub fn new(spills: impl IntoIterator<Item = &'a mut dyn Spill>) -> Self {
        Spills(spills.into_iter().map(Some).collect())
    }

    /// Takes the spill of table `index`.
    pub(crate) fn take(&mut self, index: usize) -> Option<&'a mut dyn Spill> {
        self.0.get_mut(index).and_then(Option::take)
    }
}

/// Where a recorder sends its full batches, in order: the bytes of
/// [`SPILL_BATCH`] rows of one table. The runner writes them to disk.
pub trait Spill {
    /// Takes the next full batch.
    fn spill(&mut self, bytes: &[u8]);
}

/// The rows of one table that a replication kept in memory (what was not
/// spilled), in their layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// Bytes per row.
    size: usize,
    /// The rows' bytes, in order.
    bytes: Vec<u8>,
}

impl Rows {
    /// Rows kept.
    pub fn len(&self) -> usize {
        self.bytes.len().checked_div(self.size).unwrap_or(0)
    }

    /// Whether none were kept.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Their bytes, `len()` rows in their layout.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The rows, decoded.
    pub fn decode<T: Row>(&self) -> Vec<T> {
        self.bytes.chunks_exact(T::SIZE).map(T::decode).collect()
    }
}

/// Collects the rows of one table when enabled (one branch when not); full
/// batches go to the spill, if there is one, and the rest stays in memory.
pub(crate) struct Recorder<'a> {
    enabled: bool,
    size: usize,
    rows: usize,
    bytes: Vec<u8>,
    spill: Option<&'a mut dyn Spill>,
}

impl<'a> Recorder<'a> {
    /// A recorder of rows of `size` bytes.
    pub(crate) fn new(enabled: bool, size: usize, spill: Option<&'a mut dyn Spill>) -> Self {
        Recorder {
            enabled,
            size,
            rows: 0,
            bytes: Vec::new(),
            spill,
        }
    }

    /// Whether rows are kept.
    #[inline]
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Keeps a row.
    pub(crate) fn push<T: Row>(&mut self, row: T) {
        if !self.enabled {
            return;
        }
        debug_assert_eq!(T::SIZE, self.size);
        row.encode(&mut self.bytes);
        self.rows += 1;
        if self.rows >= SPILL_BATCH
            && let Some(spill) = &mut self.spill
        {
            spill.spill(&self.bytes);
            self.bytes.clear();
            self.rows = 0;
        }
    }

    /// The rows not spilled, in order.
    pub(crate) fn into_rows(self) -> Rows {
        Rows {
            size: self.size,
            bytes: self.bytes,
        }
    }
}
