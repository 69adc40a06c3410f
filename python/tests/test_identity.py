"""credsim.run gives what `credsim run` writes: the same summary and audit, the same time
series and persons table, and Result.write the same folder (all but run.json byte for
byte), at one thread and two."""

import json
from pathlib import Path

import pytest

import credsim
from conftest import PERSONS, SEED, YEARS, assert_same_table, run_cli

# run.json says how a run went (wall time, memory, when): it differs between identical runs.
VARYING = {"run.json"}


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("preset", ["suining-2010", "suining-responses", "debtor-blacklist"])
def test_run_equals_the_cli(cli, tmp_path, preset, threads):
    out = tmp_path / "cli"
    run_cli(cli, "run", "--preset", preset, "--persons", str(PERSONS), "--years", str(YEARS),
            "--seed", str(SEED), "--threads", str(threads), "--quiet", "--out", str(out))
    r = credsim.run(preset=preset, persons=PERSONS, years=YEARS, seed=SEED, threads=threads)

    assert r.summary == json.loads((out / "summary.json").read_text())
    assert r.audit == json.loads((out / "audit.json").read_text())
    assert_same_table(r.timeseries, out / "timeseries.parquet")
    assert r.persons is not None
    assert_same_table(r.persons, out / "persons.parquet")

    written = r.write(tmp_path / "py")
    assert written == tmp_path / "py"
    ours, theirs = files(written), files(out)
    assert ours.keys() == theirs.keys()
    for name in ours.keys() - VARYING:
        assert ours[name] == theirs[name], f"{name} differs"
    info = json.loads(ours["run.json"])
    assert info == r.info
    assert info["threads"] == threads
    assert info.keys() == json.loads(theirs["run.json"]).keys()


def test_a_file_with_sets_and_overrides_equals_the_cli(cli, tmp_path):
    """A scenario file changed by key path: `Scenario.set`, `run(set=...)` and the CLI's
    --set write the same scenario.toml (naming the sets) and the same results."""
    scenario = tmp_path / "my.toml"
    scenario.write_text(run_cli(cli, "show", "--preset", "debtor-blacklist").stdout)
    out = tmp_path / "cli"
    run_cli(cli, "run", str(scenario), "--set", "behaviours.court_judgment_nonperformance.rate_per_year=0.004",
            "--set", "population.households.sizes={ 1 = 0.5, 2 = 0.5 }", "--persons", str(PERSONS), "--years", "1",
            "--seed", "3", "--threads", "2", "--no-audit", "--quiet", "--out", str(out))
    s = credsim.Scenario(scenario)
    s.set("behaviours.court_judgment_nonperformance.rate_per_year", 0.004)
    r = credsim.run(s, set={"population.households.sizes": {"1": 0.5, "2": 0.5}}, persons=PERSONS, years=1,
                    seed=3, threads=2, audit=False)
    assert r.audit is None
    written = files(r.write(tmp_path / "py"))
    theirs = files(out)
    assert "audit.json" not in written
    assert written.keys() == theirs.keys()
    for name in written.keys() - VARYING:
        assert written[name] == theirs[name], f"{name} differs"


def test_write_refuses_an_existing_folder_unless_forced(tmp_path):
    r = credsim.run(preset="consumer-credit", persons=2000, years=1, threads=1, persons_table="none")
    assert r.persons is None and r.summary["persons_table"] == "none"
    r.write(tmp_path / "a")
    with pytest.raises(ValueError, match="already exists"):
        r.write(tmp_path / "a")
    r.write(tmp_path / "a", force=True)
    assert not (tmp_path / "a" / "persons.parquet").exists()
    assert (tmp_path / "a" / "summary.json").exists()
