"""The worker processes shared by build and audit (generator/workers.py): results in order,
and with ``ahead`` no more than that many items handed out and not yet taken (the audit's
bound on the villages' rows waiting in memory); a pool a dead worker has broken reports it on
every call. A killed worker in a build or an audit: tests/test_robust.py, tests/test_audit.py."""

from __future__ import annotations

import pytest

from generator.errors import ToolError
from generator.workers import WorkerPool, wait


def test_results_in_order_with_and_without_a_bound() -> None:
    pool = WorkerPool(2)
    try:
        items = list(range(-20, 0))
        assert list(pool.map(abs, items, "停止")) == [abs(i) for i in items]
        assert list(pool.map(abs, items, "停止", ahead=3)) == [abs(i) for i in items]
        assert list(pool.map(abs, [], "停止", ahead=3)) == []
    finally:
        pool.close()


def test_ahead_bounds_the_items_handed_out() -> None:
    pool = WorkerPool(2)
    submitted: list[int] = []
    real = pool.executor.submit

    def submit(fn, item):  # type: ignore[no-untyped-def]
        submitted.append(item)
        return real(fn, item)

    pool.executor.submit = submit  # type: ignore[method-assign]
    try:
        results = pool.map(abs, range(-10, 0), "停止", ahead=3)
        assert len(submitted) == 3  # handed out at once, before the first is taken
        taken = []
        for r in results:
            taken.append(r)
            assert len(submitted) - len(taken) <= 3
        assert taken == list(range(10, 0, -1))
        assert submitted == list(range(-10, 0))
    finally:
        pool.close()


def _die_at_zero(i: int) -> int:
    if i == 0:
        import os
        os._exit(137)  # as a worker killed by the system
    return i


def test_a_pool_a_dead_worker_broke_reports_it_on_every_call() -> None:
    """Once a worker has died, handing anything more to the pool (``map``, ``submit``; the
    build hands out villages while it takes results) ends in the same plain ToolError, never
    in an internal error."""
    pool = WorkerPool(2)
    try:
        with pytest.raises(ToolError, match=r"工作进程意外退出.*，停止$"):
            wait(pool.submit(_die_at_zero, 0), "停止")
        with pytest.raises(ToolError, match=r"工作进程意外退出.*，停止$"):
            list(pool.map(abs, range(10), "停止", ahead=2))
        with pytest.raises(ToolError, match=r"工作进程意外退出.*，停止$"):
            wait(pool.submit(abs, -1), "停止")
    finally:
        pool.close()
