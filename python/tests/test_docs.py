"""docs/python.md runs: its Python blocks are executed in order, in one namespace, in a fresh
folder (the block that calls `credsim sensitivity` cross-checks SALib against the CLI)."""

import re

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


def test_the_walk_through_runs(tmp_path, monkeypatch, capsys):
    cli = cli_binary()
    monkeypatch.setenv("CREDSIM_BIN", cli)
    monkeypatch.chdir(tmp_path)
    code = blocks()
    assert len(code) >= 8, "the doc's Python blocks were not found"
    namespace: dict = {"__name__": "__docs__"}
    assert any('"sensitivity"' in b for b in code), "the sensitivity cross-check block is gone"
    for i, block in enumerate(code):
        exec(compile(block, f"{DOC}:block{i + 1}", "exec"), namespace)
    assert (tmp_path / "grades.png").stat().st_size > 10_000
    assert (tmp_path / "runs" / "suining" / "summary.json").exists()
    assert (tmp_path / "runs" / "sobol" / "results.parquet").exists()
