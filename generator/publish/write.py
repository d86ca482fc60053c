"""Write rendered files into a fresh staging folder, then swap it in atomically.

The output folder is only ever the complete old site or the complete new one:
the build writes into ``.<out>.staging-<pid>`` beside it and exchanges the two
folders with one ``renameat2(RENAME_EXCHANGE)`` call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

from generator.errors import ToolError

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_bytes(path: Path | str, data: bytes) -> None:
    """Create (or truncate) ``path`` and write ``data``: plain system calls, a third of the
    cost of Python's buffered ``open()`` for the tens of thousands of small files a county has."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class OutputWriter:
    """Writes files under one root; refuses escaping paths and two writes to one file."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.written: set[str] = set()
        self._dirs: set[str] = set()

    def target(self, rel: str) -> Path:
        """The file for ``rel``. Paths are checked as text (no ``..``, no absolute path, no
        backslash, no empty part): the root is a folder this build created, so no symbolic
        link inside it can lead out."""
        parts = rel.split("/")
        if rel.startswith("/") or "\\" in rel or "\x00" in rel or any(
                p in ("", ".", "..") for p in parts):
            raise ToolError(f"内部错误：输出路径 {rel!r} 不合法（不能超出输出文件夹）")
        if rel in self.written:
            raise ToolError(f"内部错误：两项内容要写入同一个文件 {rel}")
        self.written.add(rel)
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._dirs:
            (self.root / parent).mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return self.root / rel

    def write(self, rel: str, data: bytes) -> None:
        p = self.target(rel)
        try:
            write_bytes(p, data)
        except OSError as e:
            raise ToolError(f"写入 {p} 失败：{e.strerror}（磁盘满了？）") from e

    def link_or_copy(self, rel: str, src: Path | str) -> None:
        p = self.target(rel)
        try:
            try:
                os.link(src, p)
            except OSError:
                shutil.copyfile(src, p)
        except OSError as e:
            raise ToolError(f"写入 {p} 失败：{e.strerror}（磁盘满了？）") from e


def staging_dir(out: Path) -> Path:
    out = out.absolute()
    return out.parent / f".{out.name}.staging-{os.getpid()}"


def clean_stale(out: Path) -> None:
    """Remove staging/old folders left by builds that were killed."""
    out = out.absolute()
    if not out.parent.is_dir():
        return
    for p in out.parent.glob(f".{out.name}.staging-*"):
        pid = p.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue
        shutil.rmtree(p, ignore_errors=True)
    for p in out.parent.glob(f".{out.name}.trash-*"):
        subprocess.Popen(["rm", "-rf", "--", str(p)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def swap_in(staging: Path, out: Path) -> None:
    """Make ``staging`` the new ``out``. The old site is renamed aside and deleted in the
    background (a later build removes whatever a killed deletion left)."""
    out = out.absolute()
    if not out.exists():
        os.rename(staging, out)
        return
    if not out.is_dir():
        raise ToolError(f"输出位置 {out} 已存在且不是文件夹")
    if _exchange(staging, out):
        _remove_later(staging)  # now holds the old site
        return
    # Fallback (no renameat2): two renames; a crash between them leaves the old site in .old
    old = out.parent / f".{out.name}.staging-{os.getpid()}-old"
    os.rename(out, old)
    os.rename(staging, out)
    _remove_later(old)


def _remove_later(path: Path) -> None:
    """Delete a finished-with folder without making the build wait for it."""
    trash = path.with_name(f"{path.name.split('.staging-')[0]}.trash-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(path, trash)
        subprocess.Popen(["rm", "-rf", "--", str(trash)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(path, ignore_errors=True)
