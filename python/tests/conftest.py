"""Shared helpers: the credsim CLI to compare against, and small runs."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Small runs: three chunks of households (chunk merging exercised), a few seconds in all.
PERSONS = 20_000
YEARS = 2
SEED = 7


def cli_binary() -> str:
    """The credsim CLI: $CREDSIM_BIN, else `credsim` on PATH. A comparison that cannot
    run fails; it is never skipped."""
    exe = os.environ.get("CREDSIM_BIN") or shutil.which("credsim")
    if not exe or not Path(exe).exists():
        pytest.fail(
            "the credsim CLI is needed to compare against: set CREDSIM_BIN to the binary "
            "(e.g. $CARGO_TARGET_DIR/debug/credsim) or put credsim on PATH"
        )
    return exe


@pytest.fixture(scope="session")
def cli() -> str:
    return cli_binary()


def run_cli(cli: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"credsim {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def canonical(table):
    """A table's rows in a form whose equality is exact: one chunk per column, dictionary
    columns decoded (Parquet re-encodes dictionaries in order of first appearance), floats
    compared by their bits (NaN equals NaN)."""
    import pyarrow as pa

    columns = []
    for col in table.columns:
        col = col.combine_chunks()
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_floating(col.type):
            col = col.view(pa.int64())
        columns.append(col)
    return pa.table(columns, names=table.column_names)


def assert_same_table(ours, parquet_file):
    """`ours` (a credsim.Table) has the Parquet file's schema, key-value metadata and rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    mine = pa.table(ours)
    theirs = pq.read_table(parquet_file)
    assert mine.schema.equals(theirs.schema), (mine.schema, theirs.schema)
    kv = {k.decode(): v.decode() for k, v in pq.read_metadata(parquet_file).metadata.items()
          if k != b"ARROW:schema"}
    assert ours.metadata == kv
    assert {k.decode(): v.decode() for k, v in mine.schema.metadata.items()} == kv
    assert canonical(mine).equals(canonical(theirs))
