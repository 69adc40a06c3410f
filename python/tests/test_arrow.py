"""The tables go to Python through the Arrow PyCapsule interface without a copy: pyarrow and
polars read the buffers credsim holds; polars needs no pyarrow; the schemas are the Parquet
files'."""

import subprocess
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import credsim
from conftest import PERSONS, SEED, YEARS, assert_same_table


@pytest.fixture(scope="module")
def result():
    return credsim.run(preset="suining-2010", persons=PERSONS, years=YEARS, seed=SEED, threads=2)


def addresses(t: pa.Table) -> list[int]:
    return [b.address for col in t.columns for chunk in col.chunks for b in chunk.buffers() if b is not None]


def test_buffers_are_shared_not_copied(result):
    """Two imports of one table point at the same memory: credsim's buffers, not copies."""
    for table in (result.timeseries, result.persons):
        a, b = pa.table(table), pa.table(table)
        assert addresses(a) == addresses(b)
        assert len(addresses(a)) >= table.num_columns
        # The buffers outlive the capsule and the Python table object.
        del a
        assert pa.table(table).num_rows == table.num_rows == len(table)


def test_polars_reads_the_same_buffer(result):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(result.timeseries)
    at = pa.table(result.timeseries)
    column = at.column_names[1]
    # polars' own export of its column, read back by pyarrow: the same memory.
    back = pa.table(df.select(column))
    assert back.column(0).chunks[0].buffers()[1].address == at.column(column).chunks[0].buffers()[1].address
    assert df.shape == (result.timeseries.num_rows, result.timeseries.num_columns)


def test_polars_needs_no_pyarrow():
    """polars reads the tables through the capsule alone (pyarrow made unimportable)."""
    code = textwrap.dedent("""
        import sys
        sys.modules["pyarrow"] = None  # any import of pyarrow now fails
        import polars as pl, credsim
        r = credsim.run(preset="rongcheng", persons=3000, years=1, seed=2, threads=1)
        ts, ps = pl.DataFrame(r.timeseries), pl.DataFrame(r.persons)
        assert ts.height == r.timeseries.num_rows and ps.height == 3000, (ts.shape, ps.shape)
        assert ps["person"].to_list() == list(range(3000))
        assert ps["grade"].dtype in (pl.Categorical, pl.Enum), ps["grade"].dtype
        assert "pyarrow" not in [m for m, v in sys.modules.items() if v is not None]
        print("ok")
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr


def test_schemas_and_metadata_are_the_parquet_files(result, tmp_path):
    """The schema of each table is its Parquet file's, and its metadata the file's
    key-value metadata (credsim version, scenario, hash, seed, persons table)."""
    folder = result.write(tmp_path / "run")
    for table, file in [(result.timeseries, "timeseries.parquet"), (result.persons, "persons.parquet")]:
        assert_same_table(table, folder / file)
        assert table.metadata["scenario_hash"] == result.summary["scenario"]["hash"]
        # The C schema alone (__arrow_c_schema__)
        assert pa.schema(table).equals(pq.read_schema(folder / file))


def test_record_batch_reader_streams_the_batches(result):
    reader = pa.RecordBatchReader.from_stream(result.persons)
    batches = list(reader)
    assert len(batches) == result.persons.num_batches >= 3
    assert sum(b.num_rows for b in batches) == PERSONS


def test_pandas_reads_it(result):
    import pandas as pd

    df = pd.DataFrame.from_arrow(result.timeseries)
    assert list(df.columns) == result.timeseries.column_names
    assert len(df) == result.timeseries.num_rows
    assert (df["period"].to_numpy() == pa.table(result.timeseries).column("period").to_numpy()).all()
