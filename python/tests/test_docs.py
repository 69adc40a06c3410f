"""docs/python.md runs: its Python blocks are executed in order, in one namespace, in a fresh
folder. The block that calls `credsim sensitivity` needs a CLI that has it (branch a14-gsa):
without it the test is an expected failure that says so, never a silent pass."""

import os
import re
import subprocess

import pytest

from conftest import REPO, cli_binary

DOC = REPO / "docs" / "python.md"


def blocks(doc=DOC) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", doc.read_text(), flags=re.S | re.M)


def test_the_readme_python_lines_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = blocks(REPO / "README.md")
    assert code, "the README's Python block was not found"
    for i, block in enumerate(code):
        exec(compile(block, f"README.md:python{i + 1}", "exec"), {"__name__": "__readme__"})


def has_sensitivity(cli: str) -> bool:
    p = subprocess.run([cli, "sensitivity", "--help"], capture_output=True, text=True)
    return p.returncode == 0


def test_the_walk_through_runs(tmp_path, monkeypatch, capsys):
    cli = cli_binary()
    monkeypatch.setenv("CREDSIM_BIN", cli)
    monkeypatch.chdir(tmp_path)
    code = blocks()
    assert len(code) >= 8, "the doc's Python blocks were not found"
    namespace: dict = {"__name__": "__docs__"}
    pending = []
    for i, block in enumerate(code):
        if '"sensitivity"' in block and not has_sensitivity(cli):
            pending.append(i)
            continue
        exec(compile(block, f"{DOC}:block{i + 1}", "exec"), namespace)
    assert (tmp_path / "grades.png").stat().st_size > 10_000
    assert (tmp_path / "runs" / "suining" / "summary.json").exists()
    assert (tmp_path / "runs" / "sobol" / "results.parquet").exists()
    if pending:
        pytest.xfail(f"docs/python.md block(s) {[i + 1 for i in pending]}: `credsim sensitivity` is not "
                     f"in this credsim ({cli}); it comes with branch a14-gsa")
