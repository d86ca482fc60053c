"""One build fingerprint: everything besides the data that shapes the output.

Every cache key (a village's pages, a search bundle) starts with it, so nothing cached by a
build with other code, templates, libraries or search tool is ever reused:

- every code file of the generator (``generator/**/*.py``, all subpackages);
- the bundled templates (with ``static/``) and content pages;
- the installed versions of the libraries whose behaviour shows in the output
  (``OUTPUT_LIBRARIES``) and the Pagefind binary's own version string;
- Python's major.minor (pickles, ``repr`` of numbers, the ``csv`` and ``json`` modules);
- per county, its theme folder (``county_fingerprint``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import subprocess
import sys
from pathlib import Path

from generator import __version__
from generator.errors import ToolError
from generator.search.index import pagefind_executable
from generator.site import theme

log = logging.getLogger(__name__)

# distributions whose code runs while pages, downloads, charts or the search index are made
OUTPUT_LIBRARIES = (
    "jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "python-calamine", "segno", "numpy",
    "pagefind", "pagefind-bin-extended",
)


def _tree(h: hashlib._Hash, label: str, root: Path, suffixes: tuple[str, ...] | None) -> None:
    """Feed ``h`` the relative path and bytes of every file below ``root`` (recursively, in
    path order; ``suffixes``: only files ending so; caches and hidden files left out)."""
    h.update(f"[{label}]\0".encode())
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        rel = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            if name.startswith(".") or (suffixes and not name.endswith(suffixes)):
                continue
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            h.update(f"{rel}/{name}\0{len(data)}\0".encode())
            h.update(data)


def library_versions() -> list[tuple[str, str]]:
    out = []
    for dist in OUTPUT_LIBRARIES:
        try:
            out.append((dist, importlib.metadata.version(dist)))
        except importlib.metadata.PackageNotFoundError:
            out.append((dist, "-"))
    return out


@functools.lru_cache(maxsize=8)
def _pagefind_version(exe: str, mtime: int, size: int) -> str:
    try:
        done = subprocess.run([exe, "--version"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolError(f"无法运行 Pagefind（{exe}）：{e}") from e
    return done.stdout.decode("utf-8", "replace").strip() + f"\0{size}"


def pagefind_version() -> str:
    """The Pagefind binary's ``--version`` (run once per binary and modification time)."""
    exe = pagefind_executable()
    try:
        st = exe.stat()
    except OSError as e:
        raise ToolError(f"找不到 Pagefind 程序（{exe}）：{e}") from e
    return _pagefind_version(str(exe), st.st_mtime_ns, st.st_size)


def python_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def build_fingerprint(code: Path | None = None) -> str:
    """The fingerprint of the generator as installed (``code``: its package folder, by default
    the running one). Looked up once per build: about 10 ms."""
    h = hashlib.sha256()
    h.update(f"yidiantong {__version__}\0python {python_version()}\0".encode())
    _tree(h, "code", code or theme.PACKAGE, (".py",))
    _tree(h, "templates", theme.TEMPLATES, None)
    _tree(h, "content", theme.CONTENT, None)
    for dist, version in library_versions():
        h.update(f"{dist}=={version}\0".encode())
    h.update(pagefind_version().encode())
    return h.hexdigest()


def county_fingerprint(build: str, theme_folder: Path | None) -> str:
    """The fingerprint of one county's output: the build's and the county's theme folder."""
    if theme_folder is None:
        return build
    return hashlib.sha256(f"{build}\0{theme.theme_digest(theme_folder)}".encode()).hexdigest()
