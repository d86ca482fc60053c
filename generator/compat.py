"""Operating-system differences in one place, each fallback selectable on any machine.

Clerks build on Windows, some IT staff on macOS, CI on Linux. Every call that differs
between them goes through this module, and each portable fallback can be forced on Linux
so the test suite runs it (there is no Windows runner):

    YIDIANTONG_PORTABLE=1                  every fallback below except ``lockfile``
    YIDIANTONG_PORTABLE=spawn,rename       only these

``spawn``    worker processes started with spawn (Windows, macOS) instead of fork
``rename``   the output swapped in with two renames instead of ``renameat2(RENAME_EXCHANGE)``
``cloexec``  files opened without ``O_CLOEXEC`` (Windows has none)
``kill``     no ``os.kill(pid, 0)`` probe of whether a process lives
``rm``       old sites deleted by a detached Python process instead of ``rm -rf``
``lockfile`` the build lock as an exclusive lock file, without OS file locks (for file
             systems that refuse them); not part of ``1``
"""

from __future__ import annotations

import functools
import logging
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from multiprocessing.context import BaseContext
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "YIDIANTONG_PORTABLE"
FEATURES = ("spawn", "rename", "cloexec", "kill", "rm", "lockfile")
ALL = frozenset(FEATURES) - {"lockfile"}
# test-only: ``YIDIANTONG_TEST_CRASH=<point>`` kills the process where ``crash_point(<point>)``
# is called (see ``crash_point``)
CRASH_ENV = "YIDIANTONG_TEST_CRASH"

WINDOWS = sys.platform == "win32"


def forced() -> frozenset[str]:
    """The fallbacks forced by ``YIDIANTONG_PORTABLE`` (read each time: tests change it)."""
    return _parse(os.environ.get(ENV, ""))


@functools.lru_cache(maxsize=8)
def _parse(value: str) -> frozenset[str]:
    value = value.strip().lower()
    if value in ("", "0", "no", "false"):
        return frozenset()
    if value in ("1", "yes", "true", "all"):
        return ALL
    names = frozenset(n.strip() for n in value.split(",") if n.strip())
    unknown = names - set(FEATURES)
    if unknown:
        log.warning("%s: unknown fallbacks %s ignored", ENV, ", ".join(sorted(unknown)))
    return names & frozenset(FEATURES)


def portable(feature: str) -> bool:
    """Whether the portable fallback for ``feature`` is forced."""
    assert feature in FEATURES, feature
    return feature in forced()


# ----------------------------------------------------------------------------- files
def write_flags() -> int:
    """Flags for creating a file to write bytes: ``O_BINARY`` on Windows (otherwise
    ``os.write`` turns every \\n into \\r\\n), ``O_CLOEXEC`` where it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    if not portable("cloexec"):
        flags |= getattr(os, "O_CLOEXEC", 0)
    return flags


def open_flags(flags: int) -> int:
    """``flags`` plus ``O_BINARY`` (Windows) and ``O_CLOEXEC`` (unless forced off)."""
    flags |= getattr(os, "O_BINARY", 0)
    if not portable("cloexec"):
        flags |= getattr(os, "O_CLOEXEC", 0)
    return flags


def same_name(a: str, b: str) -> bool:
    """Whether two file names would be one file on a case-insensitive file system
    (Windows, macOS by default)."""
    return a.casefold() == b.casefold()


def canonical_name(name: str, known: Iterable[str]) -> str | None:
    """The known file name that ``name`` differs from only in case (``Finance.csv`` →
    ``finance.csv``), or None: such a name is one file on Windows and macOS and an unknown
    file on Linux, so the loader reports it everywhere instead."""
    if name in known:
        return None
    folded = name.casefold()
    return next((k for k in sorted(known) if k.casefold() == folded), None)


# ----------------------------------------------------------------------------- processes
def worker_context() -> BaseContext:
    """How to start worker processes. Linux forks (fast: the loaded code is shared) while
    the process has one thread, and uses a fork server otherwise (forking a process with
    threads can deadlock the child: a ``serve`` process has its web server thread).
    Windows and macOS spawn, as Python does there; ``spawn`` forces that everywhere."""
    if portable("spawn") or not hasattr(os, "fork"):
        return mp.get_context("spawn")
    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            return mp.get_context("fork")
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["generator.pipeline"])
        return ctx
    return mp.get_context()


def process_alive(pid: int) -> bool | None:
    """Whether process ``pid`` (on this machine) is running; None when it cannot be told
    (``kill`` forced off on POSIX, or the Windows call failed)."""
    if pid <= 0:
        return False
    if WINDOWS:
        return _windows_alive(pid)
    if portable("kill"):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


def _windows_alive(pid: int) -> bool | None:
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return None
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except (OSError, AttributeError):
        return None


def remove_detached(path: Path) -> None:
    """Delete the folder ``path`` in a process of its own, so the build does not wait for
    it (a later build removes whatever a killed deletion left). ``rm -rf`` where there is
    one; otherwise (Windows, or ``rm`` forced off) Python's own ``shutil.rmtree``."""
    rm = None if portable("rm") or WINDOWS else shutil.which("rm")
    if rm:
        cmd = [rm, "-rf", "--", str(path)]
    else:
        cmd = [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
               str(path)]
    kwargs: dict[str, object] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                                 "stderr": subprocess.DEVNULL}
    if WINDOWS:
        kwargs["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | \
            getattr(subprocess, "DETACHED_PROCESS", 0)
    else:
        kwargs["start_new_session"] = True
    try:
        subprocess.Popen(cmd, **kwargs)  # type: ignore[call-overload]  # noqa: S603
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def crash_point(point: str) -> None:
    """Test hook: die here, as a SIGKILL or an out-of-memory kill would, when the
    ``YIDIANTONG_TEST_CRASH`` environment variable names ``point``. Unset outside tests."""
    if os.environ.get(CRASH_ENV) != point:
        return
    log.debug("test crash at %s", point)
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(137)
