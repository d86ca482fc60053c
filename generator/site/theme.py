"""Where the site's templates, static files and content pages come from.

They live at the top of the repository (``templates/``, ``content/``), where a county looks to
change its pages; a wheel carries the same folders inside the package as ``generator/_templates``
and ``generator/_content`` (pyproject's package-dir mapping). A checkout, an editable install and
a plain ``pip install .`` therefore read the same files.

A county may override single files without forking (as mkdocs' ``custom_dir``): its data folder
may hold ``theme/`` with ``templates/`` (any template, e.g. ``_foot.html``),
``templates/static/`` (``style.css``, a logo …) and ``content/`` (``about.md`` …). A file there
replaces the bundled file of the same name for that county only (docs/theme.md).

The bundled folders are looked up when used (``TEMPLATES``, ``CONTENT`` below), not copied at
import time, so a test can point them at a temporary copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.errors import Problem

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent  # generator/
THEME_PARTS = ("templates", "content")


def _bundled(name: str) -> Path:
    inside = PACKAGE / f"_{name}"  # installed from a wheel
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = _bundled("templates")
CONTENT = _bundled("content")


def _visible(name: str) -> bool:
    """Not a hidden file, an Office lock file or what Windows leaves in folders."""
    return not name.startswith((".", "~$")) and name not in ("Thumbs.db", "desktop.ini")


def _files(folder: Path, pattern: str = "*") -> dict[str, Path]:
    """Files directly in ``folder`` (visible ones), by name."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.glob(pattern)) if p.is_file() and _visible(p.name)}


@dataclass(frozen=True)
class Theme:
    """The templates, static files and content pages of one county's site: the county's theme
    folder (if any) over the bundled ones. ``folder`` is ``villages/<county>/theme`` or None."""

    folder: Path | None = None

    @property
    def template_dirs(self) -> list[Path]:
        own = [self.folder / "templates"] if self.folder and (self.folder / "templates").is_dir() else []
        return own + [TEMPLATES]

    def loader(self) -> jinja2.BaseLoader:
        return jinja2.FileSystemLoader([str(d) for d in self.template_dirs])

    def static_files(self) -> dict[str, Path]:
        """Static files by name: the bundled ones, replaced or added to by the county's."""
        out = _files(TEMPLATES / "static")
        if self.folder is not None:
            out.update(_files(self.folder / "templates" / "static"))
        return dict(sorted(out.items()))

    def content_pages(self) -> list[Path]:
        """The about pages (``*.md``), in name order; a county's page replaces the bundled page
        of the same name (one with a name that has no bundled page is not used, see
        ``theme_problems``)."""
        pages = _files(CONTENT, "*.md")
        if self.folder is not None:
            for name, p in _files(self.folder / "content", "*.md").items():
                if name in pages:
                    pages[name] = p
        return [pages[n] for n in sorted(pages)]


def theme_digest(folder: Path | None) -> str:
    """Hash of the names and bytes of every file in a county's theme folder ("" without one)."""
    if folder is None or not folder.is_dir():
        return ""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        rel = Path(root).relative_to(folder).as_posix()
        for name in sorted(files):
            h.update(f"{rel}/{name}\0".encode())
            with open(os.path.join(root, name), "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def theme_problems(folder: Path, rel: str, env: jinja2.Environment) -> list[Problem]:
    """What is wrong with a county's theme folder (``rel``: its path in the data folder, e.g.
    ``qinghe-xian/theme``): templates that do not compile are errors (with their line),
    files that would not be used are warnings."""
    problems: list[Problem] = []
    for p in sorted(folder.iterdir()):
        if not _visible(p.name):
            continue
        if p.name not in THEME_PARTS or not p.is_dir():
            problems.append(Problem(f"{rel}/{p.name}", 1, "主题", "主题文件夹里只能有 templates 和 "
                                    "content 两个文件夹，这个不会使用", warning=True))
    bundled = _files(CONTENT, "*.md")
    for name in _files(folder / "content"):
        if name not in bundled:
            problems.append(Problem(
                f"{rel}/content/{name}", 1, "主题",
                f"没有同名的内置说明页（可替换：{'、'.join(sorted(bundled))}），不会使用",
                warning=True))
    templates = folder / "templates"
    if templates.is_dir():
        for name in sorted(_files(templates, "*.html")):
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as e:
                problems.append(Problem(f"{rel}/templates/{name}", e.lineno or 1, "模板",
                                        f"模板语法错误：{e.message}"))
    return problems


def theme_fault(exc: BaseException, folder: Path | None, rel: str) -> Problem | None:
    """The located problem for an error raised by a county's own template while rendering
    (e.g. a variable that does not exist); None when no theme template is to blame (then it is
    the generator's fault and stays an internal error). ``rel``: the theme folder's path in the
    data folder. Jinja gives the template's file and line as a frame of the traceback."""
    if folder is None or not isinstance(exc, jinja2.TemplateError):
        return None
    own = str(folder / "templates")
    found: tuple[str, int] | None = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.startswith(own):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    path = Path(found[0]).relative_to(folder).as_posix()
    return Problem(f"{rel}/{path}", found[1], "模板", f"模板出错：{exc.message or exc}")
