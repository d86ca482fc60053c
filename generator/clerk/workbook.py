"""Spreadsheet templates for clerks: one ``.xlsx`` per table, made from the schema.

The first sheet is the table itself (the generator reads only the first sheet): the exact
header row, drop-down lists for every enumerated column, ID/phone/code columns formatted as
text (so Excel never turns ``410122198503150008`` into ``4.10122E+17``), date columns
formatted as dates and money as ``#,##0.00``. A second sheet 示例 shows filled rows (never
read by the generator: examples on the data sheet would be published by a clerk who forgot to
delete them); a third sheet 说明 lists each column's meaning, unit and accepted forms.
Everything comes from ``read.schema``, so the templates never drift from what ``check``
accepts.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from generator.read import schema as S

log = logging.getLogger(__name__)

ROWS = 5000  # rows prepared with formats and drop-downs (a village table rarely has more)
DATA_SHEET_HINT = "从第 2 行开始填写；表头（第 1 行）不要改动"

# Example rows (the 示例 sheet), by table and column label; columns not listed stay empty.
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "finance": [
        {"日期": dt.date(2026, 10, 8), "凭证号": "记-018", "类型": "支出", "科目": "公益支出",
         "摘要": "村内道路路灯维修材料费", "金额": 1860.0, "经手人": "王建国", "审批人": "李卫东"},
        {"日期": dt.date(2026, 10, 15), "凭证号": "记-019", "类型": "收入", "科目": "补助收入",
         "摘要": "镇财政拨付村级组织运转经费", "金额": 30000.0},
    ],
    "balances": [
        {"月份": "2026-09", "期初余额": 52000.0, "本月收入": 3000.0, "本月支出": 1500.0,
         "期末余额": 53500.0},
        {"月份": "2026-10", "期初余额": 53500.0, "本月收入": 30000.0, "本月支出": 1860.0,
         "期末余额": 81640.0},
    ],
    "assets": [
        {"编号": "ZC-001", "名称": "村委会办公楼", "类别": "非经营性", "数量": 1, "单位": "栋",
         "原值": 860000.0, "购建日期": dt.date(2012, 6, 30), "位置": "村委会大院", "状态": "在用"},
    ],
    "resources": [
        {"编号": "ZY-001", "名称": "北坡机动地", "类型": "耕地", "面积": 35.5, "位置": "村北",
         "承包方": "刘庄种植专业合作社", "合同编号": "HT-2023-001",
         "开始日期": dt.date(2023, 1, 1), "结束日期": dt.date(2027, 12, 31), "年租金": 24850.0},
    ],
    "contracts": [
        {"合同编号": "HT-2023-001", "名称": "北坡机动地发包合同", "相对方": "刘庄种植专业合作社",
         "类型": "发包", "金额": 124250.0, "签订日期": dt.date(2022, 12, 20),
         "开始日期": dt.date(2023, 1, 1), "结束日期": dt.date(2027, 12, 31), "状态": "履行中"},
    ],
    "welfare": [
        {"项目": "低保", "姓名": "张秀兰", "身份证号": "419901195001010028", "家庭人口": 2,
         "金额": 700.0, "发放日期": dt.date(2026, 10, 10), "发放方式": "社会保障卡"},
    ],
    "projects": [
        {"项目编号": "XM-2026-01", "名称": "村内主干道硬化", "类别": "道路", "资金来源": "一事一议财政奖补",
         "预算金额": 380000.0, "已拨付金额": 150000.0, "实施单位": "青禾县路桥工程公司",
         "开工日期": dt.date(2026, 5, 6), "计划完工日期": dt.date(2026, 12, 30), "进度": 60,
         "状态": "施工中"},
    ],
}

_TEXT_LIKE = {S.TEXT, S.IDNO, S.FILE, S.FILES, S.URL, S.ENUM}


def template_names() -> list[str]:
    return [f"{stem}.xlsx" for stem in S.TABLES]


def write_templates(out: Path) -> list[Path]:
    """Write one template per table into ``out``; returns the files written."""
    import xlsxwriter  # imported here: only this command needs it

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, spec in S.TABLES.items():
        path = out / f"{stem}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        wb.set_properties({"title": f"{spec.label}（{stem}.xlsx）", "created": dt.datetime(2026, 1, 1)})
        _data_sheet(wb, spec)
        _example_sheet(wb, spec, EXAMPLES.get(stem, []))
        _help_sheet(wb, spec, stem)
        wb.close()
        written.append(path)
        log.debug("wrote %s", path)
    return written


def _formats(wb) -> dict[str, object]:
    return {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                 "text_wrap": True, "valign": "vcenter"}),
        "required": wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1,
                                   "text_wrap": True, "valign": "vcenter"}),
        S.TEXT: wb.add_format({"num_format": "@"}),
        S.DATE: wb.add_format({"num_format": "yyyy-mm-dd"}),
        S.MONEY: wb.add_format({"num_format": "#,##0.00"}),
        S.MONTH: wb.add_format({"num_format": "@"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _column_format(fmt: dict[str, object], f: S.Field) -> object | None:
    if f.kind in _TEXT_LIKE or f.kind == S.MONTH:
        return fmt[S.TEXT]  # text: Excel keeps 身份证号, 编号 and 0371-… as typed
    if f.kind in (S.DATE, S.MONEY):
        return fmt[f.kind]
    return None


def _data_sheet(wb, spec: S.FileSpec) -> None:
    fmt = _formats(wb)
    ws = wb.add_worksheet(spec.label[:31])
    ws.freeze_panes(1, 0)
    for col, f in enumerate(spec.fields):
        ws.write_string(0, col, f.label, fmt["required" if f.required else "header"])
        ws.set_column(col, col, max(10, 2 * len(f.label) + 4), _column_format(fmt, f))
        tip = S.column_help(f)
        ws.write_comment(0, col, ("必填。" if f.required else "可不填。") + tip,
                         {"x_scale": 2, "y_scale": 1.5})
        if f.choices:
            ws.data_validation(1, col, ROWS, col, {
                "validate": "list", "source": list(f.choices),
                "error_title": f.label, "error_message": "只能选：" + "、".join(f.choices),
            })
        elif f.kind == S.DATE:
            ws.data_validation(1, col, ROWS, col, {
                "validate": "date", "criteria": "between",
                "minimum": dt.date(1949, 10, 1), "maximum": dt.date(2100, 12, 31),
                "error_title": f.label, "error_message": "请填写日期，如 2026-10-08",
                "error_type": "warning",
            })
        elif f.kind == S.MONEY:
            ws.data_validation(1, col, ROWS, col, {
                "validate": "decimal", "criteria": ">=", "value": 0,
                "error_title": f.label, "error_message": "金额不能为负数，最多两位小数",
                "error_type": "warning",
            })
    ws.set_row(0, 30)


def _example_sheet(wb, spec: S.FileSpec, rows: list[dict[str, object]]) -> None:
    fmt = _formats(wb)
    ws = wb.add_worksheet("示例")
    ws.write_string(0, 0, "示例（本页不会被读取，只供参考；请在第一个工作表里填写）")
    for col, f in enumerate(spec.fields):
        ws.write_string(1, col, f.label, fmt["header"])
        ws.set_column(col, col, max(10, 2 * len(f.label) + 4), _column_format(fmt, f))
        for r, row in enumerate(rows, start=2):
            v = row.get(f.label)
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, col, dt.datetime(v.year, v.month, v.day), fmt[S.DATE])
            elif isinstance(v, int | float):
                ws.write_number(r, col, v, fmt[S.MONEY] if f.kind == S.MONEY else None)
            else:
                ws.write_string(r, col, str(v))


def _help_sheet(wb, spec: S.FileSpec, stem: str) -> None:
    fmt = _formats(wb)
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 70, fmt["wrap"])
    ws.write_string(0, 0, f"{spec.label}：保存为 {stem}.xlsx，或在 Excel 里“另存为 CSV UTF-8”得到 {stem}.csv")
    ws.write_string(1, 0, "只读取第一个工作表；表头必须在第 1 行；空行会跳过；不认识的列会报错。")
    if spec.help:
        ws.write_string(2, 0, spec.help)
    ws.write_row(4, 0, ["列名", "必填", "怎么填"], fmt["header"])
    for r, f in enumerate(spec.fields, start=5):
        text = S.column_help(f) + (f"。{f.help}" if f.help else "")
        ws.write_row(r, 0, [f.label, "是" if f.required else "否", text])
