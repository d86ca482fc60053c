"""Each folder in tests/cases/ holds one fault and the exact messages it must produce.

Both ``check`` and ``build`` refuse it with exit 1, name file, line and field,
and a refused build leaves the previous site byte for byte in place.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, CASES, tree_bytes

BROKEN = sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


def _errors(lines: list[str]) -> list[str]:
    return [ln for ln in lines if ": 警告: " not in ln and not ln.startswith("数据有")]


def test_there_are_many_broken_cases() -> None:
    assert len(BROKEN) >= 30


@pytest.mark.parametrize("case", BROKEN)
def test_check_reports_exact_messages(case: str, cli) -> None:
    expected = (CASES / case / "expected.txt").read_text("utf-8").splitlines()
    run = cli("check", "--data", CASES / case / "data", "--as-of", AS_OF)
    assert run.code == 1, run.err
    assert _errors(run.lines) == expected
    assert "Traceback" not in run.err
    for line in expected:  # path:line: field: message, path relative to the data folder
        path, lineno, field, msg = (line.split(": ", 3) + ["", ""])[:4] if ":" in line else ("", "", "", "")
        assert path.startswith("qinghe-xian/")
        assert msg or field


@pytest.mark.parametrize("case", BROKEN)
def test_build_refuses_and_keeps_previous_site(case: str, cli, tmp_path: Path, good_site: Path) -> None:
    out = tmp_path / "site"
    import shutil

    shutil.copytree(good_site, out)
    before = tree_bytes(out)
    run = cli("build", "--data", CASES / case / "data", "--out", out, "--as-of", AS_OF, "--jobs", "1")
    assert run.code == 1, run.err
    expected = (CASES / case / "expected.txt").read_text("utf-8").splitlines()
    assert _errors(run.lines) == expected
    assert tree_bytes(out) == before
    # nothing left behind beside --out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.staging")) == []


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.cli import main

    out = tmp_path_factory.mktemp("good") / "site"
    assert main(["build", "--data", str(CASES / "ok-minimal" / "data"), "--out", str(out),
                 "--as-of", AS_OF, "--no-cache", "--quiet"]) == 0
    return out
