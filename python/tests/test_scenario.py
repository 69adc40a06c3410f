"""credsim.Scenario: loads files, presets and text; refuses what the CLI refuses, with the
CLI's located message; changes fields by key path as --set does; pickles to the same hash."""

import copy
import pickle

import pytest

import credsim
from conftest import REPO, run_cli

# A scenario whose behaviour rate on line 29 is negative.
GOLDEN = REPO / "crates/cli/tests/golden/records-heavy.toml"
BAD = GOLDEN.read_text().replace("rate_per_year = 1.5\n", "rate_per_year = -1.5\n", 1)


def cli_error(cli, *args):
    p = run_cli(cli, *args, check=False)
    assert p.returncode == 2, p
    assert p.stderr.startswith("error: ")
    return p.stderr[len("error: "):].rstrip("\n")


def test_errors_are_the_clis(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD)
    expected = cli_error(cli, "validate", str(bad))
    with pytest.raises(credsim.ScenarioError) as e:
        credsim.Scenario(bad)
    assert str(e.value) == expected
    assert isinstance(e.value, ValueError)
    assert str(e.value).startswith(f"{bad}:29:") and "rate_per_year" in str(e.value)
    # From text, named as given.
    with pytest.raises(credsim.ScenarioError, match="^mine.toml:29:"):
        credsim.Scenario.from_toml(BAD, name="mine.toml")
    # A missing file, an unknown preset
    with pytest.raises(credsim.ScenarioError) as e:
        credsim.Scenario(tmp_path / "missing.toml")
    assert str(e.value) == cli_error(cli, "validate", str(tmp_path / "missing.toml"))
    with pytest.raises(credsim.ScenarioError) as e:
        credsim.run(preset="nope")
    assert str(e.value) == cli_error(cli, "run", "--preset", "nope", "--quiet")


def test_a_bad_set_is_the_clis_and_leaves_the_scenario_as_it_was(cli):
    s = credsim.Scenario.from_preset("suining-2010")
    before = s.hash
    for path, value, arg in [
        ("behaviours.petitioning.rate_per_year", -1.0, "behaviours.petitioning.rate_per_year=-1.0"),
        ("behaviours.nosuch.rate_per_year", 0.5, "behaviours.nosuch.rate_per_year=0.5"),
        ("population.persons", "many", 'population.persons="many"'),
    ]:
        expected = cli_error(cli, "run", "--preset", "suining-2010", "--set", arg, "--quiet",
                             "--persons", "1000", "--years", "1")
        with pytest.raises(credsim.ScenarioError) as e:
            s.set(path, value)
        assert str(e.value) == expected
        assert s.hash == before and s.sets == []
    with pytest.raises(ValueError, match="cannot set a scenario field"):
        s.set("population.persons", object())


def test_set_is_the_clis_set(cli, tmp_path):
    """Scenario.set resolves to what `credsim run --set` runs (its scenario.resolved.toml)."""
    out = tmp_path / "run"
    run_cli(cli, "run", "--preset", "suining-2010", "--set", "behaviours.petitioning.rate_per_year=0.02",
            "--set", "population.persons=3000", "--set", "simulation.years=1", "--no-audit",
            "--persons-table", "none", "--quiet", "--out", str(out))
    s = credsim.Scenario(preset="suining-2010")
    s.set("behaviours.petitioning.rate_per_year", 0.02)
    s.set("population.persons", 3000)
    s.set("simulation.years", 1)
    resolved = (out / "scenario.resolved.toml").read_text()
    assert s.show(resolved=True) == resolved.split("\n", 2)[2]
    assert s.sets == ["behaviours.petitioning.rate_per_year=0.02", "population.persons=3000", "simulation.years=1"]
    assert s.persons == 3000 and s.days == 365
    # with_sets copies
    t = s.with_sets({"simulation.seed": 99})
    assert t.seed == 99 and s.seed != 99 and t.hash != s.hash


def test_show_is_the_clis(cli):
    s = credsim.Scenario.from_preset("rongcheng")
    assert s.show() == run_cli(cli, "show", "--preset", "rongcheng").stdout
    assert s.show(resolved=True) == run_cli(cli, "show", "--preset", "rongcheng", "--resolved").stdout
    assert s.name == "rongcheng" and s.source == "preset rongcheng"
    assert "rongcheng" in repr(s)
    listed = run_cli(cli, "presets").stdout
    for name, summary in credsim.presets():
        assert name in listed and summary in listed


def test_pickles_to_the_same_scenario(tmp_path):
    s = credsim.Scenario.from_preset("suining-responses")
    s.set("behaviours.petitioning.rate_per_year", 0.015)
    for t in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), copy.copy(s), s.copy()):
        assert t.hash == s.hash
        assert t.sets == s.sets and t.text == s.text and t.source == s.source
        assert t.show(resolved=True) == s.show(resolved=True)
    # Its runs are the same run.
    a = credsim.run(s, persons=2000, years=1, threads=1, audit=False)
    b = credsim.run(pickle.loads(pickle.dumps(s)), persons=2000, years=1, threads=1, audit=False)
    assert a.summary == b.summary


def test_warnings_are_the_clis(cli):
    s = credsim.Scenario()
    assert s.name == "suining-2010"
    assert s.warnings, "suining-2010 has a scrutiny warning"
    assert "capture_multiplier" in s.warnings[0] and s.warnings[0].startswith("warning: preset suining-2010:")


def test_run_arguments_are_checked():
    with pytest.raises(ValueError, match="number of persons"):
        credsim.run(preset="rongcheng", persons=0)
    with pytest.raises(ValueError, match="threads"):
        credsim.run(preset="rongcheng", threads=0, persons=100)
    with pytest.raises(ValueError, match="persons-table"):
        credsim.run(preset="rongcheng", persons=100, persons_table="some")
    with pytest.raises(ValueError, match="not both"):
        credsim.run(credsim.Scenario(), preset="rongcheng")
