use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell as StdCell;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::output::format::{Column, ColumnType, RowError};

fn every_type() -> Schema {
    Schema::new(vec![
        Column::integer("point", "Parameter point"),
        Column::number("delay_days", "Mean delay"),
        Column::boolean("signed", "Signed the agreement"),
        Column::date("date", "Release date"),
        Column::string("lab", "Lab id"),
    ])
    .unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn csv_text(schema: &Schema, rows: &[Vec<Cell<'_>>]) -> String {
    let mut writer = CsvTableWriter::new(Vec::new(), schema).unwrap();
    for row in rows {
        writer.write_row(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn sample_rows() -> Vec<Vec<Cell<'static>>> {
    vec![
        vec![
            Cell::Integer(0),
            Cell::Number(30.0),
            Cell::Boolean(true),
            Cell::Date(date(2025, 1, 31)),
            Cell::String("open"),
        ],
        vec![
            Cell::Integer(-12),
            Cell::Number(0.1),
            Cell::Boolean(false),
            Cell::Date(date(1999, 12, 1)),
            Cell::String("a, \"quoted\" lab"),
        ],
        vec![
            Cell::Integer(i64::MAX),
            Cell::Number(1e21),
            Cell::Null,
            Cell::Null,
            Cell::Null,
        ],
        vec![
            Cell::Null,
            Cell::Number(-1e-7),
            Cell::Null,
            Cell::Date(date(10000, 1, 1)),
            Cell::String(""),
        ],
    ]
}

#[test]
fn each_type_is_written_one_fixed_way() {
    let text = csv_text(&every_type(), &sample_rows());
    assert_eq!(
        text,
        "point,delay_days,signed,date,lab\n\
         0,30.0,true,2025-01-31,open\n\
         -12,0.1,false,1999-12-01,\"a, \"\"quoted\"\" lab\"\n\
         9223372036854775807,1e21,,,\n\
         ,-1e-7,,+10000-01-01,\n"
    );
}

#[test]
fn a_table_without_rows_is_its_header() {
    assert_eq!(
        csv_text(&every_type(), &[]),
        "point,delay_days,signed,date,lab\n"
    );
}

/// Parses a field the way a reader told the schema would.
fn parse<'a>(column_type: ColumnType, field: &'a str) -> Cell<'a> {
    if field.is_empty() {
        return Cell::Null;
    }
    match column_type {
        ColumnType::Integer => Cell::Integer(field.parse().unwrap()),
        ColumnType::Number => Cell::Number(field.parse().unwrap()),
        ColumnType::Boolean => Cell::Boolean(field.parse().unwrap()),
        ColumnType::Date => Cell::Date(field.parse().unwrap()),
        ColumnType::String => Cell::String(field),
    }
}

#[test]
fn rows_read_back_through_the_csv_crate_equal_the_rows_written() {
    let schema = every_type();
    let rows = sample_rows();
    let text = csv_text(&schema, &rows);
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let names: Vec<&str> = schema.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(header, names);
    let records: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        let read: Vec<Cell<'_>> = schema
            .columns()
            .iter()
            .zip(record)
            .map(|(column, field)| parse(column.column_type, field))
            .collect();
        // The one loss, by design: an empty string reads back as null.
        let expected: Vec<Cell<'_>> = row
            .iter()
            .map(|cell| match cell {
                Cell::String("") => Cell::Null,
                other => *other,
            })
            .collect();
        assert_eq!(read, expected);
    }
}

#[test]
fn a_refused_row_leaves_the_text_as_it_was() {
    let schema = every_type();
    let mut writer = CsvTableWriter::new(Vec::new(), &schema).unwrap();
    writer.write_row(&sample_rows()[0]).unwrap();
    let wrong = [
        Cell::Integer(1),
        Cell::Integer(30),
        Cell::Null,
        Cell::Null,
        Cell::Null,
    ];
    let error = writer.write_row(&wrong).unwrap_err();
    assert_eq!(
        error.to_string(),
        "row 1: column `delay_days` holds number values, not integer"
    );
    let not_finite = [
        Cell::Null,
        Cell::Number(f64::NAN),
        Cell::Null,
        Cell::Null,
        Cell::Null,
    ];
    assert!(matches!(
        writer.write_row(&not_finite),
        Err(FormatError::Row {
            row: 1,
            source: RowError::NonFinite { .. }
        })
    ));
    assert_eq!(writer.rows_written(), 1);
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    assert_eq!(
        text,
        "point,delay_days,signed,date,lab\n0,30.0,true,2025-01-31,open\n"
    );
}

#[test]
fn a_row_after_finish_is_refused() {
    let schema = Schema::new(vec![Column::integer("n", "")]).unwrap();
    let mut writer = CsvTableWriter::new(Vec::new(), &schema).unwrap();
    writer.finish().unwrap();
    writer.finish().unwrap();
    assert!(matches!(
        writer.write_row(&[Cell::Integer(1)]),
        Err(FormatError::Finished)
    ));
}

#[test]
fn a_lone_null_cell_is_quoted_so_the_row_is_not_blank() {
    // A blank line would be skipped by readers and the row lost.
    let schema = Schema::new(vec![Column::number("x", "")]).unwrap();
    assert_eq!(csv_text(&schema, &[vec![Cell::Null]]), "x\n\"\"\n");
}

/// The same rows through the csv crate's default writer, the spelling this
/// writer keeps.
fn csv_crate_text(schema: &Schema, rows: &[Vec<Cell<'_>>]) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(schema.columns().iter().map(|c| c.name.as_str()))
        .unwrap();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Null => String::new(),
                Cell::Integer(v) => v.to_string(),
                Cell::Number(v) => ryu::Buffer::new().format(*v).to_string(),
                Cell::Boolean(v) => v.to_string(),
                Cell::Date(v) => v.to_string(),
                Cell::String(v) => (*v).to_string(),
            })
            .collect();
        writer.write_record(&fields).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

proptest! {
    #[test]
    fn text_and_dates_are_spelt_as_the_csv_crate_spells_them(
        texts in proptest::collection::vec("[a-z,\"\n\r é]{0,6}", 1..4),
        days in proptest::collection::vec(-4_000_000i64..4_000_000, 1..4),
        single in any::<bool>(),
    ) {
        let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        if single {
            let schema = Schema::new(vec![Column::string("only, \"one\"", "")]).unwrap();
            let rows: Vec<Vec<Cell<'_>>> = texts.iter().map(|t| vec![Cell::String(t)]).collect();
            prop_assert_eq!(csv_text(&schema, &rows), csv_crate_text(&schema, &rows));
        } else {
            let schema = Schema::new(vec![
                Column::string("text", ""),
                Column::date("date", ""),
                Column::number("x", ""),
            ])
            .unwrap();
            let rows: Vec<Vec<Cell<'_>>> = texts
                .iter()
                .zip(days.iter().cycle())
                .map(|(t, &d)| {
                    let date = base + chrono::Duration::days(d);
                    vec![Cell::String(t), Cell::Date(date), Cell::Number(d as f64 / 7.0)]
                })
                .collect();
            prop_assert_eq!(csv_text(&schema, &rows), csv_crate_text(&schema, &rows));
        }
    }

    #[test]
    fn numbers_are_spelt_as_ryu_spells_them(
        bits in any::<u64>(),
        mantissa in -1_000_000i64..1_000_000,
        exponent in -330i32..40,
    ) {
        let schema = Schema::new(vec![Column::number("x", "")]).unwrap();
        let decimal = mantissa as f64 * 10f64.powi(exponent);
        let edges = [1e16, 1e16f64.next_down(), -1e16, 1e-7, 5e-324, 0.0, -0.0];
        let values = [f64::from_bits(bits), decimal, decimal.next_up(), decimal.next_down()];
        for value in values.into_iter().chain(edges) {
            if !value.is_finite() {
                continue;
            }
            let text = csv_text(&schema, &[vec![Cell::Number(value)]]);
            let expected = format!("x\n{}\n", ryu::Buffer::new().format_finite(value));
            prop_assert_eq!(text, expected);
        }
    }

    #[test]
    fn every_finite_number_reads_back_as_the_same_float(value in any::<f64>()
        .prop_filter("finite", |v| v.is_finite())) {
        let schema = Schema::new(vec![Column::number("x", "")]).unwrap();
        let text = csv_text(&schema, &[vec![Cell::Number(value)]]);
        let field = text.strip_prefix("x\n").unwrap().trim_end();
        prop_assert!(field.contains(['.', 'e']), "{field} would read as an integer");
        prop_assert_eq!(field.parse::<f64>().unwrap().to_bits(), value.to_bits());
    }
}

thread_local! {
    /// Allocations made by this thread while counting; `None` when not
    /// counting. Per thread, so tests running beside this one don't count.
    static ALLOCATIONS: StdCell<Option<usize>> = const { StdCell::new(None) };
}

/// The system allocator, counting allocations made on a thread that asks.
struct CountingAllocator;

// SAFETY: every call is forwarded to `System` unchanged.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get().map(|n| n + 1)));
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get().map(|n| n + 1)));
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_during(work: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|count| count.set(Some(0)));
    work();
    ALLOCATIONS.with(|count| count.replace(None)).unwrap_or(0)
}

#[test]
fn writing_rows_allocates_nothing_once_warm() {
    // The counter counts: one vector, one allocation.
    assert_eq!(
        allocations_during(|| drop(std::hint::black_box(Vec::<u8>::with_capacity(8)))),
        1
    );
    let schema = every_type();
    // A sink that grows by itself would count; `io::sink` holds nothing.
    let mut writer = CsvTableWriter::new(std::io::sink(), &schema).unwrap();
    let rows = sample_rows();
    for row in &rows {
        writer.write_row(row).unwrap();
    }
    let allocations = allocations_during(|| {
        for _ in 0..1_000 {
            for row in &rows {
                writer.write_row(row).unwrap();
            }
        }
    });
    assert_eq!(allocations, 0);
}
