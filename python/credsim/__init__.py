"""credsim for Python: simulate and audit social-scoring regimes on synthetic populations.

``credsim.run`` runs a scenario in memory (the GIL released, Ctrl-C stops it) and returns a
``Result``: ``summary`` and ``audit`` as dicts (the content of summary.json and audit.json),
``timeseries`` and ``persons`` as Arrow tables handed over without a copy
(``pl.DataFrame(r.timeseries)``, ``pa.table(r.timeseries)``), and ``write(folder)`` for the
folder ``credsim run`` writes. ``credsim.Scenario`` loads, validates, shows, changes (by key
path, as ``--set``) and pickles scenarios. ``credsim.sweep`` runs a ``credsim sweep`` spec on
any ``concurrent.futures.Executor`` (``credsim.ray.executor()`` for Ray). See docs/python.md.
"""

from credsim._credsim import (
    Result,
    Scenario,
    ScenarioError,
    Table,
    __version__,
    presets,
    run,
)
from credsim._sweep import SweepResult, sweep

__all__ = [
    "Result",
    "Scenario",
    "ScenarioError",
    "Table",
    "__version__",
    "presets",
    "run",
    "sweep",
    "SweepResult",
]
