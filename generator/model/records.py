"""Frozen objects the renderer reads: County → Township → Village → modules.

Values are already typed and already masked: a full 身份证号 never enters the
model (welfare rows carry only the masked form).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any

Date = dt.date


class _stored:
    """A value computed from a row on first use and kept in the row (what
    ``functools.cached_property`` does, without the lock it takes on Python 3.11 — a row
    is never shared between threads)."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.name = fn.__name__

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)  # later reads find it there
        return value


@dataclass(frozen=True)
class Cadre:
    line: int
    name: str
    title: str | None = None
    duty: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Power:
    line: int
    name: str
    steps: tuple[str, ...]
    category: str | None = None
    basis: str | None = None
    owner: str | None = None
    time_limit: str | None = None
    risks: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True)
class Service:
    line: int
    name: str
    materials: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    time_limit: str | None = None
    place: str | None = None
    hours: str | None = None
    contact: str | None = None
    phone: str | None = None
    booking: str | None = None


@dataclass(frozen=True)
class FinanceRow:
    line: int
    date: Date
    kind: str
    subject: str
    memo: str
    amount: Decimal
    voucher: str | None = None
    handler: str | None = None
    approver: str | None = None
    attachment: str | None = None

    @_stored  # rows are grouped by month for pages, search documents and downloads
    def month(self) -> str:
        return f"{self.date.year:04d}-{self.date.month:02d}"


@dataclass(frozen=True)
class BalanceRow:
    line: int
    month: str
    opening: Decimal
    income: Decimal
    expense: Decimal
    closing: Decimal


@dataclass(frozen=True)
class Asset:
    line: int
    code: str
    name: str
    category: str
    quantity: Decimal | None = None
    unit: str | None = None
    value: Decimal | None = None
    acquired: Date | None = None
    location: str | None = None
    status: str | None = None
    lessee: str | None = None
    income: Decimal | None = None


@dataclass(frozen=True)
class Resource:
    line: int
    code: str
    name: str
    kind: str
    area: Decimal
    location: str | None = None
    contractor: str | None = None
    contract_no: str | None = None
    start: Date | None = None
    end: Date | None = None
    rent: Decimal | None = None


@dataclass(frozen=True)
class Contract:
    line: int
    code: str
    name: str
    party: str
    amount: Decimal
    signed: Date
    kind: str | None = None
    start: Date | None = None
    end: Date | None = None
    status: str | None = None
    attachment: str | None = None


@dataclass(frozen=True)
class WelfareRow:
    line: int
    program: str
    name: str
    amount: Decimal
    paid: Date
    idno: str | None = None  # always the masked form
    household: int | None = None
    method: str | None = None
    note: str | None = None

    @_stored
    def month(self) -> str:
        return f"{self.paid.year:04d}-{self.paid.month:02d}"


@dataclass(frozen=True)
class Project:
    line: int
    code: str
    name: str
    budget: Decimal
    category: str | None = None
    source: str | None = None
    paid: Decimal | None = None
    builder: str | None = None
    start: Date | None = None
    planned_end: Date | None = None
    actual_end: Date | None = None
    progress: int | None = None
    status: str | None = None
    note: str | None = None
    attachment: str | None = None


@dataclass(frozen=True)
class Notice:
    slug: str
    title: str
    category: str
    date: Date
    body_html: str
    body_text: str
    start: Date | None = None
    end: Date | None = None
    attachments: tuple[str, ...] = ()

    def status(self, as_of: Date) -> str | None:
        """公示状态 against the as-of date (DATA-FORMAT.md)."""
        if self.end is None:
            return None
        if self.start is not None and as_of < self.start:
            return "未开始"
        if as_of <= self.end:
            return "公示中"
        return "已结束"


@dataclass(frozen=True)
class Village:
    slug: str
    name: str
    kind: str
    code: str
    intro_html: str = ""
    households: int | None = None
    population: int | None = None
    party_members: int | None = None
    area: Decimal | None = None
    farmland: Decimal | None = None
    address: str | None = None
    hours: str | None = None
    phone: str | None = None
    rules_html: str = ""
    photo: str | None = None
    cadres: tuple[Cadre, ...] = ()
    powers: tuple[Power, ...] = ()
    services: tuple[Service, ...] = ()
    finance: tuple[FinanceRow, ...] = ()
    balances: tuple[BalanceRow, ...] = ()
    assets: tuple[Asset, ...] = ()
    resources: tuple[Resource, ...] = ()
    contracts: tuple[Contract, ...] = ()
    welfare: tuple[WelfareRow, ...] = ()
    projects: tuple[Project, ...] = ()
    notices: tuple[Notice, ...] = ()
    files: tuple[str, ...] = ()  # attachments that records reference (published)
    present: frozenset[str] = field(default_factory=frozenset)  # which data files exist

    @property
    def record_count(self) -> int:
        return (len(self.finance) + len(self.balances) + len(self.assets) + len(self.resources)
                + len(self.contracts) + len(self.welfare) + len(self.projects)
                + len(self.notices) + len(self.powers) + len(self.services))


@dataclass(frozen=True)
class Township:
    slug: str
    name: str
    code: str
    intro_html: str = ""
    address: str | None = None
    phone: str | None = None
    village_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class County:
    slug: str
    name: str
    code: str
    hotline: str
    intro_html: str = ""
    address: str | None = None
    phone: str | None = None
    url: str | None = None
    report_url: str | None = None
    privacy_days: int | None = None
    townships: tuple[Township, ...] = ()
    major_amount: Decimal | None = None  # 重大事项金额 (the audit's 拆分支付 rule)
    deadline_day: int = 10  # 财务公开期限日: a month is on time when published by this day of the next
    stale_edit_days: int = 30  # 修改已公开记录提示天数


@dataclass(frozen=True)
class City:
    """The city portal (``city.yaml`` at the top of the data folder; optional): the site
    root's home page and cross-county search."""

    name: str = ""  # empty: the portal is called by the product's name only
    url: str | None = None
    hotline: str | None = None
    report_url: str | None = None


def rows_of(cls: type, rows: Iterable[tuple[int, dict[str, Any]]]) -> tuple:
    """``cls(line=line, **values)`` for each validated table row, without the frozen
    dataclass ``__init__`` (one ``object.__setattr__`` per field: a village's 2,000 rows
    spent more time there than in reading its CSV files). The rows of one table have the
    same keys (``validate_table`` makes every row from the same columns), so the keys are checked
    on the first row (and whenever the number of keys changes): keys that are not exactly
    what ``__init__`` would accept go through ``__init__``, so they fail the same way."""
    if any(f.default_factory is not MISSING for f in fields(cls)):
        return tuple(cls(line=line, **values) for line, values in rows)
    names = {f.name for f in fields(cls)}
    required = {f.name for f in fields(cls) if f.default is MISSING} - {"line"}
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    new = object.__new__
    out = []
    nkeys = -1  # the number of keys of the rows checked so far
    extra: dict[str, Any] = {}
    for line, values in rows:
        if len(values) != nkeys:
            k = set(values)
            if not (k <= names and required <= k and "line" not in k):
                out.append(cls(line=line, **values))
                continue
            nkeys = len(values)
            extra = {n: defaults[n] for n in defaults.keys() - k - {"line"}}
        obj = new(cls)
        d = obj.__dict__
        d.update(values)
        if extra:
            d.update(extra)
        d["line"] = line
        out.append(obj)
    return tuple(out)
