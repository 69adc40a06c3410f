"""credsim.sweep on executors writes the folder `credsim sweep` writes: the same sweep.json,
design.parquet and results, the same run ids; it resumes a folder the CLI started."""

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import credsim
from conftest import canonical, run_cli

# 3 × 2 grid points × 2 replicates = 12 runs of 3,000 persons over a year, with the audit.
SPEC = """\
description = "test sweep"

[base]
preset = "suining-2010"
persons = 3000
years = 1

[design]
kind = "grid"

[runs]
replicates = 2
seeds = "common"
audit = true

[[parameter]]
name = "traffic_rate"
path = "behaviours.traffic_violation.rate_per_year"
values = [0.2, 0.4, 0.8]

[[parameter]]
name = "petitioning_rate"
path = "behaviours.petitioning.rate_per_year"
values = [0.005, 0.01]
"""
RUNS = 12


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "grid.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def cli_sweep(cli, spec, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "sweep"
    run_cli(cli, "sweep", str(spec), "--out", str(out), "--quiet", "--jobs", "2", "--threads", "1")
    return out


def succeeded(folder: Path) -> list[int]:
    lines = [json.loads(line) for line in (folder / "status.jsonl").read_text().splitlines() if line.strip()]
    return sorted(line["run_id"] for line in lines if line["status"] == "succeeded")


def assert_same_sweep(ours: Path, theirs: Path) -> None:
    assert json.loads((ours / "sweep.json").read_text()) == json.loads((theirs / "sweep.json").read_text())
    assert (ours / "design.parquet").read_bytes() == (theirs / "design.parquet").read_bytes()
    assert succeeded(ours) == succeeded(theirs) == list(range(RUNS))
    a, b = pq.read_table(ours / "results.parquet"), pq.read_table(theirs / "results.parquet")
    assert a.schema.equals(b.schema)
    assert canonical(a).equals(canonical(b))
    assert set(a.column("run_id").to_pylist()) == set(range(RUNS))


def check(result: credsim.SweepResult, folder: Path, cli_sweep: Path, ran: int = RUNS) -> None:
    assert result.complete and result.failed == 0 and not result.lost, result
    assert (result.succeeded, result.ran, result.folder) == (RUNS, ran, folder)
    assert result.results == folder / "results.parquet"
    assert_same_sweep(folder, cli_sweep)


def test_default_process_pool(spec, cli_sweep, tmp_path):
    r = credsim.sweep(spec, folder=tmp_path / "s", batch_size=5)
    check(r, tmp_path / "s", cli_sweep)
    # Parts: one per task (12 runs in batches of 5).
    assert len(list((tmp_path / "s" / "parts").glob("*.parquet"))) == 3


def test_a_given_process_pool_resumes_the_clis_shard(cli, spec, cli_sweep, tmp_path):
    folder = tmp_path / "s"
    run_cli(cli, "sweep", str(spec), "--out", str(folder), "--quiet", "--shard", "1/2", "--jobs", "1")
    assert succeeded(folder) == list(range(0, RUNS, 2))
    with ProcessPoolExecutor(2) as pool:
        r = credsim.sweep(spec, pool, folder=folder)
    check(r, folder, cli_sweep, ran=RUNS // 2)
    # Nothing left: a third start runs nothing and leaves the results as they are.
    r = credsim.sweep(spec, folder=folder)
    assert r.ran == 0 and r.complete


def test_another_sweep_in_the_folder_is_refused(spec, cli_sweep, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(SPEC.replace("persons = 3000", "persons = 2000"))
    with pytest.raises(ValueError, match="holds another sweep"):
        credsim.sweep(other, folder=cli_sweep)


def test_dask_local_cluster(spec, cli_sweep, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        r = credsim.sweep(spec, client.get_executor(), folder=tmp_path / "s")
    check(r, tmp_path / "s", cli_sweep)


@pytest.mark.skipif(os.environ.get("CREDSIM_TEST_RAY") != "1", reason="Ray: opt-in with CREDSIM_TEST_RAY=1")
def test_ray(spec, cli_sweep, tmp_path):
    ray = pytest.importorskip("ray")
    import credsim.ray

    ray.init(num_cpus=2, include_dashboard=False)
    try:
        ex = credsim.ray.executor(max_pending=2)
        r = credsim.sweep(spec, ex, folder=tmp_path / "s", batch_size=3)
    finally:
        ray.shutdown()
    check(r, tmp_path / "s", cli_sweep)
