"""Ray as a ``concurrent.futures.Executor`` (Ray has none: ray-project/ray#29456), for
``credsim.sweep(spec, credsim.ray.executor())``: each ``submit`` is one Ray task, and at most
``max_pending`` tasks are in flight (``submit`` waits with ``ray.wait`` beyond that), so a
large sweep neither floods the scheduler nor holds every result at once."""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any, Callable

__all__ = ["RayExecutor", "executor"]


def _ray() -> Any:
    import ray  # type: ignore[import-not-found,unused-ignore]  # optional: only this adapter needs Ray

    return ray


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    return fn(*args, **kwargs)


class RayExecutor(Executor):
    """Submits callables as Ray tasks of ``num_cpus`` CPUs each, at most ``max_pending`` at once."""

    def __init__(self, max_pending: int | None = None, num_cpus: float = 1, **options: Any) -> None:
        ray = _ray()
        if not ray.is_initialized():
            ray.init()
        self._remote = ray.remote(num_cpus=num_cpus, **options)(_call)
        cpus = ray.cluster_resources().get("CPU", 1)
        self._max_workers = max(1, int(cpus // num_cpus))
        self.max_pending = max_pending or 2 * self._max_workers
        self._pending: list[Any] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        if self._pending:
            _, self._pending = _ray().wait(self._pending, num_returns=len(self._pending), timeout=0)
        while len(self._pending) >= self.max_pending:
            _, self._pending = _ray().wait(self._pending, num_returns=1)
        ref = self._remote.remote(fn, args, kwargs)
        self._pending.append(ref)
        return ref.future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for ref in self._pending:
                _ray().cancel(ref)
        if wait and self._pending:
            _ray().wait(self._pending, num_returns=len(self._pending))
        self._pending = []


def executor(max_pending: int | None = None, num_cpus: float = 1, **options: Any) -> RayExecutor:
    """A Ray executor (``ray.init()`` first if Ray is not initialised): tasks of
    ``num_cpus`` CPUs (runs use the sweep's threads, 1 by default, whatever Ray sets in
    OMP_NUM_THREADS), at most ``max_pending`` in flight (default twice the cluster's CPUs
    over ``num_cpus``); ``options`` go to ``ray.remote``."""
    return RayExecutor(max_pending=max_pending, num_cpus=num_cpus, **options)
