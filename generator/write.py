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
from pathlib import Path

from .errors import ToolError

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputWriter:
    """Writes files under one root; refuses escaping paths and two writes to one file."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.written: set[str] = set()

    def target(self, rel: str) -> Path:
        if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in rel.split("/")):
            raise ToolError(f"内部错误：输出路径 {rel!r} 不合法")
        p = self.root / rel
        if not p.resolve().is_relative_to(self.root):
            raise ToolError(f"内部错误：输出路径 {rel!r} 超出了输出文件夹")
        if rel in self.written:
            raise ToolError(f"内部错误：两项内容要写入同一个文件 {rel}")
        self.written.add(rel)
        return p

    def write(self, rel: str, data: bytes) -> None:
        p = self.target(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(p, "wb") as f:
                f.write(data)
        except OSError as e:
            raise ToolError(f"写入 {p} 失败：{e.strerror}（磁盘满了？）") from e

    def link_or_copy(self, rel: str, src: Path) -> None:
        p = self.target(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
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
    """Make ``staging`` the new ``out``; the old site is removed afterwards."""
    out = out.absolute()
    if not out.exists():
        os.rename(staging, out)
        return
    if not out.is_dir():
        raise ToolError(f"输出位置 {out} 已存在且不是文件夹")
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old site
        return
    # Fallback (no renameat2): two renames; a crash between them leaves the old site in .old
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
