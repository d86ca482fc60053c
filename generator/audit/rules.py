"""The audit's rules (数据比对碰撞): each a small function over one county's tables.

Matching of people is by 身份证号 only, never by name (namesakes are common). Amounts are
integer cents, dates are ordinals (see ``generator.audit.source``). Every rule returns
``Finding`` objects pointing at the exact record (data-relative file and line) with the
evidence (the matched reference row, or the other records involved).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from generator.audit.source import day

log = logging.getLogger(__name__)

DEATH_AFTER = "死亡后发放"
PAYROLL = "财政供养人员领取"
CADRE_WELFARE = "干部及亲属领取"
RELATED_COMPANY = "关联企业合同"
SPLIT_PAYMENT = "拆分支付"
DUPLICATE = "重复发放"
OVER_STANDARD = "超标准发放"
MISSING_MONTH = "账目缺月"
LATE = "公开不及时"
RULES = (DEATH_AFTER, PAYROLL, CADRE_WELFARE, RELATED_COMPANY, SPLIT_PAYMENT, DUPLICATE,
         OVER_STANDARD, MISSING_MONTH, LATE)

POVERTY_PROGRAMS = ("低保", "特困供养", "临时救助")
SPLIT_WINDOW_DAYS = 10
NOTICE_GRACE_DAYS = 3
DEFAULT_DEADLINE_DAY = 10


@dataclass(frozen=True, order=True)
class Finding:
    rule: str
    town: str
    village: str
    file: str  # relative to the data folder
    line: int
    message: str
    idno: str = ""  # the full 身份证号 matched (internal report)
    evidence_file: str = ""
    evidence_line: int = 0
    evidence: str = ""

    def sort_key(self) -> tuple:
        return (RULES.index(self.rule), self.file, self.line, self.evidence_file,
                self.evidence_line, self.message)


def yuan(cents: int) -> str:
    return f"{int(cents) // 100:,}.{int(cents) % 100:02d}"


def _finding(rule: str, r: object, message: str, *, idno: str = "", ev_file: str = "",
             ev_line: int = 0, evidence: str = "") -> Finding:
    return Finding(rule, r.town, r.village, r.file, int(r.line), message,  # type: ignore[attr-defined]
                   idno, ev_file, int(ev_line), evidence)


def _rows(frame: pd.DataFrame) -> list:
    """The rows of ``frame`` as named tuples, what ``itertuples(index=False)`` gives, made
    column by column: ``itertuples`` fetches the cells of pandas' string columns one by one
    (millions of calls on a county), ``tolist`` takes each column at once."""
    row = namedtuple("Row", frame.columns, rename=True)  # type: ignore[misc]
    return list(map(row._make, zip(*(frame[c].tolist() for c in frame.columns), strict=True)))


def _with_id(welfare: pd.DataFrame) -> pd.DataFrame:
    return welfare[welfare["idno"].notna()]


def _first_per(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One reference row per key: the first in the file (a person listed twice matches once)."""
    return frame.sort_values("line", kind="stable").drop_duplicates(keys, keep="first")


def _ref_left(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    return frame.rename(columns={c: f"{prefix}{c}" for c in frame.columns})


# ----------------------------------------------------------------------------- rules 1-3


def death_after(welfare: pd.DataFrame, deaths: pd.DataFrame) -> list[Finding]:
    """1 死亡后发放: a welfare row whose 身份证号 is in 死亡人员 with 死亡日期 before 发放日期."""
    d = _ref_left(_first_per(deaths, ["idno"]), "ref_")
    m = _with_id(welfare).merge(d, left_on="idno", right_on="ref_idno")
    died = m["ref_died"].map(lambda x: x.toordinal())
    m = m[died.to_numpy() < m["paid"].to_numpy()] if len(m) else m
    return [_finding(DEATH_AFTER, r, f"{r.name}（{r.program}）于 {r.ref_died.isoformat()} 死亡，"
                     f"{day(r.paid)} 仍发放 {yuan(r.cents)} 元",
                     idno=r.idno, ev_file=r.ref_file, ev_line=r.ref_line,
                     evidence=f"姓名：{r.ref_name or ''}；死亡日期：{r.ref_died.isoformat()}")
            for r in _rows(m)]


def payroll_recipient(welfare: pd.DataFrame, payroll: pd.DataFrame) -> list[Finding]:
    """2 财政供养人员领取: a 低保/特困供养/临时救助 row whose 身份证号 is in 财政供养人员."""
    w = _with_id(welfare)
    w = w[w["program"].isin(POVERTY_PROGRAMS)]
    p = _ref_left(_first_per(payroll, ["idno"]), "ref_")
    m = w.merge(p, left_on="idno", right_on="ref_idno")
    return [_finding(PAYROLL, r, f"{r.name} 是财政供养人员（{r.ref_unit or '单位未填'}），"
                     f"{day(r.paid)} 领取{r.program} {yuan(r.cents)} 元",
                     idno=r.idno, ev_file=r.ref_file, ev_line=r.ref_line,
                     evidence=f"姓名：{r.ref_name or ''}；单位：{r.ref_unit or ''}")
            for r in _rows(m)]


def cadre_people(cadres: pd.DataFrame) -> pd.DataFrame:
    """干部及亲属 as one row per (village code, person): who they are and where listed."""
    c = cadres.sort_values("line", kind="stable")
    a = pd.DataFrame({"vcode": c["village"], "pid": c["cadre_id"], "file": c["file"],
                      "line": c["line"],
                      "who": "干部 " + c["cadre_name"].fillna("").astype(str)})
    rel = c[c["relative_id"].notna()]
    b = pd.DataFrame({"vcode": rel["village"], "pid": rel["relative_id"], "file": rel["file"],
                      "line": rel["line"],
                      "who": ("干部 " + rel["cadre_name"].fillna("").astype(str) + " 的"
                              + rel["relation"].fillna("亲属").astype(str) + " "
                              + rel["relative_name"].fillna("").astype(str))})
    people = pd.concat([a, b], ignore_index=True)
    return people.sort_values(["line"], kind="stable").drop_duplicates(["vcode", "pid"])


def cadre_welfare(welfare: pd.DataFrame, cadres: pd.DataFrame) -> list[Finding]:
    """3 干部及亲属领取: a welfare row whose 身份证号 is a cadre's or a listed relative's,
    listed for the same village (干部及亲属.村 = the village's 代码)."""
    p = _ref_left(cadre_people(cadres), "ref_")
    m = _with_id(welfare).merge(p, left_on=["vcode", "idno"], right_on=["ref_vcode", "ref_pid"])
    return [_finding(CADRE_WELFARE, r, f"{r.name} 是本村{r.ref_who.strip()}，"
                     f"{day(r.paid)} 领取{r.program} {yuan(r.cents)} 元",
                     idno=r.idno, ev_file=r.ref_file, ev_line=r.ref_line,
                     evidence=r.ref_who.strip())
            for r in _rows(m)]


# ----------------------------------------------------------------------------- rule 4

_SPACES = re.compile(r"[\s\u3000]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def company_key(name: object) -> str:
    """A company name as compared: without spaces, full-width brackets as half-width."""
    return _SPACES.sub("", str(name)).translate(_BRACKETS)


def related_company(contracts: pd.DataFrame, companies: pd.DataFrame,
                    cadres: pd.DataFrame) -> list[Finding]:
    """4 关联企业合同: a contract whose 相对方 is a company (企业名称, compared without spaces
    and with （） = ()) whose 法定代表人 or one of whose 股东 (by 身份证号) is a cadre or a
    listed relative of that village."""
    comp = companies.sort_values("line", kind="stable")
    legal = comp[comp["legal_id"].notna()]
    owners = pd.DataFrame({"key": legal["company"].map(company_key), "pid": legal["legal_id"],
                           "role": "法定代表人", "file": legal["file"], "line": legal["line"],
                           "company": legal["company"]})
    held = comp[comp["holder_ids"].map(lambda t: bool(t))].explode("holder_ids")
    holders = pd.DataFrame({"key": held["company"].map(company_key), "pid": held["holder_ids"],
                            "role": "股东", "file": held["file"], "line": held["line"],
                            "company": held["company"]})
    links = pd.concat([owners, holders], ignore_index=True)
    links = _ref_left(links, "co_")
    people = _ref_left(cadre_people(cadres), "cd_")
    c = contracts.assign(key=contracts["party"].map(company_key))
    m = c.merge(links, left_on="key", right_on="co_key")
    m = m.merge(people, left_on=["vcode", "co_pid"], right_on=["cd_vcode", "cd_pid"])
    m = m.sort_values(["file", "line", "co_line", "cd_line"], kind="stable").drop_duplicates(
        ["file", "line"])
    return [_finding(RELATED_COMPANY, r, f"合同 {r.code}（{r.title}，{yuan(r.cents)} 元）的相对方"
                     f"“{r.party}”，其{r.co_role}是本村{r.cd_who.strip()}",
                     idno=r.co_pid, ev_file=r.co_file, ev_line=r.co_line,
                     evidence=f"企业：{r.co_company}；{r.co_role}身份证号与"
                              f"{r.cd_file}:{r.cd_line}（{r.cd_who.strip()}）相同")
            for r in _rows(m)]


# ----------------------------------------------------------------------------- rule 5


def split_groups(dates: list[int], cents: list[int], threshold: int,
                 window: int = SPLIT_WINDOW_DAYS) -> list[tuple[int, int]]:
    """Index ranges [i, j] (inclusive, over rows sorted by date) of ≥ 2 payments whose first
    and last dates are at most ``window`` days apart and whose sum reaches ``threshold``:
    from the earliest payment on, the longest such run is taken, then the search goes on
    after it (runs do not overlap)."""
    out: list[tuple[int, int]] = []
    n, i = len(dates), 0
    while i < n - 1:
        j = i
        while j + 1 < n and dates[j + 1] - dates[i] <= window:
            j += 1
        if j > i and sum(cents[i:j + 1]) >= threshold:
            out.append((i, j))
            i = j + 1
        else:
            i += 1
    return out


def _runs(frame: pd.DataFrame, keys: list[str], order: list[str]) -> list[list]:
    """The rows of ``frame`` (as named tuples) in runs of equal ``keys``, each run sorted by
    ``order``: one sort and one pass, instead of a DataFrame per group."""
    rows = _rows(frame.sort_values(keys + order, kind="stable"))
    runs: list[list] = []
    pos = [frame.columns.get_loc(k) for k in keys]
    last: tuple | None = None
    for r in rows:
        key = tuple(r[i] for i in pos)
        if key != last:
            runs.append([])
            last = key
        runs[-1].append(r)
    return runs


def split_payment(finance: pd.DataFrame, threshold_cents: int) -> list[Finding]:
    """5 拆分支付: ≥ 2 支出 rows of one village with the same 摘要 and the same (filled-in)
    经手人, dated at most 10 days apart, each below 重大事项金额 and together at or above it.
    One finding per row of such a run."""
    f = finance[(finance["kind"] == "支出") & (finance["cents"] < threshold_cents)
                & (finance["handler"] != "")]
    keys = ["vrel", "memo", "handler"]
    f = f[f.duplicated(keys, keep=False)]
    out: list[Finding] = []
    for rows in _runs(f, keys, ["date", "line"]):
        for i, j in split_groups([r.date for r in rows], [r.cents for r in rows], threshold_cents):
            run = rows[i:j + 1]
            total = sum(r.cents for r in run)
            for r in run:
                others = "、".join(f"第 {o.line} 行（{day(o.date)}，{yuan(o.cents)} 元）"
                                  for o in run if o is not r)
                out.append(_finding(
                    SPLIT_PAYMENT, r,
                    f"“{r.memo}”经手人 {r.handler}：{len(run)} 笔支出 {day(run[0].date)} 至 "
                    f"{day(run[-1].date)} 合计 {yuan(total)} 元，每笔低于重大事项金额 "
                    f"{yuan(threshold_cents)} 元，合计达到",
                    ev_file=r.file, ev_line=next(o.line for o in run if o is not r),
                    evidence=f"本笔 {day(r.date)} {yuan(r.cents)} 元；同组：{others}"))
    return out


# ----------------------------------------------------------------------------- rule 6


def _month(ordinal: int) -> str:
    d = dt.date.fromordinal(int(ordinal))
    return f"{d.year:04d}-{d.month:02d}"


def _months(ordinals: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each ordinal, computing each distinct date once."""
    return ordinals.map({o: _month(o) for o in ordinals.unique()})


def duplicate_payment(welfare: pd.DataFrame) -> list[Finding]:
    """6 重复发放: the same 身份证号, 项目 and month (of 发放日期) more than once in the county.
    One finding per row of such a group, naming the others."""
    w = _with_id(welfare)
    if w.empty:
        return []
    w = w.assign(month=_months(w["paid"]))
    keys = ["idno", "program", "month"]
    w = w[w.duplicated(keys, keep=False)]
    out: list[Finding] = []
    for rows in _runs(w, keys, ["file", "line"]):
        for r in rows:
            others = [o for o in rows if o is not r]
            listed = "、".join(f"{o.file}:{o.line}（{day(o.paid)}，{yuan(o.cents)} 元）"
                              for o in others)
            out.append(_finding(
                DUPLICATE, r, f"{r.name} 的{r.program}在 {r.month} 发放 {len(rows)} 次",
                idno=r.idno, ev_file=others[0].file, ev_line=others[0].line,
                evidence=f"本笔 {day(r.paid)} {yuan(r.cents)} 元；其他：{listed}"))
    return out


# ----------------------------------------------------------------------------- rule 7

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_N_MONTHS = re.compile(r"([0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*个\s*月")
_MONTH_RANGE = re.compile(r"([0-9]{1,2})\s*(?:月份?)?\s*(?:-|－|—|–|~|～|至|到)\s*([0-9]{1,2})\s*月")


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        a, _, b = text.partition("十")
        return _CN_DIGITS.get(a, 0) * 10 + _CN_DIGITS.get(b, 0)
    return _CN_DIGITS.get(text, 0)


def months_covered(note: str) -> int:
    """How many months a payment covers, as stated in its 备注: ``3个月`` / ``三个月``
    → 3; ``1-3月`` / ``1月至3月`` / ``10～12月`` → 3 (``11-2月`` wraps the year: 4).
    1 when nothing is stated (or the statement is not 1–12 months)."""
    text = note.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _N_MONTHS.search(text)
    if m:
        n = _cn_number(m.group(1))
        return n if 1 <= n <= 12 else 1
    m = _MONTH_RANGE.search(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a <= 12 and 1 <= b <= 12:
            return (b - a) % 12 + 1
    return 1


def over_standard(welfare: pd.DataFrame, standards: pd.DataFrame) -> list[Finding]:
    """7 超标准发放: a welfare 金额 above 补助标准's 月标准金额上限 for its 项目 × the months
    the payment covers (``months_covered`` of its 备注; 1 unless stated)."""
    s = _ref_left(standards, "ref_")
    m = welfare.merge(s, left_on="program", right_on="ref_program")
    if m.empty:
        return []
    caps = m["ref_cap"].map(lambda d: int(d * 100))
    months = m["note"].map(months_covered)
    m = m.assign(cap_cents=caps * months, months=months)
    m = m[m["cents"] > m["cap_cents"]]
    return [_finding(OVER_STANDARD, r, f"{r.name} 的{r.program} {yuan(r.cents)} 元，超过标准上限 "
                     f"{yuan(int(r.ref_cap * 100))} 元/月 × {r.months} 个月 = {yuan(r.cap_cents)} 元",
                     idno=r.idno if isinstance(r.idno, str) else "",
                     ev_file=r.ref_file, ev_line=r.ref_line,
                     evidence=f"项目：{r.ref_program}；月标准金额上限：{yuan(int(r.ref_cap * 100))} 元")
            for r in _rows(m)]


# ----------------------------------------------------------------------------- rule 8


def missing_ledger_month(balances: pd.DataFrame, finance: pd.DataFrame,
                         has_finance: frozenset[str] = frozenset()) -> list[Finding]:
    """8 账目缺月: a month that balances.csv shows with non-zero 本月收入 or 本月支出 but for
    which finance.csv has no row at all (the finding points at that balances.csv line)."""
    b = balances[(balances["income"] != 0) | (balances["expense"] != 0)]
    if b.empty:
        return []
    months = set(zip(finance["vrel"].tolist(), _months(finance["date"]).tolist(), strict=True)) if len(
        finance) else set()
    out = []
    for r in _rows(b):
        if (r.vrel, r.month) in months:
            continue
        where = " finance.csv 中没有这个月的任何收支明细" if r.vrel in has_finance else \
            "本村没有 finance.csv（财务收支明细）"
        out.append(_finding(MISSING_MONTH, r,
                            f"{r.month} 本月收入 {yuan(r.income)} 元、本月支出 {yuan(r.expense)} 元，"
                            f"但{where}",
                            evidence=f"{r.vrel}/finance.csv 无 {r.month} 的记录"))
    return out


# ----------------------------------------------------------------------------- rule 9


def ledger_deadline(month: str, deadline_day: int = DEFAULT_DEADLINE_DAY) -> dt.date:
    """The day by which a month's ledger must be first published: ``deadline_day`` of the
    next month."""
    y, m = int(month[:4]), int(month[5:7])
    return dt.date(y + (m == 12), m % 12 + 1, deadline_day)


def late_publication(finance: pd.DataFrame, notices: pd.DataFrame,
                     ledger_first_seen: Mapping[tuple[str, str], dt.date],
                     notice_first_seen: Mapping[tuple[str, str], dt.date],
                     deadline_day: int = DEFAULT_DEADLINE_DAY) -> list[Finding]:
    """9 公开不及时: a month whose ledger (finance rows) was first published after the county's
    deadline (``财务公开期限日`` of the next month, default the 10th); a notice first
    published more than 3 days after its own 日期.

    First-seen dates come from the change ledger: ``ledger_first_seen[(village rel, "YYYY-MM")]``
    and ``notice_first_seen[(village rel, notice slug)]``; a month or notice without one is not
    judged."""
    out: list[Finding] = []
    if len(finance):
        f = finance.assign(month=_months(finance["date"])).sort_values(
            ["vrel", "month", "line"], kind="stable").drop_duplicates(["vrel", "month"])
        for r in _rows(f):
            seen = ledger_first_seen.get((r.vrel, r.month))
            due = ledger_deadline(r.month, deadline_day)
            if seen is not None and seen > due:
                out.append(_finding(LATE, r, f"{r.month} 的财务收支 {seen.isoformat()} 才首次公开，"
                                    f"应在 {due.isoformat()} 前公开（晚 {(seen - due).days} 天）",
                                    evidence=f"更新记录首次出现：{seen.isoformat()}"))
    for r in _rows(notices):
        seen = notice_first_seen.get((r.vrel, r.slug))
        due = dt.date.fromordinal(int(r.date)) + dt.timedelta(days=NOTICE_GRACE_DAYS)
        if seen is not None and seen > due:
            out.append(_finding(LATE, r, f"公告日期 {day(r.date)}，{seen.isoformat()} 才首次公开"
                                f"（超过 {NOTICE_GRACE_DAYS} 天）",
                                evidence=f"更新记录首次出现：{seen.isoformat()}"))
    return out
