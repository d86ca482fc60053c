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
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "pagefind" not in p.relative_to(root).parts}


def test_golden_site(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    assert main(["build", "--data", str(GOLDEN / "data"), "--out", str(out), "--as-of", AS_OF,
                 "--no-cache", "--quiet"]) == 0
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
