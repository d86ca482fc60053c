"""Charts and QR codes as inline SVG strings, made at build time (no chart JavaScript).

Every function is pure: data in, SVG text out. Labels come from clerks' files, so every
piece of text is escaped here. A chart is an ``<svg role="img">`` whose ``<title>`` and
``<desc>`` say in words what the bars show; the page shows the same numbers in a table.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import segno

log = logging.getLogger(__name__)

# Dark enough for 3:1 against white (WCAG 1.4.11), distinct in greyscale print too.
COLOURS = ("#1e6b34", "#b3261e", "#0b57d0", "#7a4b00")

WIDTH = 360  # viewBox units; the SVG scales to its box (CSS caps it on wide screens)
LABEL_W = 92  # room for a label such as "2026年10月" or "村集体土地"
VALUE_W = 84  # room for the value after a bar
BAR_H = 14
GAP = 6
FONT = 12


@dataclass(frozen=True)
class Series:
    """One kind of bar (e.g. 收入) and its colour index."""

    name: str
    colour: int = 0


def _esc(s: object) -> str:
    return html.escape(str(s), quote=True)


def short_amount(d: Decimal | int | None) -> str:
    """Compact label for a bar: 1.23万, 456, 1.2亿."""
    if d is None:
        return "—"
    d = Decimal(d)
    a = abs(d)
    if a >= Decimal(100_000_000):
        return f"{d / Decimal(100_000_000):,.2f}亿"
    if a >= Decimal(10_000):
        return f"{d / Decimal(10_000):,.2f}万"
    return f"{d:,.0f}"


def _said(v: Decimal | int | None, unit: str) -> str:
    return "未填" if v is None else f"{short_amount(v)}{unit}"


def _units(ch: str) -> float:
    return 0.6 if ord(ch) < 0x2E80 else 1.0


def _fit(label: str, limit: float = 7.0) -> str:
    """Cut labels wider than ``limit`` CJK characters (digits count 0.6) with an ellipsis;
    the full text stays in the bar's <title> and in the table."""
    if sum(_units(c) for c in label) <= limit:
        return label
    out, used = "", 1.0
    for c in label:
        if used + _units(c) > limit:
            break
        out += c
        used += _units(c)
    return out + "…"


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[Decimal | int | None]]],
              series: Sequence[Series], unit: str = "元", note: str = "") -> str:
    """Horizontal bars: one group per row, one bar per series.

    ``rows`` is ``[(label, [value per series]), ...]`` in display order. Returns "" when
    there is nothing to draw. Negative values are drawn as empty bars (their number is
    still printed).
    """
    rows = [(str(label), list(vals)) for label, vals in rows]
    if not rows or not series:
        return ""
    for _label, vals in rows:
        if len(vals) != len(series):
            raise ValueError("每行的数值个数应与系列个数相同")
    biggest = max((Decimal(v) for _l, vals in rows for v in vals if v is not None), default=Decimal(0))
    scale_w = WIDTH - LABEL_W - VALUE_W
    legend_h = 22 if len(series) > 1 else 0
    group_h = len(series) * BAR_H + (len(series) - 1) * 2
    height = legend_h + len(rows) * (group_h + GAP) + GAP
    tid, did = f"{chart_id}-t", f"{chart_id}-d"
    words = []
    for label, vals in rows:
        parts = [f"{s.name}{_said(v, unit)}" for s, v in zip(series, vals, strict=True)]
        words.append(f"{label}：" + "，".join(parts))
    desc = "；".join(words) + "。" + (note or "")
    out = [
        f'<svg class="chart" id="{_esc(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{tid} {did}" font-size="{FONT}" '
        f'font-family="system-ui, sans-serif">',
        f'<title id="{tid}">{_esc(title)}</title>',
        f'<desc id="{did}">{_esc(desc)}</desc>',
    ]
    if legend_h:
        x = LABEL_W
        for s in series:
            out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[s.colour % len(COLOURS)]}"/>'
                       f'<text x="{x + 16}" y="15" fill="#1a1a1a">{_esc(s.name)}</text>')
            x += 16 + FONT * (len(s.name) + 2)
    y = legend_h + GAP
    for label, vals in rows:
        mid = y + group_h / 2 + FONT / 2 - 2
        out.append(f'<text x="{LABEL_W - 6}" y="{mid:g}" text-anchor="end" fill="#1a1a1a">'
                   f'{_esc(_fit(label))}</text>')
        by = y
        for s, v in zip(series, vals, strict=True):
            value = Decimal(v) if v is not None else Decimal(0)
            w = 0.0 if biggest <= 0 or value <= 0 else float(value / biggest) * scale_w
            w = max(w, 1.0) if value > 0 else 0.0
            colour = COLOURS[s.colour % len(COLOURS)]
            out.append(f'<rect class="bar" x="{LABEL_W}" y="{by}" width="{w:.1f}" height="{BAR_H}" '
                       f'fill="{colour}"><title>{_esc(label)} {_esc(s.name)} '
                       f'{_esc(_said(v, unit))}</title></rect>')
            out.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{by + BAR_H - 3}" fill="#1a1a1a">'
                       f'{_esc(short_amount(v))}</text>')
            by += BAR_H + 2
        y += group_h + GAP
    out.append("</svg>")
    return "".join(out)


def progress_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int | None]]) -> str:
    """Horizontal 0–100 % bars (project progress). Rows without a value are left out."""
    rows = [(str(label), int(p)) for label, p in rows if p is not None]
    if not rows:
        return ""
    scale_w = WIDTH - LABEL_W - 44
    height = len(rows) * (BAR_H + GAP) + GAP
    tid, did = f"{chart_id}-t", f"{chart_id}-d"
    desc = "；".join(f"{label}：完成{p}%" for label, p in rows) + "。"
    out = [
        f'<svg class="chart" id="{_esc(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{tid} {did}" font-size="{FONT}" font-family="system-ui, sans-serif">',
        f'<title id="{tid}">{_esc(title)}</title>',
        f'<desc id="{did}">{_esc(desc)}</desc>',
    ]
    y = GAP
    for label, p in rows:
        p = max(0, min(100, p))
        w = scale_w * p / 100
        out.append(f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 3}" text-anchor="end" fill="#1a1a1a">'
                   f'{_esc(_fit(label))}</text>'
                   f'<rect x="{LABEL_W}" y="{y}" width="{scale_w}" height="{BAR_H}" fill="#fff" '
                   f'stroke="#6b6b6b"/>'
                   f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                   f'fill="{COLOURS[2]}"><title>{_esc(label)} {p}%</title></rect>'
                   f'<text x="{LABEL_W + scale_w + 4}" y="{y + BAR_H - 3}" fill="#1a1a1a">{p}%</text>')
        y += BAR_H + GAP
    out.append("</svg>")
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _qr(data: str) -> segno.QRCode:
    """The QR code (version chosen by segno, error correction M, the data mask segno
    chooses). Cached: a village's page and poster show the same code, and every poster the
    county's 举报 code."""
    import segno  # imported by the first page with a code

    return segno.make(data, error="m", micro=False)


def qr_svg(data: str, title: str = "二维码") -> str:
    """A QR code (error correction M) as inline SVG that scales to its box (viewBox, no size)."""
    qr = _qr(data)
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, title=title, svgclass="qr",
                        lineclass=None, dark="#000", light="#fff")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_esc(title)}" ', 1)


# -- the site's charts: view objects in, SVG out ---------------------------------------------
LEDGER_MONTHS = 12


def ledger_chart(months: Sequence) -> str:
    """收入/支出 per month, newest first (views.LedgerMonth), at most the last 12 months."""
    shown = list(months)[:LEDGER_MONTHS]
    note = f"只画出最近 {LEDGER_MONTHS} 个月，全部月份见下表。" if len(months) > LEDGER_MONTHS else ""
    return bar_chart("ch-ledger", "各月收入和支出（元）",
                     [(m.label, [m.income, m.expense]) for m in shown],
                     [Series("收入", 0), Series("支出", 1)], note=note)


def welfare_chart(programs: Sequence) -> str:
    """Welfare paid per program (views.ProgramTotal)."""
    return bar_chart("ch-welfare", "惠民资金按项目发放金额（元）",
                     [(p.program, [p.total]) for p in programs], [Series("发放金额", 0)])


def projects_chart(projects: Sequence) -> str:
    """Budget vs paid per project (model.Project)."""
    return bar_chart("ch-projects", "各项目预算和已拨付（元）",
                     [(p.name, [p.budget, p.paid]) for p in projects],
                     [Series("预算", 2), Series("已拨付", 0)])


def progress_of(projects: Sequence) -> str:
    return progress_chart("ch-progress", "各项目进度（%）", [(p.name, p.progress) for p in projects])


def assets_chart(groups: Sequence) -> str:
    """Asset value per category; ``groups`` is views.group_by(assets, "category")."""
    rows = []
    for cat, items in groups:
        rows.append((cat, [sum((a.value or Decimal(0) for a in items), Decimal(0))]))
    return bar_chart("ch-assets", "资产按类别的原值（元）", rows, [Series("原值", 3)])
