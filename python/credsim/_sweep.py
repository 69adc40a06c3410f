"""Sweeps on any ``concurrent.futures.Executor``: the same spec, folder, run ids and files
as ``credsim sweep`` (docs/sweep.md), with the runs batched into tasks.

The driver plans the sweep and creates (or, to resume, checks) its folder; each task runs a
batch of run ids in a worker, which rebuilds the plan from texts alone and writes its own
part file and status lines into the folder, as a ``credsim sweep`` worker does, returning
only counts. The folder must therefore be reachable by the workers (a local pool, or a
shared file system on a cluster). When every run has succeeded or failed, results.parquet
is written; a restart runs only what has not succeeded.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from credsim import _credsim

__all__ = ["SweepResult", "sweep"]

# Runs per task at most: task overhead (pickling, scheduling; hundreds of ms on Ray or
# Dask) stays small against runs of a few seconds, and a lost task loses little.
MAX_BATCH = 50
# Tasks per worker at least, so that the last ones do not leave the others idle.
TASKS_PER_WORKER = 4


@dataclass
class SweepResult:
    """How a sweep went."""

    folder: Path
    """The sweep folder."""
    runs: int
    """Runs of the design."""
    succeeded: int
    """Runs succeeded (over every start of the sweep)."""
    failed: int
    """Runs failed (their errors are in status.jsonl)."""
    ran: int
    """Runs this call ran."""
    results: Path | None
    """results.parquet, once every run has succeeded or failed."""
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(run id, error) of the first failed runs of this call."""
    lost: list[str] = field(default_factory=list)
    """Tasks that raised instead of returning (a worker killed, say): their runs have no
    status line and run again on a restart."""

    @property
    def complete(self) -> bool:
        return self.succeeded + self.failed == self.runs


def _run_batch(recipe: _credsim._Recipe, ids: list[int]) -> tuple[int, int, list[tuple[int, str]]]:
    """One task: runs a batch of a sweep's runs (in a worker)."""
    return _credsim._sweep_batch(recipe, ids)


def _workers(executor: Executor) -> int:
    n = getattr(executor, "_max_workers", None)
    return int(n) if n else os.cpu_count() or 1


def sweep(
    spec: str | os.PathLike[str],
    executor: Executor | None = None,
    *,
    folder: str | os.PathLike[str] | None = None,
    force: bool = False,
    persons: int | None = None,
    years: int | None = None,
    threads: int | None = None,
    time_limit: float | None = None,
    batch_size: int | None = None,
) -> SweepResult:
    """Runs the sweep spec ``spec`` (the format of ``credsim sweep``) on ``executor``.

    ``executor``: any ``concurrent.futures.Executor`` (a ``distributed.Client``'s
    ``get_executor()``, ``credsim.ray.executor()``, an MPI or Slurm executor); by default a
    process pool of one spawned process per core. ``folder``: the sweep folder (default
    ``credsim-out/sweep-<spec name>``, as the CLI); an existing one of the same sweep is
    resumed, another refused unless ``force``. ``persons``, ``years``, ``threads`` and
    ``time_limit`` are ``credsim sweep``'s options of those names; runs use the spec's
    ``[runs] threads`` or 1 thread each. ``batch_size``: runs per task (default: up to 50,
    at least 4 tasks per worker).
    """
    plan = _credsim._sweep_open(
        os.fspath(spec),
        None if folder is None else os.fspath(folder),
        force,
        persons,
        years,
        threads,
        time_limit,
    )
    todo = plan.todo
    own = executor is None
    pool: Executor
    if executor is None:
        cores = os.cpu_count() or 1
        workers = max(1, min(len(todo), cores // plan.threads)) if todo else 1
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    else:
        pool = executor
    size = batch_size or max(1, min(MAX_BATCH, math.ceil(len(todo) / (TASKS_PER_WORKER * _workers(pool)))))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    recipe = plan.recipe
    ran = 0
    errors: list[tuple[int, str]] = []
    lost: list[str] = []
    futures: dict[Future, list[int]] = {}
    try:
        for b in batches:
            futures[pool.submit(_run_batch, recipe, b)] = b
        for f in as_completed(futures):
            try:
                ok, bad, errs = f.result()
            except Exception as e:  # a task lost: its runs stay to do
                ids = futures[f]
                lost.append(f"runs {ids[0]}…{ids[-1]} ({len(ids)}): {type(e).__name__}: {e}")
                continue
            ran += ok + bad
            errors.extend(errs[: max(0, 5 - len(errors))])
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    if lost and len(lost) == len(batches):
        raise RuntimeError(
            f"every task of the sweep failed in the executor ({len(lost)} tasks), e.g. {lost[0]}; "
            "nothing ran (with the default spawn pool, run the sweep from a script file or a notebook, "
            "not from standard input)"
        )
    if lost:
        warnings.warn(
            f"{len(lost)} of {len(batches)} tasks failed in the executor (their runs have no status "
            f"line; running the sweep again runs them), e.g. {lost[0]}",
            RuntimeWarning,
            stacklevel=2,
        )
    runs, succeeded, failed, _torn = plan.collect()
    folder_path = Path(plan.folder)
    complete = succeeded + failed == runs
    return SweepResult(
        folder=folder_path,
        runs=runs,
        succeeded=succeeded,
        failed=failed,
        ran=ran,
        results=folder_path / "results.parquet" if complete else None,
        errors=errors,
        lost=lost,
    )
