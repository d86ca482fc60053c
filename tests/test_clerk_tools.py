"""Clerks' tools: ``new`` (a village folder that passes check) and ``template`` (one .xlsx per
table, from the schema), each used the way a clerk would."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import CASES
from openpyxl.utils import get_column_letter

from generator.clerk.workbook import EXAMPLES
from generator.read import schema as S

VILLAGE = "qinghe-xian/dongguan-zhen"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", dst)
    (dst / VILLAGE / "township.yaml").write_text("名称: 东关镇\n代码: 419901100\n", encoding="utf-8")
    return dst


# ----------------------------------------------------------------------------- new
def test_new_village_passes_check_at_once(cli, data: Path) -> None:
    r = cli("new", f"{VILLAGE}/xinzhuang-cun", "--name", "新庄社区", "--code", "419901100299",
            "--data", data)
    assert r.code == 0, r.err
    text = (data / VILLAGE / "xinzhuang-cun" / "village.yaml").read_text(encoding="utf-8")
    assert "名称: 新庄社区" in text and "类型: 社区" in text and "# 干部:" in text
    r = cli("check", "--data", data)
    assert r.code == 0, r.err
    assert r.lines[-1] == "检查通过。"


@pytest.mark.parametrize(("where", "name", "code", "message"), [
    (f"{VILLAGE}/XinZhuang", "新庄村", "419901100299", "文件夹名“XinZhuang”不合规"),
    (f"{VILLAGE}/xinzhuang-cun", "新庄村", "41990110029", "应为 12 位数字"),
    (f"{VILLAGE}/xinzhuang-cun", "新庄村", "419901101299", "不在本乡镇的代码 419901100 之下"),
    (f"{VILLAGE}/xinzhuang-cun", "刘庄村", "419901100299", "已经叫“刘庄村”"),
    (f"{VILLAGE}/xinzhuang-cun", "新庄村", "419901100201", "已经用了代码 419901100201"),
    (f"{VILLAGE}/liuzhuang-cun", "新庄村", "419901100299", "已经存在"),
    ("qinghe-xian/nowhere-zhen/xinzhuang-cun", "新庄村", "419901100299", "township.yaml 不存在"),
])
def test_new_refuses_what_check_would_refuse(cli, data: Path, where: str, name: str, code: str,
                                             message: str) -> None:
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    r = cli("new", where, "--name", name, "--code", code, "--data", data)
    assert r.code == 2
    assert message in r.err
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before  # nothing written


# ----------------------------------------------------------------------------- template
@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.cli import main

    out = tmp_path_factory.mktemp("templates")
    assert main(["template", "--out", str(out)]) == 0
    return out


def _formats(ws) -> dict[str, str]:
    """Column letter → number format, resolving openpyxl's grouped column ranges."""
    out = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            out[get_column_letter(i)] = dim.number_format
    return out


def _validations(ws) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[get_column_letter(rng.min_col)] = dv
    return out


@pytest.mark.parametrize("stem", list(S.TABLES))
def test_template_headers_dropdowns_and_text_columns(templates: Path, stem: str) -> None:
    spec = S.TABLES[stem]
    wb = openpyxl.load_workbook(templates / f"{stem}.xlsx")
    assert wb.sheetnames == [spec.label, "示例", "说明"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [f.label for f in spec.fields]
    assert ws.max_row == 1  # no example rows on the sheet the generator reads
    formats, validations = _formats(ws), _validations(ws)
    for i, f in enumerate(spec.fields, start=1):
        col = get_column_letter(i)
        if f.kind == S.ENUM:
            dv = validations[col]
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(f.choices) + '"'
        if f.kind in (S.IDNO, S.TEXT, S.FILE, S.MONTH):
            assert formats[col] == "@", f.label  # Excel keeps 身份证号 and 编号 as typed
        if f.kind == S.DATE:
            assert formats[col] == "yyyy-mm-dd", f.label
    explained = [row[0].value for row in wb["说明"].iter_rows(min_row=6)]
    assert explained == [f.label for f in spec.fields]


def _fill(template: Path, stem: str, dst: Path) -> None:
    """What a clerk does: type the example rows into the first sheet and save."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    labels = [c.value for c in ws[1]]
    for r, row in enumerate(EXAMPLES[stem], start=2):
        for c, label in enumerate(labels, start=1):
            v = row.get(label)
            if v is None:
                continue
            if isinstance(v, dt.date):
                v = dt.datetime(v.year, v.month, v.day)
            ws.cell(r, c, v)
    wb.save(dst)


def _as_csv_utf8(xlsx: Path, dst: Path) -> None:
    """Excel's "CSV UTF-8" of the first sheet: BOM, cells as displayed (dates by their format)."""
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    with open(dst, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        for row in ws.iter_rows():
            cells = []
            for c in row:
                v = c.value
                if isinstance(v, dt.datetime):
                    v = v.strftime("%Y-%m-%d")
                elif isinstance(v, float) and c.number_format == "#,##0.00":
                    v = f"{v:,.2f}"
                cells.append("" if v is None else v)
            w.writerow(cells)


@pytest.mark.parametrize("route", ["xlsx", "csv"])
def test_filled_templates_pass_check(cli, data: Path, templates: Path, tmp_path: Path,
                                     route: str) -> None:
    village = data / VILLAGE / "liuzhuang-cun"
    for stem in S.TABLES:
        for old in village.glob(f"{stem}.*"):
            old.unlink()
        filled = tmp_path / f"{stem}.xlsx"
        _fill(templates / f"{stem}.xlsx", stem, filled)
        if route == "xlsx":
            shutil.copy(filled, village / f"{stem}.xlsx")
        else:
            _as_csv_utf8(filled, village / f"{stem}.csv")
    r = cli("check", "--data", data, "--as-of", "2026-11-28")
    assert r.code == 0, r.err
    assert not [ln for ln in r.lines if "错误" in ln], r.err


# ----------------------------------------------------------------------------- dictionary page
def test_dictionary_page_teaches_every_field_and_form(cli, data: Path, tmp_path: Path) -> None:
    import html

    out = tmp_path / "site"
    assert cli("build", "--data", data, "--out", out, "--as-of", "2026-11-28").code == 0
    page = html.unescape((out / "qinghe-xian/info/dictionary/index.html").read_text("utf-8"))
    assert "表头必须在第 1 行" in page and "CSV UTF-8" in page and "不要用 Tab" in page
    assert "公示结束: 2025-04-09" in page  # a notice example with its front matter
    for kind, forms in S.ACCEPTED.items():
        if kind != S.TEXT:
            assert forms in page, kind
    for spec in S.ALL_SPECS:
        for f in spec.fields:
            assert S.column_help(f) in page, f.label
            for sub in f.sub:  # 干部's own fields, as a table
                assert f"<th scope=\"row\">{sub.label}</th>" in page
