"""Numbers and groupings the pages show: sums, per-month summaries, welfare expiry.

Everything a template displays that needs arithmetic or grouping is computed
here, where it can be tested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import markupsafe

from generator.model.records import Asset, Contract, FinanceRow, Resource, Village, WelfareRow

T = TypeVar("T")
ZERO = Decimal("0.00")
PAGE_ROWS = 200  # rows per page of a long table


def yuan(d: Decimal | int | None) -> str:
    """Money for display: 1,234.50"""
    if d is None:
        return ""
    return f"{Decimal(d):,.2f}"


def wan(d: Decimal | None) -> str:
    """Big money for headlines: 1,234.56 万元 when ≥ 10,000."""
    if d is None:
        return ""
    if abs(d) >= 10000:
        return f"{(Decimal(d) / 10000):,.2f} 万元"
    return f"{Decimal(d):,.2f} 元"


def num(d: Decimal | int | None) -> str:
    if d is None:
        return ""
    if isinstance(d, Decimal):
        s = f"{d:,f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    return f"{d:,}"


def ledger_page(month: str, page: int = 1) -> str:
    """Path of a ledger month page below the village folder (files, not folders: fewer
    directories make rebuilds into a fresh folder much faster)."""
    return f"affairs/ledger/{month}{f'-{page}' if page > 1 else ''}.html"


def welfare_page(month: str, page: int = 1) -> str:
    return f"welfare/{month}{f'-{page}' if page > 1 else ''}.html"


def notice_page(slug: str) -> str:
    return f"affairs/notices/{slug}.html"


def month_label(m: str) -> str:
    return f"{int(m[:4])}年{int(m[5:7])}月"


@dataclass(frozen=True)
class SubjectTotal:
    kind: str
    subject: str
    total: Decimal
    count: int


@dataclass(frozen=True)
class LedgerMonth:
    month: str
    income: Decimal
    expense: Decimal
    subjects: tuple[SubjectTotal, ...]
    rows: tuple[FinanceRow, ...]

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def net(self) -> Decimal:
        return self.income - self.expense


def _per_village(fn: Callable[..., T]) -> Callable[..., T]:
    """Remember the last results of ``fn(rows, *args)`` for the very same ``rows`` object
    (identity, not equality: hashing thousands of rows would cost what it saves). Pages,
    search documents and downloads of one village all ask for the same groupings; the
    results are immutable or only read."""
    memo: dict[tuple, tuple[object, T]] = {}

    @functools.wraps(fn)
    def wrapper(rows: tuple, *args: object) -> T:
        key = (id(rows), *args)
        hit = memo.get(key)
        if hit is not None and hit[0] is rows:
            return hit[1]
        result = fn(rows, *args)
        if len(memo) >= 8:
            memo.clear()
        memo[key] = (rows, result)
        return result

    return wrapper


@_per_village
def ledger_months(rows: tuple[FinanceRow, ...]) -> list[LedgerMonth]:
    """Finance rows grouped by month (newest first), with 收入/支出 totals and 科目 subtotals."""
    groups: dict[str, list[FinanceRow]] = OrderedDict()
    for r in rows:
        groups.setdefault(r.month, []).append(r)
    out = []
    for month in sorted(groups, reverse=True):
        rs = groups[month]
        subj: dict[tuple[str, str], list[Decimal]] = {}
        inc = exp = ZERO
        for r in rs:
            if r.kind == "收入":
                inc += r.amount
            else:
                exp += r.amount
            subj.setdefault((r.kind, r.subject), []).append(r.amount)
        subjects = tuple(
            SubjectTotal(k, s, sum(v, ZERO), len(v))
            for (k, s), v in sorted(subj.items(), key=lambda kv: (kv[0][0] != "收入", -sum(kv[1]), kv[0][1]))
        )
        out.append(LedgerMonth(month, inc, exp, subjects, tuple(rs)))
    return out


LedgerLine = tuple[str, str, str, str, str, str, str, str]
WelfareLine = tuple[str, str, str, str, str, str, str, str]
_HTML_SPECIAL = re.compile("[&<>\"']")


def esc(s: str) -> str:
    """HTML-escaped text, byte for byte what Jinja's autoescape writes (markupsafe); text
    without any of ``& < > " '`` (nearly every cell) is returned as it is, without the cost
    of a Markup object."""
    return str(markupsafe.escape(s)) if _HTML_SPECIAL.search(s) else s


# The long tables (a village has thousands of ledger and welfare rows, hundreds of assets,
# resources and contracts) are rendered from these tuples of already escaped cells with the
# ``rows_html`` filter: every text cell goes through esc(); the others are digits and dates
# made here.
def _esc_column(texts: list[str]) -> list[str]:
    """``esc`` over a column: one search over the whole column when (as nearly always) no
    cell has anything to escape."""
    if _HTML_SPECIAL.search("\x00".join(texts)) is None:
        return texts
    return [esc(t) for t in texts]


def ledger_lines(rows: tuple[FinanceRow, ...]) -> list[LedgerLine]:
    """The cells of the ledger table, escaped: 日期, 凭证号, 类型, 科目, 摘要, 金额,
    经手/审批, 票据 file name ("" for none)."""
    return list(zip(
        [r.date.isoformat() for r in rows],
        _esc_column([r.voucher or "" for r in rows]),
        _esc_column([r.kind for r in rows]),
        _esc_column([r.subject for r in rows]),
        _esc_column([r.memo for r in rows]),
        [f"{r.amount:,.2f}" for r in rows],
        _esc_column([(r.handler or "") + (f" / {r.approver}" if r.approver else "") for r in rows]),
        _esc_column([r.attachment or "" for r in rows]),
        strict=True))


def welfare_lines(rows: tuple[WelfareRow, ...]) -> list[WelfareLine]:
    """The cells of a welfare list, escaped: 姓名, 项目, 身份证号 (masked), 家庭人口, 金额,
    发放日期, 方式, 备注."""
    return list(zip(
        _esc_column([r.name for r in rows]),
        _esc_column([r.program for r in rows]),
        _esc_column([r.idno or "" for r in rows]),
        [str(r.household) if r.household else "" for r in rows],
        [f"{r.amount:,.2f}" for r in rows],
        [r.paid.isoformat() for r in rows],
        _esc_column([r.method or "" for r in rows]),
        _esc_column([r.note or "" for r in rows]),
        strict=True))


def iso_date(d: dt.date | None) -> str:
    """A date as YYYY-MM-DD, "" for none (also the templates' ``date`` filter)."""
    return d.isoformat() if d else ""


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """A term: 2020-01-01 至 2025-12-31 (either end may be missing)."""
    return f"{iso_date(start)}{' 至 ' if start or end else ''}{iso_date(end)}"


def asset_lines(items: Iterable[Asset]) -> list[tuple[str, ...]]:
    """The cells of an asset table, escaped: 编号, 名称, 数量 and 单位, 原值, 购建日期, 位置,
    状态, 承租方, 年收益."""
    items = list(items)
    return list(zip(
        _esc_column([a.code for a in items]),
        _esc_column([a.name for a in items]),
        _esc_column([num(a.quantity) + (a.unit or "") for a in items]),
        [yuan(a.value) for a in items],
        [iso_date(a.acquired) for a in items],
        _esc_column([a.location or "" for a in items]),
        _esc_column([a.status or "" for a in items]),
        _esc_column([a.lessee or "" for a in items]),
        [yuan(a.income) for a in items],
        strict=True))


def resource_lines(items: Iterable[Resource]) -> list[tuple[str, ...]]:
    """The cells of the resource table, escaped: 编号, 名称, 类型, 面积, 位置, 承包方, 合同编号,
    期限, 年租金."""
    items = list(items)
    return list(zip(
        _esc_column([r.code for r in items]),
        _esc_column([r.name for r in items]),
        _esc_column([r.kind for r in items]),
        [num(r.area) for r in items],
        _esc_column([r.location or "" for r in items]),
        _esc_column([r.contractor or "" for r in items]),
        _esc_column([r.contract_no or "" for r in items]),
        [_span(r.start, r.end) for r in items],
        [yuan(r.rent) for r in items],
        strict=True))


def contract_lines(items: Iterable[Contract]) -> list[tuple[str, ...]]:
    """The cells of the contract table, escaped: 合同编号, 名称, 相对方, 类型, 金额, 签订日期,
    期限, 状态, 附件 file name ("" for none)."""
    items = list(items)
    return list(zip(
        _esc_column([c.code for c in items]),
        _esc_column([c.name for c in items]),
        _esc_column([c.party for c in items]),
        _esc_column([c.kind or "" for c in items]),
        [yuan(c.amount) for c in items],
        [iso_date(c.signed) for c in items],
        [_span(c.start, c.end) for c in items],
        _esc_column([c.status or "" for c in items]),
        _esc_column([c.attachment or "" for c in items]),
        strict=True))


def rows_html(lines: list[tuple[str, ...]], fmt: str, last_fmt: str = "",
              last_empty: str = "", anchor: str = "") -> markupsafe.Markup:
    """Table rows from lines of already escaped cells (``ledger_lines``, ``welfare_lines``):
    ``fmt % line`` per row, the template's row markup. With ``last_fmt``, the last cell is
    written ``last_fmt % cell`` when it is not empty and ``last_empty`` when it is (a link
    to an attachment or nothing). With ``anchor``, each row gets the id ``anchor`` + its
    number on the page (r1, r2 …): a search result links to the row it found."""
    if anchor:
        fmt = fmt.replace("<tr", f'<tr id="{anchor}%s"', 1)
        lines = [(str(i), *line) for i, line in enumerate(lines, 1)]
    if last_fmt or last_empty:
        out = [fmt % line[:-1] + (last_fmt % line[-1] if line[-1] else last_empty)
               for line in lines]
    else:
        out = [fmt % line for line in lines]
    return markupsafe.Markup("".join(out))


def paginate(rows: tuple, size: int = PAGE_ROWS) -> list[tuple]:
    if not rows:
        return [()]
    return [rows[i:i + size] for i in range(0, len(rows), size)]


@dataclass(frozen=True)
class ProgramTotal:
    program: str
    people: int
    rows: int
    total: Decimal


@dataclass(frozen=True)
class WelfareMonth:
    month: str
    withdrawn: bool  # names hidden by 个人信息公示天数
    programs: tuple[ProgramTotal, ...]
    total: Decimal
    people: int
    rows: tuple[WelfareRow, ...]  # empty when withdrawn

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def programs_text(self) -> str:
        """The month's programs as the welfare page lists them: "低保 3人、五保 1人"."""
        return "、".join(f"{p.program} {p.people}人" for p in self.programs)


def withdrawal_cutoff(as_of: dt.date, privacy_days: int | None) -> dt.date | None:
    """Welfare rows paid before this date are withdrawn (个人信息公示天数); None: never."""
    return as_of - dt.timedelta(days=privacy_days) if privacy_days is not None else None


def is_withdrawn(row: WelfareRow, as_of: dt.date, privacy_days: int | None) -> bool:
    cutoff = withdrawal_cutoff(as_of, privacy_days)
    return cutoff is not None and row.paid < cutoff


def _listed(rows: Iterable[WelfareRow], as_of: dt.date,
            privacy_days: int | None) -> tuple[WelfareRow, ...]:
    """The rows not withdrawn (``is_withdrawn`` over many rows: one cutoff, no call per row)."""
    cutoff = withdrawal_cutoff(as_of, privacy_days)
    if cutoff is None:
        return tuple(rows)
    return tuple(r for r in rows if r.paid >= cutoff)


def _people(rows: list[WelfareRow]) -> int:
    return len({(r.name, r.idno) for r in rows})


def _programs(rows: list[WelfareRow]) -> tuple[ProgramTotal, ...]:
    by: dict[str, list[WelfareRow]] = {}
    for r in rows:
        by.setdefault(r.program, []).append(r)
    return tuple(
        ProgramTotal(p, _people(rs), len(rs), sum((r.amount for r in rs), ZERO))
        for p, rs in sorted(by.items(), key=lambda kv: (-sum(r.amount for r in kv[1]), kv[0]))
    )


@_per_village
def welfare_months(rows: tuple[WelfareRow, ...], as_of: dt.date,
                   privacy_days: int | None) -> list[WelfareMonth]:
    """Welfare by month, newest first. A month is withdrawn when every row in it is expired;
    expired rows inside a partly expired month are counted but not listed."""
    groups: dict[str, list[WelfareRow]] = {}
    for r in rows:
        groups.setdefault(r.month, []).append(r)
    out = []
    for month in sorted(groups, reverse=True):
        rs = groups[month]
        listed = _listed(rs, as_of, privacy_days)
        out.append(WelfareMonth(month, not listed, _programs(rs), sum((r.amount for r in rs), ZERO),
                                _people(rs), listed))
    return out


@dataclass(frozen=True)
class WelfareSummary:
    programs: tuple[ProgramTotal, ...]
    total: Decimal
    people: int
    months: tuple[WelfareMonth, ...]
    withdrawn_rows: int
    cutoff: dt.date | None  # rows paid before this date are withdrawn


@_per_village
def welfare_summary(rows: tuple[WelfareRow, ...], as_of: dt.date,
                    privacy_days: int | None) -> WelfareSummary:
    months = welfare_months(rows, as_of, privacy_days)
    withdrawn = len(rows) - len(_listed(rows, as_of, privacy_days))
    return WelfareSummary(_programs(list(rows)), sum((r.amount for r in rows), ZERO),
                          _people(list(rows)), tuple(months), withdrawn,
                          withdrawal_cutoff(as_of, privacy_days))


def published_welfare(rows: tuple[WelfareRow, ...], as_of: dt.date,
                      privacy_days: int | None) -> tuple[WelfareRow, ...]:
    """Rows whose names may be published (not expired)."""
    return _listed(rows, as_of, privacy_days)


def total(rows, attr: str) -> Decimal:
    return sum((getattr(r, attr) or ZERO for r in rows), ZERO)


@dataclass(frozen=True)
class VillageTotals:
    records: int
    income: Decimal
    expense: Decimal
    welfare: Decimal
    projects_budget: Decimal
    notices: int
    latest_balance: Decimal | None
    # what residents search for, with how many records: welfare programs, project
    # categories, 合同 (the search page's chips, ``search_chips``)
    kinds: tuple[tuple[int, str, int], ...] = ()  # (CHIP_GROUPS index, kind, records)


# the chips' groups and how many of each: welfare programs, project categories, contracts
CHIP_GROUPS = (6, 4, 1)


def village_kinds(v: Village) -> tuple[tuple[int, str, int], ...]:
    counts: dict[tuple[int, str], int] = {}
    for r in v.welfare:
        if r.program != "其他":
            counts[(0, r.program)] = counts.get((0, r.program), 0) + 1
    for p in v.projects:
        if p.category and p.category != "其他":
            counts[(1, p.category)] = counts.get((1, p.category), 0) + 1
    if v.contracts:
        counts[(2, "合同")] = len(v.contracts)
    return tuple((g, k, n) for (g, k), n in sorted(counts.items()))


def search_chips(totals: list[VillageTotals]) -> list[str]:
    """The search page's chips: in each group the kinds with most records over ``totals``
    (then by name)."""
    counts: dict[tuple[int, str], int] = {}
    for t in totals:
        for g, kind, n in t.kinds:
            counts[(g, kind)] = counts.get((g, kind), 0) + n
    out: list[str] = []
    for g, most in enumerate(CHIP_GROUPS):
        ranked = sorted(((-n, k) for (gg, k), n in counts.items() if gg == g))
        out += [k for _n, k in ranked[:most] if k not in out]
    return out


def village_totals(v: Village) -> VillageTotals:
    inc = sum((r.amount for r in v.finance if r.kind == "收入"), ZERO)
    exp = sum((r.amount for r in v.finance if r.kind == "支出"), ZERO)
    bal = v.balances[-1].closing if v.balances else None
    return VillageTotals(v.record_count, inc, exp, total(v.welfare, "amount"),
                         total(v.projects, "budget"), len(v.notices), bal, village_kinds(v))


def group_by(items, attr: str) -> list[tuple[str, list]]:
    out: dict[str, list] = OrderedDict()
    for it in items:
        out.setdefault(getattr(it, attr) or "其他", []).append(it)
    return list(out.items())


# ----------------------------------------------------------------------------- withdrawn names
@dataclass(frozen=True)
class WithdrawnMention:
    """A withdrawn recipient's name found (and masked) in other published text."""

    file: str  # relative to the village folder: "notices/<slug>.md", "welfare" …
    line: int
    field: str
    masked: str


def mask_name(name: str) -> str:
    """A withdrawn name as published: its first character (the family name) and ``**``."""
    return name[0] + "**"


def withdrawn_names(v: Village, as_of: dt.date, privacy_days: int | None) -> frozenset[str]:
    """Names of recipients whose every row is withdrawn (个人信息公示天数), unless the same name
    is a cadre's or a current (listed) recipient's — those are published anyway."""
    cutoff = withdrawal_cutoff(as_of, privacy_days)
    if cutoff is None:
        return frozenset()
    expired = {r.name for r in v.welfare if r.paid < cutoff}
    if not expired:
        return frozenset()
    keep = {r.name for r in v.welfare if r.paid >= cutoff} | {c.name for c in v.cadres}
    return frozenset(n for n in expired - keep if len(n) >= 2)


# the text fields of each table's rows that can name a person (the cadres' own names are
# published anyway; codes, amounts and dates cannot hold a name)
_ROW_TEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "finance": (("memo", "摘要"), ("handler", "经手人"), ("approver", "审批人")),
    "assets": (("name", "名称"), ("location", "位置"), ("lessee", "承租方")),
    "resources": (("name", "名称"), ("location", "位置"), ("contractor", "承包方")),
    "contracts": (("name", "名称"), ("party", "相对方")),
    "projects": (("name", "名称"), ("builder", "实施单位"), ("note", "备注")),
    "welfare": (("note", "备注"),),
}


def name_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for every withdrawn name, longest first (欧阳过期甲 before 欧阳过期)."""
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))))


def withdraw_names(v: Village, as_of: dt.date, privacy_days: int | None,
                   table_files: dict[str, str] | None = None
                   ) -> tuple[Village, list[WithdrawnMention]]:
    """``v`` with every withdrawn name (``withdrawn_names``) masked in the other text it
    publishes — notices (title and body), the text fields of every table's rows (摘要,
    备注, contracts' 相对方, assets' 承租方, resources' 承包方 …, ``_ROW_TEXT``), the
    village's 简介 and 村规民约, 权责清单 and 预约办事 — and where each was found. Pages,
    downloads, feeds and search all take their text from the returned village
    (attachments: generator.read.attachments.withdraw_names)."""
    names = withdrawn_names(v, as_of, privacy_days)
    if not names:
        return v, []
    pattern = name_pattern(names)
    files = table_files or {}
    found: list[WithdrawnMention] = []

    def sub(text: str | None, file: str, line: int, field: str) -> str | None:
        if not text or pattern.search(text) is None:
            return text
        for m in dict.fromkeys(pattern.findall(text)):
            found.append(WithdrawnMention(file, line, field, mask_name(m)))
        return pattern.sub(lambda m: mask_name(m.group(0)), text)

    def quiet(text: str) -> str:
        return pattern.sub(lambda m: mask_name(m.group(0)), text)

    notices = []
    for n in v.notices:
        where = f"notices/{n.slug}.md"
        title = sub(n.title, where, 1, "标题") or n.title
        body = sub(n.body_html, where, 1, "正文") or n.body_html
        notices.append(dataclasses.replace(n, title=title, body_html=body,
                                           body_text=quiet(n.body_text)))
    cutoff = withdrawal_cutoff(as_of, privacy_days)

    def rows(stem: str, items: tuple, skip: Any = None) -> tuple:
        fields = _ROW_TEXT[stem]
        file = files.get(stem, f"{stem}.csv")
        out = []
        for r in items:
            if skip is not None and skip(r):
                out.append(r)
                continue
            changed = {}
            for attr, label in fields:
                text = getattr(r, attr)
                if text and pattern.search(text) is not None:
                    changed[attr] = sub(text, file, r.line, label)
            out.append(dataclasses.replace(r, **changed) if changed else r)
        return tuple(out)

    vrel = "village.yaml"
    powers = tuple(dataclasses.replace(p, owner=sub(p.owner, "powers.yaml", p.line, "责任主体"))
                   if p.owner and pattern.search(p.owner) else p for p in v.powers)
    services = tuple(dataclasses.replace(s, contact=sub(s.contact, "services.yaml", s.line, "联系人"))
                     if s.contact and pattern.search(s.contact) else s for s in v.services)
    return dataclasses.replace(
        v, notices=tuple(notices),
        intro_html=sub(v.intro_html, vrel, 1, "简介") or v.intro_html,
        rules_html=sub(v.rules_html, vrel, 1, "村规民约") or v.rules_html,
        powers=powers, services=services,
        welfare=rows("welfare", v.welfare, lambda r: r.paid < cutoff),
        projects=rows("projects", v.projects), finance=rows("finance", v.finance),
        assets=rows("assets", v.assets), resources=rows("resources", v.resources),
        contracts=rows("contracts", v.contracts)), found


def without_attachments(v: Village, names: set[str]) -> Village:
    """``v`` without the attachments ``names`` (not published: a withdrawn name in a PDF):
    no record links to them any more."""
    def rows(items: tuple) -> tuple:
        return tuple(dataclasses.replace(r, attachment=None) if r.attachment in names else r
                     for r in items)

    return dataclasses.replace(
        v, finance=rows(v.finance), contracts=rows(v.contracts), projects=rows(v.projects),
        notices=tuple(dataclasses.replace(n, attachments=tuple(a for a in n.attachments if a not in names))
                      if set(n.attachments) & names else n for n in v.notices),
        photo=None if v.photo in names else v.photo,
        files=tuple(f for f in v.files if f not in names))
