"""What a village published, record by record: stable keys, the published values, salts.

A record's key is stable across builds (its 编号 / 凭证号 / 合同编号 / 项目编号, a notice's
slug, a month; where a table has no key, the row's identifying fields, with ``#2``, ``#3`` …
for true duplicates). Its fields are the values as the pages show them (masked ID numbers,
formatted money), never the clerk's raw cells. Welfare rows whose names are withdrawn
(个人信息公示天数) are not records any more: they are left out here, so the ledger neither
keeps nor reports them.

The salt of a record is derived once, when the record is first published, from a secret
``seed`` — a hash of every byte of the village's source folder at that moment (full ID
numbers, unpublished columns and files, exact spellings) — and the record itself; it is
then carried forward in the published state while the record is shown, and disappears with
it. See docs/ledger.md for why a withdrawn record's hash cannot be reversed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable
from decimal import Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from generator.model import views
from generator.model.records import Village
from generator.read import schema as S

log = logging.getLogger(__name__)

MODULE_LABELS = {
    "finance": "财务收支", "balances": "资金月度余额", "assets": "资产", "resources": "资源",
    "contracts": "合同", "welfare": "惠民资金", "projects": "民生项目", "notices": "公告公示",
    "powers": "权责清单", "services": "预约办事",
}
_MODULE_PAGES = {
    "balances": "assets/", "assets": "assets/", "resources": "assets/", "contracts": "assets/",
    "projects": "projects/", "powers": "powers/", "services": "services/",
}
_SPECS = {"finance": S.FINANCE, "balances": S.BALANCES, "assets": S.ASSETS,
          "resources": S.RESOURCES, "contracts": S.CONTRACTS, "welfare": S.WELFARE,
          "projects": S.PROJECTS, "powers": S.POWERS, "services": S.SERVICES}
LIST_SEP = "；"


class Record(NamedTuple):
    """One published record (a tuple: a village has two thousand of them)."""

    module: str
    key: str  # stable within the village and module
    title: str  # how the changes page names it
    link: str  # the page that shows it, relative to the village folder
    values: tuple[str, ...]  # the published values, in the order of LABELS[module]
    paid: str = ""  # welfare: 发放日期 (names are withdrawn by it)
    month: str = ""  # finance / balances: the month (timeliness)

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(LABELS[self.module], self.values, strict=True))

    def canonical(self) -> bytes:
        return canonical(self.values)


LABELS: dict[str, tuple[str, ...]] = {
    **{m: tuple(f.label for f in spec.fields) for m, spec in _SPECS.items()},
    "notices": tuple(f.label for f in S.NOTICE.fields) + ("正文",),
}


def canonical(values: Iterable[str]) -> bytes:
    """The values as a compact JSON array (what ``json.dumps(values, ensure_ascii=False,
    separators=(",", ":"))`` writes, without its per-call cost)."""
    return ("[" + ",".join(map(encode_basestring, values)) + "]").encode("utf-8")


def content_hash(salt: str, values: Iterable[str] | bytes) -> str:
    """SHA-256(salt ‖ the published values as a JSON array), hex."""
    blob = values if isinstance(values, bytes) else canonical(values)
    return hashlib.sha256(bytes.fromhex(salt) + blob).hexdigest()


def new_salt(seed: bytes, module: str, key: str, blob: bytes) -> str:
    """The salt a record gets when first published (``blob``: its canonical values): a
    BLAKE2b-128 of module, key and values keyed with the village's secret ``seed``."""
    return hashlib.blake2b(f"{module}\0{key}\0".encode() + blob, key=seed,
                           digest_size=16).hexdigest()


def public_id(rec_module: str, key: str, salt: str) -> str:
    """The record's name in the log: its key, except for welfare rows (whose key holds a
    name), which are named by a hash of their salt."""
    if rec_module == "welfare":
        return "welfare:" + hashlib.sha256(bytes.fromhex(salt) + b"id").hexdigest()[:16]
    return f"{rec_module}:{key}"


def seed(folder: Path) -> bytes:
    """The village's secret: a hash of every file below its folder (names and bytes)."""
    h = hashlib.sha256(b"yidiantong-ledger-seed\0")
    stack = [("", str(folder))]
    files: list[tuple[str, str]] = []
    while stack:
        rel, path = stack.pop()
        try:
            with os.scandir(path) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append((f"{rel}{e.name}/", e.path))
                    elif e.is_file():
                        files.append((f"{rel}{e.name}", e.path))
        except OSError:
            continue
    for rel, path in sorted(files):
        h.update(rel.encode() + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.digest()


def _text(kind: str, value: object) -> str:
    if value is None or value == () or value == "":
        return ""
    if kind == S.MONEY:
        return views.yuan(value)  # type: ignore[arg-type]
    if kind == S.DATE:
        return value.isoformat()  # type: ignore[union-attr]
    if kind == S.NUMBER and isinstance(value, Decimal):
        return views.num(value)
    if kind in (S.TEXTLIST, S.FILES):
        return LIST_SEP.join(str(x) for x in value)  # type: ignore[union-attr]
    return str(value)


def _texts(kind: str, column: list[object]) -> list[str]:
    """``_text`` of each value of a column (its kind looked at once; text is left as it is)."""
    if kind == S.MONEY:
        yuan = views.yuan
        return [x if x.__class__ is str else "" if x is None else yuan(x) for x in column]  # type: ignore[misc]
    if kind == S.DATE:
        return [x if x.__class__ is str else "" if x is None else x.isoformat()  # type: ignore[union-attr]
                for x in column]
    return [x if x.__class__ is str else _text(kind, x) for x in column]  # type: ignore[misc]


def _fields(spec: S.FileSpec, row: object) -> tuple[tuple[str, str], ...]:
    return tuple((f.label, _text(f.kind, getattr(row, f.attr, None))) for f in spec.fields)


def village_records(v: Village, as_of: dt.date, privacy_days: int | None) -> list[Record]:
    """Every record the village publishes at ``as_of``, sorted by (module, key)."""
    out: list[Record] = []

    def table(module: str, rows: Iterable[object], key_of, title_of, link_of,
              month_of=None, paid_of=None) -> None:
        """The table's records; true duplicates of a key get ``#2``, ``#3`` … in file order."""
        rows = list(rows)
        if not rows:
            return
        columns = [_texts(f.kind, list(map(attrgetter(f.attr), rows)))
                   for f in _SPECS[module].fields]
        seen: dict[str, int] = {}
        for r, texts in zip(rows, zip(*columns, strict=True), strict=True):
            key = key_of(r)
            n = seen[key] = seen.get(key, 0) + 1
            out.append(Record(module, key if n == 1 else f"{key}#{n}", title_of(r), link_of(r),
                              texts, paid_of(r) if paid_of else "",
                              month_of(r) if month_of else ""))

    table("finance", v.finance,
          lambda r: r.voucher or f"{r.date.isoformat()}|{r.kind}|{r.subject}|{r.memo}",
          lambda r: f"{r.date.isoformat()} {r.kind} {r.subject}：{r.memo}"
                    + (f"（凭证号 {r.voucher}）" if r.voucher else ""),
          lambda r: views.ledger_page(r.month), month_of=lambda r: r.month)
    table("balances", v.balances, lambda r: r.month, lambda r: f"{views.month_label(r.month)}资金余额",
          lambda r: "assets/", month_of=lambda r: r.month)
    table("assets", v.assets, lambda r: r.code, lambda r: f"资产 {r.code} {r.name}",
          lambda r: "assets/")
    table("resources", v.resources, lambda r: r.code, lambda r: f"资源 {r.code} {r.name}",
          lambda r: "assets/")
    table("contracts", v.contracts, lambda r: r.code, lambda r: f"合同 {r.code} {r.name}",
          lambda r: "assets/")
    cutoff = views.withdrawal_cutoff(as_of, privacy_days)
    table("welfare", [r for r in v.welfare if cutoff is None or r.paid >= cutoff],
          lambda r: f"{r.program}|{r.name}|{r.idno or ''}|{r.paid.isoformat()}",
          lambda r: f"{r.paid.isoformat()} {r.program} {r.name}",
          lambda r: views.welfare_page(r.month), paid_of=lambda r: r.paid.isoformat())
    table("projects", v.projects, lambda r: r.code, lambda r: f"项目 {r.code} {r.name}",
          lambda r: "projects/")
    table("powers", v.powers, lambda r: r.name, lambda r: f"权责 {r.name}", lambda r: "powers/")
    table("services", v.services, lambda r: r.name, lambda r: f"办事 {r.name}",
          lambda r: "services/")
    for n in v.notices:
        # the status (公示中 / 已结束) moves by itself and is not a field
        values = tuple(v for _label, v in _fields(S.NOTICE, n)) + (" ".join(n.body_text.split()),)
        out.append(Record("notices", n.slug, f"公告 {n.title}", views.notice_page(n.slug), values))
    out.sort(key=lambda r: (r.module, r.key))
    return out


def module_page(module: str) -> str:
    return _MODULE_PAGES.get(module, "affairs/")
