"""The tables as pandas, polars and R users meet them.

Run by .ci/run after the Rust tests, with the packages of requirements.txt:

    python tests/python/test_tables.py target/release/reviewsim

It runs two scenarios (and one sweep in shards) into a scratch directory,
in CSV and in Parquet, and checks that

1. every table of either scenario loads with polars' defaults, every column
   that holds a value having its declared type, and that read with the
   declared types (docs/read/read_table.py) the two scenarios' tables
   concatenate, an all-empty column keeping its type;
2. Parquet tables read in polars and pandas with the declared types and hold
   the same rows as the CSV tables; the merge of Parquet shards holds the
   rows of the unsharded run.
"""

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import polars as pl

# Installed as a reader installs it (pip install ./docs/read), not from a
# path: importable from anywhere.
from read_table import read_pandas, read_polars, resource

ROOT = Path(__file__).resolve().parents[2]

POLARS = {"integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean,
          "date": pl.Date, "string": pl.String}
TABLES = ["lab_outcomes", "system_outcomes", "events", "timeseries",
          "queue_timeseries", "pressure_timeseries", "summary"]
SCENARIOS = ["baseline", "holdout_escalation"]


def run(binary, out, *args):
    subprocess.run([binary, "run", *args, "--out", str(out), "--quiet"],
                   check=True, cwd=ROOT)


def declared(out_dir, table):
    return {f["name"]: f["type"] for f in resource(out_dir, table)["schema"]["fields"]}


def check_csv_defaults(dirs):
    """Every table loads with polars' defaults; a column with a value has its type."""
    checked = 0
    for out in dirs:
        for table in TABLES:
            frame = pl.read_csv(out / f"{table}.csv")
            for name, kind in declared(out, table).items():
                column = frame[name]
                if column.null_count() == len(column) or kind == "date":
                    continue  # nothing to infer from; dates stay text by default
                assert column.dtype == POLARS[kind], (out, table, name, column.dtype, kind)
                checked += 1
    assert checked > 200, checked
    print(f"ok: {checked} columns of CSV tables read with polars' defaults have their types")


def check_concatenation(dirs, empty):
    """Read with the declared types, the scenarios' tables concatenate."""
    for table in TABLES:
        frames = [read_polars(out, table) for out in dirs]
        for out, frame in zip(dirs, frames):
            types = {name: POLARS[kind] for name, kind in declared(out, table).items()}
            assert dict(frame.schema) == types, (out, table)
        both = pl.concat(frames)
        assert len(both) == sum(len(f) for f in frames)
        pandas_both = pd.concat([read_pandas(out, table) for out in dirs])
        assert len(pandas_both) == len(both)
    table, column = empty
    first = read_polars(dirs[0], table)[column]
    assert first.null_count() == len(first), f"{column} is not empty in {dirs[0]}"
    assert first.dtype == POLARS[declared(dirs[0], table)[column]]
    pandas_type = {"integer": "Int64", "number": "Float64"}[declared(dirs[0], table)[column]]
    assert read_pandas(dirs[0], table)[column].dtype == pandas_type
    print(f"ok: {len(TABLES)} tables of two scenarios concatenate in polars and pandas; "
          f"the all-empty {column} reads as {first.dtype}")


def same_rows(a, b, where):
    assert a.columns == b.columns, where
    assert len(a) == len(b), where
    for name in a.columns:
        x, y = a[name].to_list(), b[name].to_list()
        for i, (u, v) in enumerate(zip(x, y)):
            if isinstance(u, float) and isinstance(v, float):
                assert u == v or (math.isnan(u) and math.isnan(v)), (where, name, i, u, v)
            else:
                assert u == v, (where, name, i, u, v)


def check_parquet(csv_dirs, parquet_dirs):
    """Parquet reads with its declared types and holds the CSV tables' rows."""
    for csv_out, parquet_out in zip(csv_dirs, parquet_dirs):
        for table in TABLES:
            types = declared(parquet_out, table)
            frame = pl.read_parquet(parquet_out / f"{table}.parquet")
            assert dict(frame.schema) == {n: POLARS[k] for n, k in types.items()}, table
            same_rows(frame, read_polars(csv_out, table), f"{parquet_out}/{table}")
            pandas_frame = pd.read_parquet(parquet_out / f"{table}.parquet",
                                           dtype_backend="numpy_nullable")
            for name, kind in types.items():
                dtype = str(pandas_frame[name].dtype)
                expected = {"integer": "Int64", "number": "Float64", "boolean": "boolean",
                            "string": "string", "date": "object"}[kind]
                assert dtype == expected, (table, name, dtype, kind)
            # read_pandas gives the same types from either format, dates as
            # datetime64.
            from_csv, from_parquet = read_pandas(csv_out, table), read_pandas(parquet_out, table)
            assert dict(from_csv.dtypes) == dict(from_parquet.dtypes), table
            for name, kind in types.items():
                if kind == "date":
                    assert str(from_parquet[name].dtype).startswith("datetime64"), (table, name)
    print("ok: Parquet tables read with their declared types in polars and pandas, "
          "with the CSV tables' rows; read_pandas types CSV and Parquet alike")


def check_parquet_merge(binary, scratch):
    """Parquet shards merged hold the unsharded run's rows."""
    sweep = scratch / "sweep.toml"
    baseline = (ROOT / "scenarios" / "baseline.toml").resolve()
    sweep.write_text(f'extends = "{baseline}"\n'
                     '\n[sweep]\nbaseline = 0\n[[sweep.parameters]]\n'
                     'path = "review.window_days"\nvalues = [15, 30]\n')
    args = [str(sweep), "--replications", "5", "--events", "--timeseries", "30",
            "--format", "parquet"]
    run(binary, scratch / "whole", *args)
    for k in range(3):
        run(binary, scratch / f"shard{k}", *args, "--shard", f"{k}/3")
    subprocess.run([binary, "merge", *(str(scratch / f"shard{k}") for k in range(3)),
                    "--out", str(scratch / "merged"), "--quiet"], check=True)
    for table in TABLES + ["points", "compare"]:
        whole = pl.read_parquet(scratch / "whole" / f"{table}.parquet")
        merged = pl.read_parquet(scratch / "merged" / f"{table}.parquet")
        assert len(whole) > 0, table
        same_rows(whole, merged, f"merged {table}")
    swept = pl.read_parquet(scratch / "merged" / "events.parquet")["review.window_days"]
    assert swept.dtype == pl.Float64 and sorted(swept.unique().to_list()) == [15.0, 30.0]
    print("ok: merged Parquet shards hold the unsharded run's rows, swept columns typed")


def main():
    binary = str(Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        csv_dirs, parquet_dirs = [], []
        for scenario in SCENARIOS:
            args = [f"scenarios/{scenario}.toml", "--replications", "4", "--events",
                    "--timeseries", "30"]
            csv_dirs.append(scratch / f"{scenario}-csv")
            run(binary, csv_dirs[-1], *args)
            parquet_dirs.append(scratch / f"{scenario}-parquet")
            run(binary, parquet_dirs[-1], *args, "--format", "parquet")
        check_csv_defaults(csv_dirs)
        check_concatenation(csv_dirs, ("lab_outcomes", "directive_day"))
        check_concatenation(parquet_dirs, ("lab_outcomes", "directive_day"))
        check_parquet(csv_dirs, parquet_dirs)
        check_parquet_merge(binary, scratch)


if __name__ == "__main__":
    main()
