"""The worker processes that read villages in parallel: one pool, used by ``build``
(pipeline: each village read, checked and rendered) and by ``audit`` (each village read and
checked). A worker that dies (killed, out of memory) ends the run with a ToolError instead
of leaving it waiting for a result that never comes.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from generator import compat
from generator.errors import ToolError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# A village allocates ~100,000 small objects (rows, cells, page parts) and frees them all at
# the end; the default young-generation threshold (700) ran the cycle collector hundreds of
# times per village for nothing (~3 % of a worker's time). Still collected, just less often.
GC_THRESHOLD = (20_000, 50, 50)

DIED = "一个工作进程意外退出（可能是内存不足被系统结束，或被其他程序关闭）"


def worker_init() -> None:
    gc.set_threshold(*GC_THRESHOLD)


def _ready() -> int:
    return os.getpid()


class WorkerPool:
    """The worker processes. Made before the caller starts any thread: on Linux they are
    forked (``compat.worker_context``), and a fork while another thread holds a lock can
    deadlock the child."""

    def __init__(self, jobs: int):
        if compat.WINDOWS:
            jobs = min(jobs, 61)  # the most processes Windows can wait for at once
        ctx = compat.worker_context()
        log.debug("%d worker processes, started by %s", jobs, ctx.get_start_method())
        self.executor = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=worker_init)
        try:  # start the workers now (a fork context starts them all at the first task)
            self.executor.submit(_ready).result()
        except BrokenProcessPool as e:
            self.close()
            raise ToolError(f"无法启动工作进程：{e}") from e

    def map(self, fn: Callable[[T], R], items: Iterable[T], stopped: str,
            ahead: int | None = None) -> Iterator[R]:
        """``fn`` over ``items`` in the workers, handed to them now (they start at once);
        the results in the order of ``items``. ``ahead``: at most that many items handed
        out and not yet taken (a bound on the results waiting in memory when the caller is
        slower than the workers); None: all at once. When a worker dies: ToolError, "a
        worker died, " + ``stopped`` (what that means for the user, in Chinese). Closing
        the iterator early cancels what has not started."""
        rest = iter(items)
        first = rest if ahead is None else itertools.islice(rest, max(1, ahead))
        futures = deque(self.submit(fn, t) for t in first)
        return self._results(futures, fn, rest, stopped)

    def _results(self, futures: deque[Future[R]], fn: Callable[[T], R], rest: Iterator[T],
                 stopped: str) -> Iterator[R]:
        try:
            while futures:
                future = futures.popleft()
                for t in itertools.islice(rest, 1):  # keep ``ahead`` in the workers' hands
                    futures.append(self.submit(fn, t))
                yield wait(future, stopped)
        finally:
            for f in futures:
                f.cancel()

    def submit(self, fn: Callable[..., R], *args: object) -> Future[R]:
        """``fn(*args)`` in a worker, after the tasks handed out before it; take its result
        with ``wait``, which reports a broken pool whether the worker died before this call
        (the executor refuses it: a failed future) or after."""
        try:
            return self.executor.submit(fn, *args)
        except BrokenProcessPool as e:
            future: Future[R] = Future()
            future.set_exception(e)
            return future

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def wait(future: Future[R], stopped: str) -> R:
    """The result of a task handed to ``WorkerPool.submit`` (or any future): when a worker
    died, ToolError as in ``WorkerPool.map``."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise ToolError(f"{DIED}，{stopped}") from None


def done(fn: Callable[..., R], *args: object) -> Future[R]:
    """``fn(*args)`` run now, as a finished future: what ``WorkerPool.submit`` is without
    workers (``--jobs 1``)."""
    future: Future[R] = Future()
    try:
        future.set_result(fn(*args))
    except Exception as e:  # re-raised by ``wait``, where a worker's would be
        future.set_exception(e)
    return future
