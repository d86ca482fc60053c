"""Golden output: the whole built site of tests/golden/data, compared file by file.

Refresh only on purpose: ``python -m pytest tests/test_golden.py --update-golden``.
The Pagefind bundle is left out (binary, checked by the search tests).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, GOLDEN

from generator.cli import main

EXPECTED = GOLDEN / "expected"


def _tree(root: Path) -> dict[str, bytes]:
    """Every output file but the search bundle and the fingerprinted copies of
    templates/static/ (checked against their sources instead, see below)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not {"pagefind", "static"} & set(p.relative_to(root).parts)}


def _check_static(out: Path) -> None:
    """static/<stem>.<10 hex>.<ext> is byte for byte templates/static/<stem>.<ext>."""
    sources = {p.name: p.read_bytes() for p in (GOLDEN.parent.parent / "templates" / "static").iterdir()}
    copies = sorted(p for p in out.rglob("static/*") if p.is_file())
    assert copies
    for p in copies:
        stem, digest, ext = p.name.rsplit(".", 2)
        assert len(digest) == 10 and p.read_bytes() == sources[f"{stem}.{ext}"], p
    for folder in {p.parent for p in copies}:  # every site folder has every static file
        names = {".".join(p.name.rsplit(".", 2)[::2]) for p in copies if p.parent == folder}
        assert names == set(sources), folder


def test_golden_site(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    assert main(["build", "--data", str(GOLDEN / "data"), "--out", str(out), "--as-of", AS_OF,
                 "--no-cache", "--quiet"]) == 0
    _check_static(out)
    got = _tree(out)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in got.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
        pytest.skip("golden output rewritten")
    want = _tree(EXPECTED)
    assert sorted(got) == sorted(want), "files added or removed: " + str(
        sorted(set(got) ^ set(want))[:20])
    for rel in sorted(want):
        if got[rel] != want[rel]:
            diff = difflib.unified_diff(
                want[rel].decode("utf-8", "replace").splitlines(),
                got[rel].decode("utf-8", "replace").splitlines(),
                f"expected/{rel}", f"built/{rel}", lineterm="", n=2)
            pytest.fail("golden output differs (refresh with --update-golden if intended):\n"
                        + "\n".join(list(diff)[:60]))
