"""Where the site's templates, static files and content pages come from.

They live at the top of the repository (``templates/``, ``content/``), where a county looks to
change its pages; a wheel carries the same folders inside the package as ``generator/_templates``
and ``generator/_content`` (pyproject's package-dir mapping). A checkout, an editable install and
a plain ``pip install .`` therefore read the same files.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # generator/


def _bundled(name: str) -> Path:
    inside = PACKAGE / f"_{name}"  # installed from a wheel
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = _bundled("templates")
CONTENT = _bundled("content")
