use std::fs::File;
use std::path::{Path, PathBuf};

use ::parquet::basic::{
    Compression, ConvertedType, Encoding, LogicalType, Repetition, Type as PhysicalType,
};
use ::parquet::file::reader::{FileReader, SerializedFileReader};
use ::parquet::record::Field;
use chrono::{NaiveDate, TimeDelta};

use super::*;
use crate::output::format::Column;

/// A cell that owns its text, to compare rows read back with rows written.
#[derive(Debug, PartialEq)]
enum Value {
    Null,
    Integer(i64),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    String(String),
}

impl From<&Cell<'_>> for Value {
    fn from(cell: &Cell<'_>) -> Value {
        match *cell {
            Cell::Null => Value::Null,
            Cell::Integer(v) => Value::Integer(v),
            Cell::Number(v) => Value::Number(v),
            Cell::Boolean(v) => Value::Boolean(v),
            Cell::Date(v) => Value::Date(v),
            Cell::String(v) => Value::String(v.to_owned()),
        }
    }
}

/// A field as the parquet crate's record reader reads it, which knows the
/// column types from the Parquet schema alone (no Arrow).
fn value(field: &Field) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Long(v) => Value::Integer(*v),
        Field::Double(v) => Value::Number(*v),
        Field::Bool(v) => Value::Boolean(*v),
        Field::Date(days) => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            Value::Date(epoch + TimeDelta::days(i64::from(*days)))
        }
        Field::Str(v) => Value::String(v.clone()),
        other => panic!("unexpected field {other:?}"),
    }
}

fn reader(path: &Path) -> SerializedFileReader<File> {
    SerializedFileReader::new(File::open(path).unwrap()).unwrap()
}

fn read_rows(path: &Path) -> Vec<Vec<Value>> {
    reader(path)
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, field)| value(field))
                .collect()
        })
        .collect()
}

/// Rows in each row group.
fn groups(path: &Path) -> Vec<i64> {
    let reader = reader(path);
    let row_groups = reader.metadata().row_groups();
    row_groups.iter().map(|group| group.num_rows()).collect()
}

fn write_table<'a>(
    path: &Path,
    schema: &Schema,
    rows: impl IntoIterator<Item = Vec<Cell<'a>>>,
) -> ParquetTableWriter<File> {
    let mut writer = ParquetTableWriter::new(File::create(path).unwrap(), schema).unwrap();
    for row in rows {
        writer.write_row(&row).unwrap();
    }
    writer.finish().unwrap();
    writer
}

fn every_type() -> Schema {
    Schema::new(vec![
        Column::integer("point", "Parameter point"),
        Column::number("delay_days", "Mean delay"),
        Column::boolean("signed", "Signed the agreement"),
        Column::date("date", "Release date"),
        Column::string("lab", "Lab id"),
        Column::number("never_defined", "Always null in this table"),
    ])
    .unwrap()
}

fn sample_rows() -> Vec<Vec<Cell<'static>>> {
    let date = |y, m, d| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    vec![
        vec![
            Cell::Integer(0),
            Cell::Number(30.0),
            Cell::Boolean(true),
            date(2025, 1, 31),
            Cell::String("open"),
            Cell::Null,
        ],
        vec![
            Cell::Integer(i64::MIN),
            Cell::Number(-1e-7),
            Cell::Boolean(false),
            date(1969, 12, 31),
            Cell::String("a, \"quoted\" lab"),
            Cell::Null,
        ],
        vec![Cell::Null; 6],
    ]
}

#[test]
fn rows_read_back_equal_the_rows_written_with_the_declared_parquet_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.parquet");
    let schema = every_type();
    write_table(&path, &schema, sample_rows());

    let reader = reader(&path);
    let parquet_schema = reader.metadata().file_metadata().schema_descr();
    let types: Vec<_> = parquet_schema
        .columns()
        .iter()
        .map(|column| {
            let info = column.self_type().get_basic_info();
            (
                column.physical_type(),
                column.logical_type_ref().cloned(),
                column.converted_type(),
                info.repetition(),
            )
        })
        .collect();
    let optional =
        |physical, logical, converted| (physical, logical, converted, Repetition::OPTIONAL);
    assert_eq!(
        types,
        [
            optional(PhysicalType::INT64, None, ConvertedType::NONE),
            optional(PhysicalType::DOUBLE, None, ConvertedType::NONE),
            optional(PhysicalType::BOOLEAN, None, ConvertedType::NONE),
            optional(
                PhysicalType::INT32,
                Some(LogicalType::Date),
                ConvertedType::DATE
            ),
            optional(
                PhysicalType::BYTE_ARRAY,
                Some(LogicalType::String),
                ConvertedType::UTF8
            ),
            // All null, and still a number column.
            optional(PhysicalType::DOUBLE, None, ConvertedType::NONE),
        ]
    );
    let expected: Vec<Vec<Value>> = sample_rows()
        .iter()
        .map(|row| row.iter().map(Value::from).collect())
        .collect();
    assert_eq!(read_rows(&path), expected);
}

#[test]
fn the_file_is_zstd_compressed_and_carries_the_table_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.parquet");
    let schema = every_type();
    write_table(&path, &schema, sample_rows());

    let reader = reader(&path);
    let metadata = reader.metadata();
    let column = metadata.row_group(0).column(0);
    assert!(matches!(column.compression(), Compression::ZSTD(_)));
    let table_schema = metadata
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .find(|pair| pair.key == TABLE_SCHEMA_KEY)
        .and_then(|pair| pair.value.clone())
        .unwrap();
    assert_eq!(table_schema, serde_json::to_string(&schema).unwrap());
    assert!(
        table_schema
            .contains(r#"{"name":"delay_days","type":"number","description":"Mean delay"}"#)
    );
}

#[test]
fn the_same_rows_give_the_same_bytes() {
    // Same scenario and seed must give byte-identical outputs, Parquet too.
    let schema = every_type();
    let bytes = || {
        let mut writer = ParquetTableWriter::new(Vec::new(), &schema).unwrap();
        for row in sample_rows() {
            writer.write_row(&row).unwrap();
        }
        writer.into_inner().unwrap()
    };
    assert_eq!(bytes(), bytes());
}

fn wide_row(index: i64) -> Vec<Cell<'static>> {
    const LABS: [&str; 3] = ["alpha", "beta", "gamma"];
    vec![
        Cell::Integer(index),
        Cell::Number(index as f64 * 0.5),
        Cell::Boolean(index % 2 == 0),
        Cell::Null,
        Cell::String(LABS[index.unsigned_abs() as usize % LABS.len()]),
        if index % 7 == 0 {
            Cell::Null
        } else {
            Cell::Number(1.0 / index as f64)
        },
    ]
}

#[test]
fn a_large_table_is_written_one_row_group_at_a_time() {
    const ROWS: i64 = 200_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.parquet");
    let schema = every_type();
    let mut writer = ParquetTableWriter::new(File::create(&path).unwrap(), &schema).unwrap();
    let mut most_buffered = 0;
    for index in 0..ROWS {
        writer.write_row(&wide_row(index)).unwrap();
        let buffered = writer.buffered_rows();
        assert!(
            buffered < ROW_GROUP_ROWS,
            "{buffered} rows held after row {index}"
        );
        most_buffered = most_buffered.max(buffered);
    }
    assert_eq!(most_buffered, ROW_GROUP_ROWS - 1);
    assert_eq!(writer.row_groups_written(), 3);
    writer.finish().unwrap();
    assert_eq!(writer.row_groups_written(), 4);
    assert_eq!(writer.buffered_rows(), 0);
    assert_eq!(writer.rows_written(), ROWS as u64);

    assert_eq!(groups(&path), [65_536, 65_536, 65_536, 3_392]);
    let rows = read_rows(&path);
    assert_eq!(rows.len(), ROWS as usize);
    for index in [0, 1, 65_535, 65_536, 199_999] {
        let expected: Vec<Value> = wide_row(index).iter().map(Value::from).collect();
        assert_eq!(rows[index as usize], expected);
    }
}

#[test]
fn a_refused_row_is_not_buffered() {
    let schema = every_type();
    let mut writer = ParquetTableWriter::new(Vec::new(), &schema).unwrap();
    writer.write_row(&sample_rows()[0]).unwrap();
    let mut wrong = sample_rows()[0].clone();
    wrong[0] = Cell::Number(1.0);
    let error = writer.write_row(&wrong).unwrap_err();
    assert_eq!(
        error.to_string(),
        "row 1: column `point` holds integer values, not number"
    );
    assert_eq!(writer.buffered_rows(), 1);
    writer.finish().unwrap();
    assert!(matches!(
        writer.write_row(&sample_rows()[0]),
        Err(FormatError::Finished)
    ));
    let bytes = writer.into_inner().unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
}

fn shard(dir: &Path, name: &str, schema: &Schema, rows: std::ops::Range<i64>) -> PathBuf {
    let path = dir.join(name);
    write_table(&path, schema, rows.map(wide_row));
    path
}

#[test]
fn three_concatenated_files_equal_one_file_of_all_their_rows() {
    let dir = tempfile::tempdir().unwrap();
    let schema = every_type();
    // Boundaries that fall inside, and at the edge of, a row group.
    let shards = [
        shard(dir.path(), "a.parquet", &schema, 0..70_000),
        shard(dir.path(), "b.parquet", &schema, 70_000..70_010),
        shard(dir.path(), "c.parquet", &schema, 70_010..150_000),
    ];
    let whole = shard(dir.path(), "whole.parquet", &schema, 0..150_000);

    let merged = dir.path().join("merged.parquet");
    concat_parquet(&shards, File::create(&merged).unwrap()).unwrap();

    let (merged_reader, whole_reader) = (reader(&merged), reader(&whole));
    let (merged_metadata, whole_metadata) = (
        merged_reader.metadata().file_metadata(),
        whole_reader.metadata().file_metadata(),
    );
    assert_eq!(merged_metadata.schema(), whole_metadata.schema());
    assert_eq!(
        merged_metadata.key_value_metadata(),
        whole_metadata.key_value_metadata()
    );
    assert_eq!(groups(&merged), groups(&whole));
    assert_eq!(read_rows(&merged), read_rows(&whole));
    // Laid out as the writer lays out the rows: the same file.
    assert!(std::fs::read(&merged).unwrap() == std::fs::read(&whole).unwrap());
}

#[test]
fn a_file_with_other_columns_is_refused_by_name_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let schema = every_type();
    let mut columns = schema.columns().to_vec();
    columns[0] = Column::number("point", "Parameter point, as a float");
    let other = Schema::new(columns).unwrap();
    let first = shard(dir.path(), "a.parquet", &schema, 0..10);
    let odd = dir.path().join("b.parquet");
    write_table(&odd, &other, [vec![Cell::Null; 6]]);

    let mut output = Vec::new();
    let error = concat_parquet(&[&first, &odd], &mut output).unwrap_err();
    assert!(
        matches!(&error, ConcatError::SchemaMismatch { file, .. } if file == &odd.display().to_string())
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "{}: columns differ from those of {}: expected [point: integer, delay_days: number",
            odd.display(),
            first.display()
        )),
        "{message}"
    );
    assert!(
        message.contains("found [point: number, delay_days: number"),
        "{message}"
    );
    assert!(output.is_empty());
}

#[test]
fn concatenating_no_files_is_refused() {
    let none: [&Path; 0] = [];
    assert!(matches!(
        concat_parquet(&none, Vec::new()),
        Err(ConcatError::NoInputs)
    ));
}

/// A Parquet file that reviewsim does not write: one required column.
fn foreign_file(path: &Path) {
    use ::parquet::column::writer::ColumnWriter;
    use ::parquet::file::properties::WriterProperties;
    use ::parquet::file::writer::SerializedFileWriter;
    use ::parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    let schema = parse_message_type("message table { required int64 point; }").unwrap();
    let properties = Arc::new(WriterProperties::builder().build());
    let mut writer =
        SerializedFileWriter::new(File::create(path).unwrap(), Arc::new(schema), properties)
            .unwrap();
    let mut group = writer.next_row_group().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    match column.untyped() {
        ColumnWriter::Int64ColumnWriter(typed) => typed.write_batch(&[7], None, None).unwrap(),
        _ => unreachable!("an int64 column"),
    };
    column.close().unwrap();
    group.close().unwrap();
    writer.close().unwrap();
}

#[test]
fn a_file_with_a_column_of_a_type_reviewsim_does_not_write_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("foreign.parquet");
    foreign_file(&foreign);
    let ours = shard(dir.path(), "a.parquet", &every_type(), 0..10);
    for inputs in [[&foreign, &ours], [&ours, &foreign]] {
        let mut output = Vec::new();
        let error = concat_parquet(&inputs, &mut output).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: column `point` is REQUIRED INT64, not an optional integer, number, \
                 boolean, date or string column as reviewsim writes",
                foreign.display()
            )
        );
        assert!(output.is_empty());
    }
}

#[test]
fn strings_too_many_for_a_dictionary_concatenate_to_the_file_of_all_their_rows() {
    // Distinct strings overflow the column's dictionary page (1 MiB), so the
    // writer falls back to plain pages, which the reader must read as well.
    let texts: Vec<String> = (0..120_000)
        .map(|index| format!("lab number {index:>12}"))
        .collect();
    let schema = Schema::new(vec![
        Column::integer("index", "Row index"),
        Column::string("text", "A distinct text per row"),
    ])
    .unwrap();
    let rows = |range: std::ops::Range<usize>| {
        let texts = &texts;
        range.map(move |index| {
            let text = if index % 5 == 0 {
                Cell::Null
            } else {
                Cell::String(&texts[index])
            };
            vec![Cell::Integer(index as i64), text]
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    write_table(&path("a.parquet"), &schema, rows(0..50_000));
    write_table(&path("b.parquet"), &schema, rows(50_000..120_000));
    write_table(&path("whole.parquet"), &schema, rows(0..120_000));
    let merged = path("merged.parquet");
    concat_parquet(
        &[path("a.parquet"), path("b.parquet")],
        File::create(&merged).unwrap(),
    )
    .unwrap();

    let reader = reader(&merged);
    let text_column = reader.metadata().row_group(0).column(1);
    // The data pages' encodings (the reader's default distills them to a mask).
    let data_pages = text_column.page_encoding_stats_mask().unwrap();
    assert!(data_pages.is_set(Encoding::PLAIN), "{data_pages:?}");
    let read = read_rows(&merged);
    assert_eq!(read.len(), 120_000);
    assert_eq!(
        read[3],
        [Value::Integer(3), Value::String(texts[3].clone())]
    );
    assert_eq!(read[100_000], [Value::Integer(100_000), Value::Null]);
    assert!(std::fs::read(&merged).unwrap() == std::fs::read(path("whole.parquet")).unwrap());
}
