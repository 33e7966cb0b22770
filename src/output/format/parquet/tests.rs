use std::fs::File;
use std::path::{Path, PathBuf};

use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::basic::Compression;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveDate;

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

fn value(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Int64 => Value::Integer(array.as_primitive::<Int64Type>().value(row)),
        DataType::Float64 => Value::Number(array.as_primitive::<Float64Type>().value(row)),
        DataType::Boolean => Value::Boolean(array.as_boolean().value(row)),
        DataType::Date32 => Value::Date(
            array
                .as_primitive::<Date32Type>()
                .value_as_date(row)
                .unwrap(),
        ),
        DataType::Utf8 => Value::String(array.as_string::<i32>().value(row).to_owned()),
        other => panic!("unexpected column type {other}"),
    }
}

fn rows_of(batches: &[RecordBatch]) -> Vec<Vec<Value>> {
    batches
        .iter()
        .flat_map(|batch| {
            (0..batch.num_rows()).map(move |row| {
                batch
                    .columns()
                    .iter()
                    .map(|column| value(column.as_ref(), row))
                    .collect()
            })
        })
        .collect()
}

fn reader(path: &Path) -> ParquetRecordBatchReaderBuilder<File> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap()
}

fn read_batches(path: &Path) -> Vec<RecordBatch> {
    reader(path).build().unwrap().map(Result::unwrap).collect()
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
fn rows_read_back_equal_the_rows_written_with_the_declared_arrow_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.parquet");
    let schema = every_type();
    write_table(&path, &schema, sample_rows());

    let batches = read_batches(&path);
    let arrow_schema = batches[0].schema();
    let types: Vec<(&DataType, bool)> = arrow_schema
        .fields()
        .iter()
        .map(|field| (field.data_type(), field.is_nullable()))
        .collect();
    assert_eq!(
        types,
        [
            (&DataType::Int64, true),
            (&DataType::Float64, true),
            (&DataType::Boolean, true),
            (&DataType::Date32, true),
            (&DataType::Utf8, true),
            // All null, and still a number column.
            (&DataType::Float64, true),
        ]
    );
    let expected: Vec<Vec<Value>> = sample_rows()
        .iter()
        .map(|row| row.iter().map(Value::from).collect())
        .collect();
    assert_eq!(rows_of(&batches), expected);
}

#[test]
fn the_file_is_zstd_compressed_and_carries_the_table_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.parquet");
    let schema = every_type();
    write_table(&path, &schema, sample_rows());

    let builder = reader(&path);
    let metadata = builder.metadata();
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

    let builder = reader(&path);
    let groups: Vec<i64> = builder
        .metadata()
        .row_groups()
        .iter()
        .map(|group| group.num_rows())
        .collect();
    assert_eq!(groups, [65_536, 65_536, 65_536, 3_392]);
    let rows = rows_of(
        &builder
            .build()
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
    );
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
    assert_eq!(merged_reader.schema(), whole_reader.schema());
    assert_eq!(
        merged_reader
            .metadata()
            .file_metadata()
            .key_value_metadata(),
        whole_reader.metadata().file_metadata().key_value_metadata()
    );
    let groups = |builder: &ParquetRecordBatchReaderBuilder<File>| -> Vec<i64> {
        let row_groups = builder.metadata().row_groups();
        row_groups.iter().map(|group| group.num_rows()).collect()
    };
    assert_eq!(groups(&merged_reader), groups(&whole_reader));
    assert_eq!(
        rows_of(&read_batches(&merged)),
        rows_of(&read_batches(&whole))
    );
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
            "{}: columns differ from those of {}: expected [point: Int64, delay_days: Float64",
            odd.display(),
            first.display()
        )),
        "{message}"
    );
    assert!(
        message.contains("found [point: Float64, delay_days: Float64"),
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
