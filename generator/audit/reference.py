"""Reference tables for the audit (死亡人员, 财政供养人员, …): their schema, declared once as
data, and a reader that validates them with located messages (``ref/死亡人员.csv:12: 身份证号: …``).

Reference files come from other departments and are never published. Each is optional; a
missing one is reported as ``missing`` so that the rules needing it are skipped (and said so).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generator.errors import BadValue, Problem
from generator.read import schema as S
from generator.read import values
from generator.read.tables import read_table

log = logging.getLogger(__name__)

IDLIST = "idlist"  # several 身份证号 in one cell, separated by ; or ；

F = S.Field

WELFARE_PROGRAMS = next(f.choices for f in S.WELFARE.fields if f.attr == "program")

DEATHS = S.FileSpec("死亡人员", "死亡人员", "table", (
    F("姓名", "name"),
    F("身份证号", "idno", S.IDNO, required=True),
    F("死亡日期", "died", S.DATE, required=True),
), help="公安、民政或殡葬管理部门的死亡人员名单")

PAYROLL = S.FileSpec("财政供养人员", "财政供养人员", "table", (
    F("姓名", "name"),
    F("身份证号", "idno", S.IDNO, required=True),
    F("单位", "unit"),
), help="财政部门的财政供养（工资统发）人员名单")

CADRES = S.FileSpec("干部及亲属", "干部及亲属", "table", (
    F("村", "village", required=True, digits=12, help="村的 12 位行政区划代码（village.yaml 的 代码）"),
    F("干部姓名", "cadre_name"),
    F("干部身份证号", "cadre_id", S.IDNO, required=True),
    F("亲属姓名", "relative_name"),
    F("亲属身份证号", "relative_id", S.IDNO),
    F("关系", "relation"),
), help="村干部及其近亲属名单（组织部门、乡镇纪委）")

COMPANIES = S.FileSpec("企业登记", "企业登记", "table", (
    F("企业名称", "company", required=True),
    F("统一社会信用代码", "credit_code"),
    F("法定代表人", "legal_name"),
    F("法定代表人身份证号", "legal_id", S.IDNO),
    F("股东身份证号", "holder_ids", IDLIST, help="多个用分号 ; 隔开"),
), help="市场监管部门的企业登记信息")

STANDARDS = S.FileSpec("补助标准", "补助标准", "table", (
    F("项目", "program", S.ENUM, required=True, unique=True, choices=WELFARE_PROGRAMS),
    F("月标准金额上限", "cap", S.MONEY, required=True, unit="元"),
), help="民政等部门规定的每人每月发放上限")

SPECS: tuple[S.FileSpec, ...] = (DEATHS, PAYROLL, CADRES, COMPANIES, STANDARDS)


@dataclass
class Reference:
    """The reference tables found in REFDIR as DataFrames (``file`` and ``line`` columns give
    every row's location), the stems that are missing, and every problem found."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # stem → message path (ref/死亡人员.csv)
    missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def has(self, stem: str) -> bool:
        return stem in self.frames


_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_ID_CHECKS = np.frombuffer(b"10X98765432", dtype=np.uint8)


def valid_ids(cells: list[Any]) -> list[str | None]:
    """Each cell that is already a valid 18-character 身份证号 (ASCII, GB 11643 check digit),
    upper-cased; None for every other cell. The check digits of a whole column at once."""
    out: list[str | None] = [None] * len(cells)
    idx = [i for i, c in enumerate(cells) if type(c) is str and len(c) == 18 and c.isascii()]
    if not idx:
        return out
    ids = [cells[i].upper() for i in idx]
    a = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = a[:, :17] - 48  # a non-digit wraps around to a large value
    shape_ok = (digits <= 9).all(axis=1)
    check = _ID_CHECKS[(digits.astype(np.int64) * _ID_WEIGHTS).sum(axis=1) % 11]
    for k in np.flatnonzero(shape_ok & (a[:, 17] == check)):
        out[idx[k]] = ids[k]
    return out


def _fast_id(raw: Any) -> str | None:
    if type(raw) is str and len(raw) == 18 and raw.isascii() and values.id_check_ok(raw):
        return raw.upper()
    return None


def _convert(fld: S.Field, raw: Any) -> Any:
    """One cell → its value (None when empty); raises BadValue with a Chinese message."""
    if raw is None or raw == "":
        return None
    kind = fld.kind
    if kind == S.IDNO:
        return _fast_id(raw) or values.parse_id(raw)
    if kind == IDLIST:
        text = raw if isinstance(raw, str) else str(raw)
        parts = [p.strip() for p in text.replace("；", ";").split(";")]
        return tuple(_fast_id(p) or values.parse_id(p) for p in parts if p)
    if kind == S.DATE:
        if type(raw) is str and len(raw) == 10:
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        return values.parse_date(raw)
    if kind == S.MONEY:
        return values.parse_money(raw)
    if isinstance(raw, float) and raw.is_integer():  # an Excel number cell
        text = str(int(raw))
    else:
        text = raw.strip() if isinstance(raw, str) else str(raw)
    if kind == S.ENUM and text not in fld.choices:
        raise BadValue(f'"{text}" 不是可选的值（可选：{"、".join(fld.choices)}）')
    if fld.digits and not (len(text) == fld.digits and text.isascii() and text.isdigit()):
        raise BadValue(f'"{text}" 应为 {fld.digits} 位数字')
    return text


_SLOW = object()


def _fast_column(fld: S.Field, raws: list[Any]) -> list[Any]:
    """The cells in their common form converted at once; ``_SLOW`` where ``_convert`` must
    look (and possibly report)."""
    slow = _SLOW
    if fld.kind == S.IDNO:
        return [None if r == "" else v if v is not None else slow
                for r, v in zip(raws, valid_ids(raws), strict=True)]
    if fld.kind == S.TEXT and not fld.digits:
        return [None if r == "" else r if type(r) is str else slow for r in raws]
    if fld.kind == S.DATE:
        iso = dt.date.fromisoformat
        out: list[Any] = []
        for r in raws:
            if r == "":
                out.append(None)
            elif type(r) is str and len(r) == 10 and r[4] == "-" and r[7] == "-":
                try:
                    out.append(iso(r))
                except ValueError:
                    out.append(slow)
            else:
                out.append(slow)
        return out
    return [None if r == "" else slow for r in raws]


def find_file(refdir: Path, stem: str, shown: str, problems: list[Problem]) -> Path | None:
    csv, xlsx = refdir / f"{stem}.csv", refdir / f"{stem}.xlsx"
    if csv.exists() and xlsx.exists():
        problems.append(Problem(f"{shown}/{stem}.xlsx", 1, "文件",
                                f"与 {stem}.csv 同时存在，只能保留一个"))
        return None
    return csv if csv.exists() else xlsx if xlsx.exists() else None


def read_reference_table(path: Path, rel: str, spec: S.FileSpec,
                         problems: list[Problem]) -> pd.DataFrame | None:
    """One reference file → a DataFrame with ``line`` plus one column per field (attr names);
    every bad cell and header reported into ``problems``. None when unreadable."""
    table, found = read_table(path, rel)
    problems.extend(found)
    if table is None:
        return None
    by_label = spec.by_label()
    for name in table.header:
        if name not in by_label:
            problems.append(Problem(rel, 1, name, f"未知的列，已忽略（可用的列：{'、'.join(by_label)}）",
                                    warning=True))
    missing = [f.label for f in spec.fields if f.required and f.label not in table.header]
    for label in missing:
        problems.append(Problem(rel, 1, label, "缺少必填列"))
    if missing:
        return None
    usable = [f for f in spec.fields if f.label in table.header]
    rows = table.rows
    all_lines = [r.line for r in rows]
    bad: dict[int, list[Problem]] = {}  # row index → its problems, in column order
    columns: list[list[Any]] = []
    for fld in usable:
        j = table.header.index(fld.label)
        raws = [r.values[j] for r in rows]
        vals = _fast_column(fld, raws)
        for i in [i for i, v in enumerate(vals) if v is _SLOW]:
            try:
                vals[i] = _convert(fld, raws[i])
            except BadValue as e:
                bad.setdefault(i, []).append(Problem(rel, all_lines[i], fld.label, str(e)))
                vals[i] = None
                continue
        if fld.required:
            for i in [i for i, v in enumerate(vals) if v is None]:
                if not any(p.field == fld.label for p in bad.get(i, ())):
                    bad.setdefault(i, []).append(Problem(rel, all_lines[i], fld.label,
                                                         "必填，不能为空"))
        if fld.unique:
            seen: dict[Any, int] = {}
            for i, v in enumerate(vals):
                if v is None:
                    continue
                prev = seen.setdefault(v, all_lines[i])
                if prev != all_lines[i]:
                    bad.setdefault(i, []).append(Problem(
                        rel, all_lines[i], fld.label, f'"{v}" 与第 {prev} 行重复，{fld.label}不能重复'))
        columns.append(vals)
    for i in sorted(bad):
        problems.extend(bad[i])
    keep = [i for i in range(len(rows)) if i not in bad]
    lines = [all_lines[i] for i in keep]
    if len(keep) < len(rows):
        columns = [[col[i] for i in keep] for col in columns]
    data: dict[str, Any] = {"line": lines}
    for fld, col in zip(usable, columns, strict=True):
        data[fld.attr] = col
    for fld in spec.fields:  # optional columns that are absent: empty
        data.setdefault(fld.attr, [None] * len(lines))
    frame = pd.DataFrame(data)
    frame.insert(0, "file", rel)
    return frame


def load_reference(refdir: Path) -> Reference:
    """Read every reference file present in ``refdir``; messages name ``<refdir name>/<file>``."""
    ref = Reference()
    shown = refdir.name or "ref"
    for spec in SPECS:
        path = find_file(refdir, spec.stem, shown, ref.problems)
        if path is None:
            if not any(p.path.startswith(f"{shown}/{spec.stem}.") for p in ref.problems):
                ref.missing.append(spec.stem)
            continue
        rel = f"{shown}/{path.name}"
        frame = read_reference_table(path, rel, spec, ref.problems)
        if frame is not None:
            ref.frames[spec.stem] = frame
            ref.files[spec.stem] = rel
    return ref
