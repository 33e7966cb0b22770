"""Read a reviewsim table with the column types its datapackage.json declares.

    from read_table import read_polars, read_pandas
    labs = read_polars("out/baseline", "lab_outcomes")

Install it into the environment of a notebook or script with
``pip install ./docs/read`` (from the repository's root), then import it
from anywhere.

CSV read with a reader's defaults types every column that holds a value, but a
column empty throughout one run (``directive_day`` when no directive came) has
nothing to infer a type from; these read it with its declared type, so the
tables of different runs concatenate. Parquet files carry their types already.
"""

import json
from pathlib import Path


def resource(out_dir, table):
    """The datapackage.json entry of ``table`` (``lab_outcomes``, ``summary``...)."""
    package = json.loads((Path(out_dir) / "datapackage.json").read_text())
    for entry in package["resources"]:
        if entry["path"].rsplit(".", 1)[0] == table:
            return entry
    raise KeyError(f"{out_dir} has no table {table}")


def read_polars(out_dir, table):
    """The table as a polars DataFrame."""
    import polars as pl

    types = {"integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean,
             "date": pl.Date, "string": pl.String}
    entry = resource(out_dir, table)
    path = Path(out_dir) / entry["path"]
    if entry["format"] == "parquet":
        return pl.read_parquet(path)
    schema = {f["name"]: types[f["type"]] for f in entry["schema"]["fields"]}
    return pl.read_csv(path, schema=schema)


def read_pandas(out_dir, table):
    """The table as a pandas DataFrame; integers stay integers where some are missing,
    and dates are datetime64 whether the table is CSV or Parquet."""
    import pandas as pd

    types = {"integer": "Int64", "number": "Float64", "boolean": "boolean",
             "string": "string"}
    entry = resource(out_dir, table)
    path = Path(out_dir) / entry["path"]
    fields = entry["schema"]["fields"]
    dates = [f["name"] for f in fields if f["type"] == "date"]
    if entry["format"] == "parquet":
        frame = pd.read_parquet(path, dtype_backend="numpy_nullable")
    else:
        dtype = {f["name"]: types[f["type"]] for f in fields if f["type"] != "date"}
        frame = pd.read_csv(path, dtype=dtype, parse_dates=dates, keep_default_na=False,
                            na_values=[""])
    # One unit for dates, whichever format and pandas version read them.
    for name in dates:
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    return frame
