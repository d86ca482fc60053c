"""Write rendered files into a fresh staging folder, then swap it in atomically.

The output folder is only ever the complete old site or the complete new one:
the build writes into ``.<out>.staging-<pid>`` beside it and exchanges the two
folders with one ``renameat2(RENAME_EXCHANGE)`` call (``renamex_np(RENAME_SWAP)`` on macOS).
Where there is none (Windows, some network file systems) two renames do it: the old site first becomes
``.<out>.previous``, and a build that died between the renames is repaired by the next
one (``recover``), which puts the old site back. Builds on one output never overlap
(``generator.publish.lock``), so whatever staging folder a build finds is a dead one's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import stat
import sys
import time
from pathlib import Path

from generator import compat
from generator.errors import ToolError

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # Linux renameat2
_RENAME_SWAP = 2  # macOS renamex_np


def write_bytes(path: Path | str, data: bytes) -> None:
    """Create (or truncate) ``path`` and write ``data``: plain system calls, a third of the
    cost of Python's buffered ``open()`` for the tens of thousands of small files a county
    has; binary on Windows too (``compat.write_flags``)."""
    fd = os.open(path, compat.write_flags(), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class OutputWriter:
    """Writes files under one root; refuses escaping paths and two writes to one file.

    ``previous``: the site this build replaces. A file whose bytes equal the same file there
    is hard-linked from it instead of written: after a small edit most of a county's own
    files (change pages, posters, histories, the county pages, the directory's buckets) come
    out as they were, and on some file systems creating a file costs far more than reading
    one (ext4 without a journal skips, one by one, the inodes freed in the last minutes — and
    each build frees the old site's). The old site is only ever unlinked, never written
    through, so the new one keeps these files."""

    def __init__(self, root: Path, previous: Path | None = None):
        self.root = root.resolve()
        self.previous = previous.resolve() if previous is not None and previous.is_dir() else None
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

    def write(self, rel: str, data: bytes, like: Path | None = None) -> None:
        """Write ``data`` at ``rel``, or link the file ``like`` (by default ``rel`` in the
        previous site) when it holds the same bytes."""
        p = self.target(rel)
        if like is None and self.previous is not None:
            like = self.previous / rel
        try:
            if like is not None and same_bytes(like, data):
                _link_or_copy(like, p)
            else:
                write_bytes(p, data)
        except OSError as e:
            raise ToolError(f"写入 {p} 失败：{e.strerror}（磁盘满了？）") from e

    def link_or_copy(self, rel: str, src: Path | str) -> None:
        p = self.target(rel)
        try:
            _link_or_copy(src, p)
        except OSError as e:
            raise ToolError(f"写入 {p} 失败：{e.strerror}（磁盘满了？）") from e


def _link_or_copy(src: Path | str, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link to one) holding exactly ``data``;
    False when there is none or it cannot be read."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def staging_dir(out: Path) -> Path:
    out = out.absolute()
    return out.parent / f".{out.name}.staging-{os.getpid()}"


def previous_dir(out: Path) -> Path:
    """Where the two-rename swap keeps the old site between its two renames."""
    out = out.absolute()
    return out.parent / f".{out.name}.previous"


def recover(out: Path) -> bool:
    """Repair what a build that died in the two-rename swap left: the old site is put back
    where it was (a build that died after both renames left a complete site; its aside
    copy is deleted). Call it holding the build lock. Returns whether the site was restored."""
    out = out.absolute()
    prev = previous_dir(out)
    if not prev.is_dir():
        return False
    if out.exists() or out.is_symlink():
        compat.remove_detached(_trash_name(prev))
        return False
    os.rename(prev, out)
    log.warning("restored %s from %s (a build died while swapping it)", out, prev.name)
    return True


def clean_stale(out: Path) -> None:
    """Repair a swap that a killed build left half done, and remove the staging and old
    folders builds left. Only call it holding the build lock: no other build is running
    on ``out``, so every staging folder beside it is a dead build's."""
    out = out.absolute()
    if not out.parent.is_dir():
        return
    recover(out)
    for p in out.parent.glob(f".{out.name}.staging-*"):
        if p.name != staging_dir(out).name:
            shutil.rmtree(p, ignore_errors=True)
    for p in out.parent.glob(f".{out.name}.trash-*"):
        compat.remove_detached(p)


def _exchange(a: Path, b: Path) -> bool:
    if compat.portable("rename"):
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
    except OSError:
        return False
    if sys.platform == "darwin":  # macOS 10.12+: renamex_np(RENAME_SWAP) does the same
        swap = getattr(libc, "renamex_np", None)
        return swap is not None and swap(os.fsencode(a), os.fsencode(b), _RENAME_SWAP) == 0
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _rename(src: Path, dst: Path) -> None:
    """``os.rename``; on Windows retried for a few seconds while another program (a virus
    scanner, the search indexer, a preview) still has a file of the folder open."""
    tries = 15 if compat.WINDOWS else 1
    for i in range(tries):
        try:
            os.rename(src, dst)
            return
        except PermissionError:
            if i == tries - 1:
                raise
            time.sleep(0.2)


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
    # Fallback: two renames. Between them the old site is .<out>.previous, which the next
    # build (recover) renames back if this one dies there.
    prev = previous_dir(out)
    if prev.exists():  # recover() ran at the start, under the lock: nothing should be here
        shutil.rmtree(prev)
    try:
        _rename(out, prev)
    except OSError as e:
        raise ToolError(f"无法替换输出文件夹 {out}：{e.strerror}（是否有程序正打开其中的文件？）") from e
    compat.crash_point("swap")
    try:
        _rename(staging, out)
    except OSError as e:
        _rename(prev, out)  # put the old site back
        raise ToolError(f"无法替换输出文件夹 {out}：{e.strerror}（是否有程序正打开其中的文件？）") from e
    _remove_later(prev)


def _trash_name(path: Path) -> Path:
    """``path`` renamed to a ``.<out>.trash-…`` name (which ``clean_stale`` removes), or
    ``path`` itself when the rename fails."""
    base = path.name.split(".staging-")[0].removesuffix(".previous")
    trash = path.with_name(f"{base}.trash-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(path, trash)
    except OSError:
        return path
    return trash


def _remove_later(path: Path) -> None:
    """Delete a finished-with folder without making the build wait for it."""
    compat.remove_detached(_trash_name(path))
