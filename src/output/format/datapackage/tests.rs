use super::*;

fn outcomes() -> Schema {
    Schema::new(vec![
        Column::integer("replication", "Replication index, from 0"),
        Column::number("delay_days", "Mean release delay, in days"),
        Column::date("date", ""),
    ])
    .unwrap()
}

#[test]
fn a_package_lists_each_file_with_its_typed_fields() {
    let schema = outcomes();
    let text = datapackage_json(&[
        ("lab_outcomes.csv", &schema),
        ("lab_outcomes.parquet", &schema),
    ])
    .unwrap();
    assert_eq!(
        text,
        r#"{
  "profile": "tabular-data-package",
  "resources": [
    {
      "profile": "tabular-data-resource",
      "name": "lab_outcomes.csv",
      "path": "lab_outcomes.csv",
      "format": "csv",
      "mediatype": "text/csv",
      "encoding": "utf-8",
      "dialect": {
        "delimiter": ",",
        "lineTerminator": "\n",
        "quoteChar": "\"",
        "doubleQuote": true,
        "header": true
      },
      "schema": {
        "fields": [
          {
            "name": "replication",
            "type": "integer",
            "description": "Replication index, from 0"
          },
          {
            "name": "delay_days",
            "type": "number",
            "description": "Mean release delay, in days"
          },
          {
            "name": "date",
            "type": "date"
          }
        ],
        "missingValues": [
          ""
        ]
      }
    },
    {
      "profile": "tabular-data-resource",
      "name": "lab_outcomes.parquet",
      "path": "lab_outcomes.parquet",
      "format": "parquet",
      "mediatype": "application/vnd.apache.parquet",
      "schema": {
        "fields": [
          {
            "name": "replication",
            "type": "integer",
            "description": "Replication index, from 0"
          },
          {
            "name": "delay_days",
            "type": "number",
            "description": "Mean release delay, in days"
          },
          {
            "name": "date",
            "type": "date"
          }
        ]
      }
    }
  ]
}
"#
    );
}

#[test]
fn the_same_resources_give_the_same_bytes() {
    let schema = outcomes();
    let resources = [("b.csv", &schema), ("a.parquet", &schema)];
    let mut written = Vec::new();
    write_datapackage(&mut written, &resources).unwrap();
    assert_eq!(written, datapackage_json(&resources).unwrap().into_bytes());
}

#[test]
fn a_file_of_unknown_format_is_refused_by_name() {
    let error = datapackage_json(&[("notes.txt", &outcomes())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "notes.txt: cannot describe: the name must end in .csv or .parquet"
    );
}

#[test]
fn two_files_with_one_resource_name_are_refused() {
    let schema = outcomes();
    let error = datapackage_json(&[("Lab Outcomes.csv", &schema), ("lab_outcomes.CSV", &schema)])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "lab_outcomes.CSV: resource name `lab_outcomes.csv` is already taken by Lab Outcomes.csv"
    );
}
