"""Write the field tables of docs/data-format.md from the declared schema.

The tables between ``<!-- BEGIN schema STEM -->`` and ``<!-- END schema STEM -->`` in
docs/data-format.md are generated from generator/read/schema.py (the same declaration the
validator and the site's 数据字典 page read), so the clerk's reference cannot drift from what
the generator accepts. Everything outside the markers is written by hand.

    python tools/schema_docs.py           # rewrite the tables in docs/data-format.md
    python tools/schema_docs.py --check   # exit 1 when they are out of date (tests/test_docs.py)
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.read import schema as S  # noqa: E402

log = logging.getLogger(__name__)

DOC = ROOT / "docs" / "data-format.md"
BLOCK = re.compile(
    r"(<!-- BEGIN schema (?P<stem>[a-z]+) -->\n)(?P<body>.*?)(<!-- END schema (?P=stem) -->)",
    re.S,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kind_text(f: S.Field) -> str:
    """How a value of ``f`` is written, in words: kind, choices, digits, range, unit."""
    if f.kind == S.RECORDS:
        subs = "、".join(f"{s.label}{'（必填）' if s.required else ''}" for s in f.sub)
        return f"列表，每项含：{subs}"
    if f.kind == S.TEXT and f.digits:
        return f"{f.digits} 位数字"
    text = S.KIND_LABELS[f.kind]
    if f.kind == S.ENUM:
        text += "：" + "、".join(f"`{c}`" for c in f.choices)
    if f.kind == S.INT:
        if f.lo is not None and f.hi is not None:
            text += f"，{f.lo}–{f.hi}"
        elif f.lo is not None:
            text += f"，不小于 {f.lo}"
    if f.kind == S.NUMBER:
        text += "，不能为负"
    if f.unit:
        text += f"（{f.unit}）"
    return text


def notes_text(f: S.Field) -> str:
    parts = [f.help] if f.help else []
    if f.unique:
        parts.append("同一文件内不能重复")
    if f.free_text:
        parts.append("其中的身份证号、银行卡号自动打码并给出警告")
    return "；".join(parts)


def table(spec: S.FileSpec) -> str:
    """The Markdown table of one file's fields."""
    head = "| 字段 | 必填 | 怎么填 | 说明 |\n|---|---|---|---|\n"
    rows = "".join(
        f"| {_cell(f.label)} | {'是' if f.required else ''} | {_cell(kind_text(f))} | "
        f"{_cell(notes_text(f))} |\n"
        for f in spec.fields
    )
    return head + rows


def specs() -> dict[str, S.FileSpec]:
    """Every file's spec by stem, and ``cadre``: the fields of one item of village.yaml's 干部."""
    out = {s.stem: s for s in S.ALL_SPECS}
    out["cadre"] = S.FileSpec("cadre", "干部", "list", S.CADRE)
    return out


def render(doc: str) -> str:
    """``doc`` with every schema block replaced by the current table."""
    known = specs()

    def one(m: re.Match[str]) -> str:
        stem = m.group("stem")
        if stem not in known:
            raise SystemExit(f"{DOC}: 没有名为 {stem} 的文件格式（schema.py 里有：{'、'.join(known)}）")
        return m.group(1) + table(known[stem]) + m.group(4)

    return BLOCK.sub(one, doc)


def blocks(doc: str) -> list[str]:
    return [m.group("stem") for m in BLOCK.finditer(doc)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="由 schema.py 生成 docs/data-format.md 里的字段表")
    ap.add_argument("--check", action="store_true", help="只检查是否最新，不修改文件")
    args = ap.parse_args(argv)
    doc = DOC.read_bytes().decode("utf-8")
    new = render(doc)
    missing = sorted(set(specs()) - set(blocks(doc)))
    if missing:
        print(f"{DOC} 缺少这些文件的字段表：{'、'.join(missing)}", file=sys.stderr)
        return 1
    if args.check:
        if new != doc:
            print(f"{DOC} 的字段表与 schema.py 不一致，请运行 python tools/schema_docs.py",
                  file=sys.stderr)
            return 1
        return 0
    if new != doc:
        DOC.write_bytes(new.encode("utf-8"))
        print(f"已更新 {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
