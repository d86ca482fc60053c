"""A plain (non-editable) install builds a county from any folder: the wheel carries the
templates, static files and content pages, and its console script works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, tree_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_wheel_install_builds_the_demo_county_from_another_folder(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "installed", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("yidiantong-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(target),
                    str(wheel)], check=True, cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"],
                           check=True, cwd=elsewhere, env=env, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(target)  # not the checkout

    script = target / "bin" / "yidiantong"
    data = tmp_path / "data"
    shutil.copytree(ROOT / "villages", data)
    run = subprocess.run([sys.executable, str(script), "build", "--data", str(data),
                          "--out", str(elsewhere / "site"), "--as-of", AS_OF, "--quiet"],
                         cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr

    # the same site as a build from the checkout
    ref = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--data", str(data),
                          "--out", str(tmp_path / "ref"), "--as-of", AS_OF, "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert ref.returncode == 0, ref.stderr
    assert tree_bytes(elsewhere / "site") == tree_bytes(tmp_path / "ref")
    assert (elsewhere / "site" / "qinghe-xian" / "info" / "about" / "index.html").is_file()


def test_every_subpackage_ships_in_the_wheel() -> None:
    """pyproject's explicit package list names every package under generator/ (a missing one
    installs fine editable and fails with ModuleNotFoundError from a wheel)."""
    import tomllib

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
                   ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "generator").rglob("__init__.py")}
    assert found - declared == set()
