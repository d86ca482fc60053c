"""The project's own documentation: README.md, BENCHMARKS.md and docs/.

- nothing points outside the repository (``../shared`` is not part of it);
- every relative link (and its ``#anchor``) leads to a file that exists;
- docs/data-format.md lists every field of the schema, in tables generated from it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from tool_loader import load_tool

from generator.read import schema as S

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def doc_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted(DOCS.rglob("*.md"))]


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


# ----------------------------------------------------------------------------- Markdown helpers

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, inline code removed."""
    out: list[tuple[int, str]] = []
    fenced = False
    for n, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append((n, _INLINE_CODE.sub("", line)))
    return out


def links(text: str) -> list[tuple[int, str]]:
    """(line, target) of every Markdown link and image outside code."""
    return [(n, m.group(1)) for n, line in prose_lines(text) for m in _LINK.finditer(line)]


def github_slug(heading: str) -> str:
    """The anchor GitHub (and most renderers) give a heading: lower case, punctuation dropped,
    spaces to ``-``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(c for c in text
                   if unicodedata.category(c)[0] in "LMN" or c in " -_")
    return kept.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a Markdown text (repeated headings get -1, -2, … as on GitHub)."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(line)
        if m is None:
            continue
        slug = github_slug(m.group(2))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def broken_links(md: Path, root: Path = ROOT) -> list[str]:
    """Problems with the relative links of one Markdown file, as ``file:line: target: why``."""
    text = md.read_text(encoding="utf-8")
    problems = []
    for line, target in links(text):
        if _SCHEME.match(target) or target.startswith("//"):
            continue  # http:, https:, mailto:, tel:
        path_part, _, fragment = target.partition("#")
        dest = (md.parent / unquote(path_part)).resolve() if path_part else md
        where = f"{md.relative_to(root).as_posix()}:{line}: {target}"
        if not dest.exists():
            problems.append(f"{where}: 文件不存在")
            continue
        try:
            dest.relative_to(root.resolve())
        except ValueError:
            problems.append(f"{where}: 指向仓库之外")
            continue
        if fragment and dest.suffix == ".md":
            if unquote(fragment) not in anchors(dest.read_text(encoding="utf-8")):
                problems.append(f"{where}: {dest.name} 里没有这个标题")
    return problems


# ----------------------------------------------------------------------------- the helpers work


def test_link_checker_finds_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "cli.md").write_text("# cli\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("", encoding="utf-8")
    md = tmp_path / "docs" / "probe.md"
    md.write_text("# 标题\n\n[有](cli.md) [没有](no-such-file.md) [锚](#标题) [错锚](#没有)\n"
                  "[外](https://example.com/) `[代码](nothing.md)`\n\n```\n[块](nothing.md)\n```\n",
                  encoding="utf-8")
    assert broken_links(md, root=tmp_path / "docs") == [
        "probe.md:3: no-such-file.md: 文件不存在",
        "probe.md:3: #没有: probe.md 里没有这个标题",
    ]
    md.write_text("[出去](../outside.md)\n", encoding="utf-8")
    assert broken_links(md, root=tmp_path / "docs") == ["probe.md:1: ../outside.md: 指向仓库之外"]


def test_slugs_follow_github() -> None:
    assert github_slug("13. 看懂提示：错误和警告") == "13-看懂提示错误和警告"
    assert github_slug("5. 县、乡镇：county.yaml、township.yaml") == "5-县乡镇countyyamltownshipyaml"
    assert github_slug("`--to` 的写法") == "--to-的写法"
    assert anchors("# A\n## A\n```\n# B\n```\n") == {"a", "a-1"}


# ----------------------------------------------------------------------------- the documents


def test_docs_exist() -> None:
    for name in ("README.md", "data-format.md", "cli.md", "urls.md", "deploy.md"):
        assert (DOCS / name).is_file(), name


@pytest.mark.parametrize("md", doc_files(), ids=_rel)
def test_no_link_outside_the_repository(md: Path) -> None:
    text = md.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{_rel(md)} 提到了仓库之外的 ../shared"


@pytest.mark.parametrize("md", doc_files(), ids=_rel)
def test_relative_links_lead_to_files(md: Path) -> None:
    assert broken_links(md) == []


def test_readme_keeps_the_two_commands() -> None:
    """CI runs the README's second command; the two commands stay exactly as they are."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ('python -m pip install -e ".[test]" && python build.py   # builds the demo county into site/\n'
            "python -m pytest                                        # the whole test suite passes\n"
            ) in readme


def _all_fields() -> list[tuple[str, S.Field]]:
    out = []
    for spec in S.ALL_SPECS:
        for f in spec.fields:
            out.append((spec.stem, f))
            out.extend((f"{spec.stem}.{f.label}", s) for s in f.sub)
    return out


def test_every_schema_field_is_in_the_data_format_doc() -> None:
    doc = (DOCS / "data-format.md").read_text(encoding="utf-8")
    missing = [f"{where}: {f.label}" for where, f in _all_fields() if f"| {f.label} |" not in doc]
    assert missing == []


def test_every_choice_is_in_the_data_format_doc() -> None:
    doc = (DOCS / "data-format.md").read_text(encoding="utf-8")
    missing = [f"{f.label}: {c}" for _w, f in _all_fields() for c in f.choices if f"`{c}`" not in doc]
    assert missing == []


def test_data_format_tables_are_generated_from_the_schema() -> None:
    tool = load_tool("schema_docs")
    doc = (DOCS / "data-format.md").read_text(encoding="utf-8")
    assert set(tool.blocks(doc)) == set(tool.specs()), "每个文件格式都要有一个字段表"
    assert tool.render(doc) == doc, "字段表与 schema.py 不一致：运行 python tools/schema_docs.py"


def test_schema_table_tracks_a_changed_field() -> None:
    """The generated table changes when the schema does (the check above can fail)."""
    tool = load_tool("schema_docs")
    spec = S.FileSpec("finance", "x", "table", (S.Field("新列", "new", S.MONEY, required=True,
                                                        unit="元", help="说明"),))
    assert tool.table(spec).splitlines()[2] == "| 新列 | 是 | 金额（元） | 说明 |"


def _cli_options() -> dict[str, set[str]]:
    """command → its option strings, from the command line's own parser."""
    import argparse

    from generator.cli import make_parser

    parser = make_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {o for a in p._actions for o in a.option_strings if o.startswith("--")} - {"--help"}
            for name, p in sub.choices.items()}


def test_every_command_and_option_is_in_the_cli_doc() -> None:
    doc = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _cli_options()
    assert set(commands) >= {"build", "check", "serve", "deploy"}
    missing = [f"{cmd}: {opt}" for cmd, opts in commands.items()
               for opt in sorted(opts | {cmd}) if f"`{opt}" not in doc]
    assert missing == []


_EXAMPLE = re.compile(r"<!-- example (?P<name>\S+) -->\n```[a-z]*\n(?P<body>.*?)\n```", re.S)


def test_the_examples_in_the_data_format_doc_pass_check(tmp_path: Path) -> None:
    """Every example file of docs/data-format.md, put together as one village, passes ``check``
    without an error (attachments they name are created empty)."""
    import datetime as dt

    from generator.errors import DataErrors
    from generator.pipeline import Options, load_site

    doc = (DOCS / "data-format.md").read_text(encoding="utf-8")
    examples = {m.group("name"): m.group("body") + "\n" for m in _EXAMPLE.finditer(doc)}
    village_files = {f"{s.stem}.csv" for s in S.TABLES.values()} | {
        "village.yaml", "powers.yaml", "services.yaml"}
    assert set(examples) >= village_files | {"county.yaml", "township.yaml"}
    assert any(name.startswith("notices/") for name in examples)
    county = tmp_path / "data" / "qinghe-xian"
    village = county / "dongguan-zhen" / "liuzhuang-cun"
    (village / "files").mkdir(parents=True)
    for name, body in examples.items():
        if name == "county.yaml":
            target = county / name
        elif name == "township.yaml":
            target = county / "dongguan-zhen" / name
        else:
            target = village / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8"))
    # the attachments and photos the examples name
    # (real files of their type: attachments are checked before they are published)
    import io

    from PIL import Image

    for name in re.findall(r"[\w-]+\.(?:pdf|png|jpg)", "".join(examples.values())):
        if name.endswith(".pdf"):
            body = b"%PDF-1.4\n%%EOF\n"
        else:
            buf = io.BytesIO()
            Image.new("RGB", (4, 4), "white").save(buf, "PNG" if name.endswith(".png") else "JPEG")
            body = buf.getvalue()
        (village / "files" / name).write_bytes(body)
    try:
        load_site(Options(data=tmp_path / "data", out=tmp_path / "site", as_of=dt.date(2025, 6, 30)))
    except DataErrors as e:
        pytest.fail("\n".join(str(p) for p in e.problems if not p.warning))
