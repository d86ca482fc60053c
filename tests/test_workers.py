"""The worker processes shared by build and audit (generator/workers.py): results in order,
and with ``ahead`` no more than that many items handed out and not yet taken (the audit's
bound on the villages' rows waiting in memory). A killed worker: tests/test_robust.py (build)
and tests/test_audit.py (audit)."""

from __future__ import annotations

from generator.workers import WorkerPool


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
