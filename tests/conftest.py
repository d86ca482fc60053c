"""Shared fixtures: run the CLI in-process (datasette-style ``main(argv)``) and small data trees."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
GOLDEN = TESTS / "golden"
AS_OF = "2026-11-28"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/expected from the current output")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Call ``main(argv)`` and capture its exit code and output."""

    def run(*args: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        cap = capsys.readouterr()
        return Run(code, cap.out, cap.err)

    return run


@pytest.fixture
def minimal_data(tmp_path: Path) -> Path:
    """A copy of the smallest valid data tree (one county, one village)."""
    dst = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", dst, symlinks=True)
    return dst


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}
