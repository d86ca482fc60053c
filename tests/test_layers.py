"""The stages' import contracts: data flows one way through the packages of ``generator/``.

Every import is counted, also those inside functions. A new package or a new dependency
between stages is a change to ``ALLOWED`` below, made on purpose and reviewed.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# stage → the stages it may import (besides itself). "errors" is generator/errors.py,
# "version" the package's __init__ (__version__).
ALLOWED: dict[str, set[str]] = {
    "version": set(),
    "errors": set(),
    "model": {"errors"},
    "read": {"errors", "model"},
    "site": {"errors", "model", "read", "version"},
    # the index writes Pagefind's files through the writer that refuses escaping paths
    "search": {"errors", "model", "read", "publish.write"},
    "ledger": {"errors", "model", "read", "version"},
    "publish": {"errors", "model", "read", "search", "site", "ledger", "version"},
    # rule 9 reads first-seen dates from a published change log (generator/audit/published.py):
    # read-only, and the log is a lower stage than publish
    "audit": {"errors", "model", "read", "ledger", "workers"},
    "clerk": {"errors", "model", "read"},
    # the village worker processes (generator/workers.py), shared by build and audit
    "workers": {"errors"},
    "pipeline": {"errors", "model", "read", "site", "search", "ledger", "publish", "version",
                 "workers"},
    "cli": {"errors", "model", "read", "site", "search", "ledger", "publish", "pipeline",
            "audit", "clerk", "version"},
}
# generator/compat.py: the operating-system differences and their selectable portable
# fallbacks (file flags, file-name comparison, worker start method); it imports no stage,
# and every stage may use it
for _deps in ALLOWED.values():
    _deps.add("compat")
ALLOWED["compat"] = set()


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "version"
    if parts[1] in ("errors", "pipeline", "cli"):
        return parts[1]
    return parts[1]


def _imports(path: Path) -> set[str]:
    """Every generator module ``path`` imports, as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("generator"):
                continue
            for a in node.names:  # `from generator.site import charts` imports a module
                sub = f"{mod}.{a.name}"
                out.add(sub if _exists(sub) else mod)
    return out


def _exists(module: str) -> bool:
    p = PACKAGE.parent.joinpath(*module.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _allowed(src: str, dst: str) -> bool:
    s, d = _stage(src), _stage(dst)
    if s == d:
        return True
    allowed = ALLOWED[s]
    sub = ".".join(dst.split(".")[1:3])  # e.g. publish.write
    return d in allowed or sub in allowed


# generator/personal.py finds and masks ID and card numbers (one detector for the scrubber,
# the leak guard and every message): it imports nothing of the package, everything may use it
ALLOWED["personal"] = set()
for _deps in ALLOWED.values():
    _deps.add("personal")


def test_every_package_is_a_known_stage() -> None:
    for module in _graph():
        assert _stage(module) in ALLOWED, f"{module}: add its stage to ALLOWED"


def test_stages_import_only_what_their_contract_allows() -> None:
    bad = sorted(f"{src} imports {dst}" for src, dsts in _graph().items() for dst in dsts
                 if not _allowed(src, dst))
    assert bad == []


def test_nothing_but_the_cli_imports_the_audit() -> None:
    users = sorted(src for src, dsts in _graph().items() for dst in dsts
                   if _stage(dst) == "audit" and _stage(src) not in ("audit", "cli"))
    assert users == []


def test_no_import_cycles() -> None:
    graph = _graph()
    # a package's __init__ importing its own modules is not a cycle worth reporting
    edges = {m: {d for d in ds if d in graph and d != m} for m, ds in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [])
    assert cycles == []


def test_the_contract_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The check can fail: the renderer importing deploy is refused."""
    assert not _allowed("generator.site.render", "generator.publish.deploy")
    assert not _allowed("generator.site.render", "generator.audit.rules")
    assert not _allowed("generator.read.load", "generator.site.render")
    assert _allowed("generator.search.index", "generator.publish.write")
    assert not _allowed("generator.search.index", "generator.publish.deploy")
