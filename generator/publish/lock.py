"""One build at a time per output folder (and its cache beside it).

The lock is the file ``.<out>.lock`` beside the output, held with the operating system's
file lock (``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows). The system drops
that lock when its process ends, however it ends, so a killed build never leaves a lock
behind and nothing has to guess whether its owner still lives. The file names the owner
(process, command, start time, computer) for the message the next build prints.

Where the file system refuses file locks (some network shares), or with
``YIDIANTONG_PORTABLE=lockfile``, the lock is the file's existence instead (created with
``O_EXCL``); a lock file left by a process that no longer runs on this computer is taken
over, and one whose owner cannot be checked is reported with its path to delete by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from generator import compat
from generator.errors import ToolError

log = logging.getLogger(__name__)

WAIT_ENV = "YIDIANTONG_LOCK_WAIT"  # seconds a build waits for another one (default WAIT)
WAIT = 10.0
_POLL = 0.2
_WIN_OFFSET = 1 << 30  # Windows locks a byte range and refuses reads of it: lock one far out

if compat.WINDOWS:  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl


class _Unsupported(Exception):
    """The file system refuses OS file locks."""


def lock_path(out: Path) -> Path:
    out = out.absolute()
    return out.parent / f".{out.name}.lock"


def default_wait() -> float:
    value = os.environ.get(WAIT_ENV)
    if value is None:
        return WAIT
    try:
        return max(0.0, float(value))
    except ValueError:
        return WAIT


def _try_lock(fd: int) -> bool:
    """Take the OS lock on ``fd`` without waiting: True if taken, False if another process
    holds it; _Unsupported if the file system has no locks."""
    if compat.WINDOWS:  # pragma: no cover
        os.lseek(fd, _WIN_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as e:  # ENOLCK, EOPNOTSUPP, ENOSYS: no locks on this file system
        raise _Unsupported(str(e)) from e
    return True


def _unlock(fd: int) -> None:
    if compat.WINDOWS:  # pragma: no cover
        os.lseek(fd, _WIN_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path`` (a holder deletes the lock file when
    it is done; a process that opened it before that must open the new one)."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    if not a.st_ino or not b.st_ino:
        return True
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _read(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read(4096).decode("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


class BuildLock:
    """``with BuildLock(out, "build"):`` — raises ToolError (exit 3) naming the process that
    holds the lock if it is not free within ``wait`` seconds."""

    def __init__(self, out: Path, command: str = "build", wait: float | None = None):
        self.out = out.absolute()
        self.path = lock_path(out)
        self.command = command
        self.wait = default_wait() if wait is None else wait
        self._fd: int | None = None
        self._owned_file = False  # lockfile mode: the file is ours to delete

    def _info(self) -> bytes:
        return json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
            "started": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            "argv": sys.argv[1:][:20],
        }, ensure_ascii=False).encode("utf-8")

    # -------------------------------------------------------------- acquire / release
    def acquire(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait
        use_os = not compat.portable("lockfile")
        said = False
        while True:
            if use_os:
                try:
                    if self._try_os():
                        return
                except _Unsupported as e:
                    log.debug("no OS file locks for %s (%s): using a lock file", self.path, e)
                    use_os = False
                    continue
            elif self._try_file():
                return
            if time.monotonic() >= deadline:
                raise ToolError(self._busy_message(use_os))
            if not said:
                said = True
                log.info("waiting for the build lock %s", self.path)
            time.sleep(_POLL)

    def _try_os(self) -> bool:
        fd = os.open(self.path, compat.open_flags(os.O_RDWR | os.O_CREAT), 0o644)
        try:
            if _try_lock(fd) and _same_file(fd, self.path):
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, self._info())
                self._fd, fd = fd, -1
                return True
            return False
        finally:
            if fd >= 0:
                os.close(fd)  # closing drops a lock taken on a file no longer at the path

    def _try_file(self) -> bool:
        try:
            fd = os.open(self.path, compat.open_flags(os.O_WRONLY | os.O_CREAT | os.O_EXCL), 0o644)
        except FileExistsError:
            return self._take_over_stale()
        try:
            os.write(fd, self._info())
        finally:
            os.close(fd)
        self._owned_file = True
        return True

    def _take_over_stale(self) -> bool:
        """Lock-file mode: remove the lock file if its owner ran on this computer and has
        ended. The file is first renamed to a name of this process's own, so that of two
        processes finding the same stale file only one removes it."""
        info = _read(self.path)
        pid = info.get("pid")
        if info.get("host") != socket.gethostname() or not isinstance(pid, int) or pid == os.getpid():
            return False
        if compat.process_alive(pid) is not False:
            return False
        aside = self.path.with_name(f"{self.path.name}.stale-{os.getpid()}")
        try:
            os.replace(self.path, aside)
        except OSError:
            return False
        if _read(aside) != info:  # another process took the lock meanwhile: give it back
            try:
                os.replace(aside, self.path)
            except OSError:
                pass
            return False
        log.warning("removed the lock of process %s, which has ended", pid)
        try:
            os.unlink(aside)
        except OSError:
            pass
        return self._try_file()

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if compat.WINDOWS:  # pragma: no cover - an open file cannot be deleted there
                _unlock(fd)
                os.close(fd)
                _unlink(self.path)
            else:  # delete while locked: a waiter that opened it sees it is gone
                _unlink(self.path)
                _unlock(fd)
                os.close(fd)
        elif self._owned_file:
            self._owned_file = False
            _unlink(self.path)

    def _busy_message(self, os_lock: bool) -> str:
        info = _read(self.path)
        who = []
        if info.get("pid"):
            who.append(f"进程号 {info['pid']}")
        if info.get("command"):
            who.append(f"命令 {info['command']}")
        if info.get("started"):
            who.append(f"{info['started']} 开始")
        if info.get("host") and info.get("host") != socket.gethostname():
            who.append(f"在计算机 {info['host']} 上")
        detail = f"（{'，'.join(who)}）" if who else ""
        msg = (f"另一个一点通进程{detail}正在生成或使用输出文件夹 {self.out}，"
               f"等了 {self.wait:g} 秒仍未结束；请等它完成后再运行，网站没有被改动")
        if not os_lock:
            msg += f"。如果确定它已经不在运行（例如上次被强行关闭），请删除锁文件 {self.path} 后重试"
        return msg

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
