"""The worker processes shared by build and audit (generator/workers.py): results in order,
and with ``ahead`` no more than that many items handed out and not yet taken (the audit's
bound on the villages' rows waiting in memory); a pool a dead worker has broken reports it on
every call; ``as_done`` hands results back as they are done, and a build puts them back in
order. A killed worker in a build or an audit: tests/test_robust.py, tests/test_audit.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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


def _wait_for_gate(item: tuple[int, str]) -> int:
    """Item 0 waits until the file ``gate`` exists (at most a minute); the others return at once."""
    i, gate = item
    deadline = time.monotonic() + 60
    while i == 0 and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
    return i


def test_as_done_hands_back_results_as_they_are_done(tmp_path: Path) -> None:
    """The first item waits until the caller has taken every other result: in the order of
    the items that would wait a minute, taken as done it is last. ``ahead`` still bounds what
    is handed out and not yet taken."""
    pool = WorkerPool(2)
    submitted: list[int] = []
    real = pool.executor.submit

    def submit(fn, item):  # type: ignore[no-untyped-def]
        submitted.append(item[0])
        return real(fn, item)

    pool.executor.submit = submit  # type: ignore[method-assign]
    gate = tmp_path / "gate"
    try:
        started = time.monotonic()
        taken: list[int] = []
        for r in pool.as_done(_wait_for_gate, [(i, str(gate)) for i in range(12)], "停止", ahead=4):
            taken.append(r)
            assert len(submitted) - len(taken) <= 4
            if len(taken) == 11:
                gate.touch()
        assert taken[-1] == 0 and sorted(taken) == list(range(12))
        assert time.monotonic() - started < 50  # not the gate's minute: nobody waited for item 0
    finally:
        pool.close()


def test_a_build_puts_villages_back_in_order(tmp_path: Path, monkeypatch) -> None:
    """The villages' outcomes reach the build in whatever order the workers finish them; the
    search bundles, county files and change log are made from them in the data's order, so a
    build that receives them backwards writes the same bytes."""
    from conftest import tree_bytes

    from generator import pipeline
    from generator.cli import main

    data = tmp_path / "data"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "tools" / "synth.py"), "--out", str(data),
                    "--counties", "1", "--townships", "2", "--villages", "3", "--records", "40",
                    "--as-of", "2026-11-28"], check=True, capture_output=True)
    args = ["build", "--data", str(data), "--as-of", "2026-11-28", "--jobs", "1", "--quiet",
            "--no-cache"]
    assert main([*args, "--out", str(tmp_path / "in-order")]) == 0
    real = pipeline._map
    seen: list[str] = []

    def backwards(tasks, jobs, workers=None):  # type: ignore[no-untyped-def]
        outs = list(real(tasks, jobs, workers))
        seen.extend(o.source.slug for o in reversed(outs))
        return iter(outs[::-1])

    monkeypatch.setattr(pipeline, "_map", backwards)
    assert main([*args, "--out", str(tmp_path / "backwards")]) == 0
    assert len(seen) == 6 and seen != sorted(seen)
    assert tree_bytes(tmp_path / "backwards") == tree_bytes(tmp_path / "in-order")


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
