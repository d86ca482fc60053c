"""The county's append-only change log: compare what each village publishes now with what
the previous published log says, append one entry per added / changed / removed record,
and publish the new checkpoint (RFC 6962 tree head) with everything needed to continue and
to verify it.

Published under ``<county>/ledger/``:

- ``checkpoint.json``  {"size": N, "root": hex tree head, "date": YYYY-MM-DD}
- ``checkpoints.json`` every checkpoint so far, oldest first
- ``tree.json``        the roots of the perfect subtrees of the tree (what a build appends to)
- ``entries/NNNNNN.jsonl`` the entries, 1,024 per file, one canonical JSON object a line;
  leaf i is ``SHA-256(0x00 || line i)`` without its newline
- ``index.json``       per village: its digest, last changing checkpoint, first-seen months
- ``recent.json``      the county's changes of the last 90 days (the county changes page)
- ``villages/<township>/<village>.json``  the village's records as published (values,
  salts, hashes, first-seen dates)
- ``history/<township>/<village>.json``   its 更新记录, newest first

Nothing here reads the clock: the date is the build's ``--as-of``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path

from generator.errors import ToolError, UsageError
from generator.ledger import merkle
from generator.ledger.records import (
    LABELS,
    MODULE_LABELS,
    Record,
    content_hash,
    public_id,
    seed,
    village_records,
)
from generator.ledger.source import CHECKPOINT, Source
from generator.model.records import Village

log = logging.getLogger(__name__)

LEDGER = "ledger"
CHUNK = 1024
RECENT_DAYS = 90
# the modules whose months the timeliness report dates (a month's ledger, its balances)
MONTH_MODULES = ("finance", "balances")
ITEMS_PER_BUILD = 300  # items kept per build and village (the rest are counted)


def dumps(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode("utf-8")


# The log's own hex tokens (salts, hashes) blanked before the leak guard reads a ledger
# file: one in ~7,000 of them holds a run of 18 digits that passes the ID check digit by
# chance, and an ID typed by a clerk is never 32+ characters of hex.
HEX_TOKEN = re.compile(rb"(?<![0-9a-f])[0-9a-f]{32,64}(?![0-9a-f])")
_HEX_CHARS = bytes(0x68 if chr(i) in "0123456789abcdef" else 0x2E for i in range(256))  # h, .


def blank_hex(data: bytes) -> bytes:
    """``HEX_TOKEN.sub(b"-", data)``; the regex (slow on half a megabyte) runs only when
    ``data`` has a run of 32 hex characters."""
    if b"h" * 32 not in data.translate(_HEX_CHARS):
        return data
    return HEX_TOKEN.sub(b"-", data)


def chunk_path(i: int) -> str:
    return f"{LEDGER}/entries/{i:06d}.jsonl"


def state_path(town: str, village: str) -> str:
    return f"{LEDGER}/villages/{town}/{village}.json.gz"


def history_path(town: str, village: str) -> str:
    return f"{LEDGER}/history/{town}/{village}.json"


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: str
    date: str

    def as_dict(self) -> dict[str, object]:
        return {"size": self.size, "root": self.root, "date": self.date}

    @property
    def fingerprint(self) -> str:
        """What a poster prints: size, the root's first 16 hex digits, date. The hex digits are
        written in fours joined by ":", which no one writes inside a number, so a prefix that
        happens to be all digits is never read as a bank card by the leak guard."""
        head = ":".join(self.root[i:i + 4] for i in range(0, 16, 4))
        return f"{self.size}/{head}/{self.date}"

    @classmethod
    def parse(cls, obj: object) -> Checkpoint:
        if not isinstance(obj, dict):
            raise ValueError("不是检查点")
        size, root, date = obj.get("size"), obj.get("root"), obj.get("date")
        if not isinstance(size, int) or size < 0 or not isinstance(root, str) \
                or len(root) != 64 or not isinstance(date, str):
            raise ValueError("检查点应含 size、root（64 位十六进制）和 date")
        bytes.fromhex(root)
        dt.date.fromisoformat(date)
        return cls(size, root, date)


@dataclass
class Prepared:
    """A village's side of the log, made in its worker and cached with its pages: its state
    file as it is when every record is first published now (each record's salt comes from
    the village's secret seed), the matching "add" entries, and its digest. A village the
    log does not know yet (every village of a first build) is taken as it is; for one the
    log knows, the state is decoded and compared (``diff_village``)."""

    digest: str
    state: bytes  # gzip of the state file with every record first published at as_of
    entries: bytes  # their "add" entries, one per line
    count: int  # records
    months: list[tuple[str, str]]  # the (module, month) pairs of finance and balances records, sorted
    # the state file with its salts blanked, as the leak guard reads a ledger file
    # (publish.changelog._scan); not cached
    scan: bytes = b""
    # the Merkle leaf hash of each entry, 32 bytes each, in order: hashed here, in the
    # worker, rather than in the county's tail, where a first build appends every record
    leaves: bytes = b""


def _state_row(r: Record, salt: str, first: str) -> list:
    return [r.module, r.key, salt, first, r.title, r.link, r.paid, r.month, list(r.values)]


def state_json(name: str, rows: list[list]) -> bytes:
    """A village's state file (before gzip): its records as rows, the field labels once per
    module."""
    modules = sorted({row[0] for row in rows})
    return dumps({"village": name, "labels": {m: list(LABELS[m]) for m in modules},
                  "records": rows})


def encode_state(name: str, rows: list[list]) -> bytes:
    """The gzip of a village's state file."""
    return gzip.compress(state_json(name, rows), compresslevel=3, mtime=0)


def digest(secret: bytes, name: str, records: list[Record]) -> str:
    """A keyed digest of what a village publishes (its records with their titles and links):
    the state file with every salt and first-seen date written as "-", hashed with keyed
    BLAKE2b. Equal digests, nothing to compare."""
    return hashlib.blake2b(state_json(name, [_state_row(r, "-", "-") for r in records]),
                           key=secret, digest_size=32).hexdigest()


def decode_state(data: bytes) -> list[dict]:
    """The records of a state file, as dicts ("v": the values, "labels": their labels;
    the log name is ``public_id(m, k, s)``)."""
    obj = json.loads(gzip.decompress(data))
    labels = obj["labels"]
    out = []
    for m, k, salt, first, title, link, paid, month, values in obj["records"]:
        if len(values) != len(labels[m]):
            raise ValueError(f"{m}:{k} 的值与栏目数不符")
        rec = {"m": m, "k": k, "s": salt, "first": first, "t": title, "l": link,
               "v": values, "labels": labels[m]}
        if paid:
            rec["paid"] = paid
        if month:
            rec["month"] = month
        out.append(rec)
    return out


def prepare(v: Village, folder: Path, name: str, as_of: dt.date,
            privacy_days: int | None, secret: bytes | None = None) -> Prepared:
    """Made in the village's worker: everything that does not need the previous log.
    ``secret``: the village's seed (``records.seed(folder)``), when the caller has it."""
    return prepare_records(village_records(v, as_of, privacy_days),
                           seed(folder) if secret is None else secret, name, as_of.isoformat())


def prepare_records(records: list[Record], secret: bytes, name: str, today: str) -> Prepared:
    """``prepare`` for the village's records. One pass writes the state file (what
    ``encode_state`` writes), the "add" entries (``_entry`` of ``public_id`` and
    ``content_hash``), the digest (``digest``) and the bytes the leak guard reads: the state
    file with its salts written as ``-``, which is what publish.changelog scans of a state
    file (``blank_hex``). tests/test_ledger_fast.py checks it against those plain functions."""
    enc = encode_basestring
    sha256 = hashlib.sha256
    blake2b = hashlib.blake2b
    entry_head = f'{{"date":"{today}","village":{enc(name)},"module":"'
    heads: list[str] = []  # a state row up to its salt
    tails: list[str] = []  # … after its first-seen date
    salts: list[str] = []
    entries: list[str] = []
    months: set[tuple[str, str]] = set()
    for r in records:
        m, k = r.module, r.key
        values = "[" + ",".join(map(enc, r.values)) + "]"  # Record.canonical, as text
        blob = values.encode()
        raw = blake2b(f"{m}\0{k}\0".encode() + blob, key=secret, digest_size=16).digest()  # new_salt
        key = enc(k)
        pid = ('"welfare:' + sha256(raw + b"id").hexdigest()[:16] + '"') if m == "welfare" \
            else f'"{m}:{key[1:]}'  # enc(public_id)
        entries.append(f'{entry_head}{m}","id":{pid},"op":"add",'
                       f'"hash":"{sha256(raw + blob).hexdigest()}"}}')
        heads.append(f'["{m}",{key},"')
        tails.append(f'{enc(r.title)},{enc(r.link)},{enc(r.paid)},{enc(r.month)},{values}]')
        salts.append(raw.hex())
        if r.month and m in MONTH_MODULES:
            months.add((m, r.month))
    modules = sorted({r.module for r in records})
    # the state file: its head, then each row (head, salt, first-seen date, tail) after a
    # comma, then its tail; the rows are laid out once and joined three times: as published,
    # with "-" for the salts (the guard's reading), and with "-" for salts and dates (digest)
    n = len(records)
    parts = [","] * (5 * n + 2)
    parts[0] = ('{"labels":{' + ",".join(f'"{m}":[{",".join(map(enc, LABELS[m]))}]' for m in modules)
                + '},"records":[')
    if n:
        parts[1] = ""  # no comma before the first row
    parts[2:-1:5] = heads
    parts[3:-1:5] = salts
    parts[4:-1:5] = [f'","{today}",'] * n
    parts[5:-1:5] = tails
    parts[-1] = f"],\"village\":{enc(name)}}}\n"
    state = "".join(parts).encode()
    parts[3:-1:5] = ["-"] * n
    scan = "".join(parts).encode()
    parts[4:-1:5] = ['","-",'] * n
    dig = blake2b("".join(parts).encode(), key=secret, digest_size=32).hexdigest()
    lines = "\n".join(entries).encode()
    leaves = b"".join([sha256(b"\x00" + e).digest() for e in lines.split(b"\n")]) if entries else b""
    return Prepared(dig, gzip.compress(state, compresslevel=3, mtime=0),
                    lines, len(records), sorted(months), blank_hex(scan), leaves)


@dataclass
class VillageInput:
    town: str
    slug: str
    name: str
    digest: str
    load: Callable[[], Prepared]  # when needed


@dataclass
class Previous:
    source: Source
    checkpoint: Checkpoint
    tree: merkle.CompactRange
    tail: list[bytes]  # the lines of the last, partly filled entries file
    index: dict[str, dict]
    recent: list[dict]
    checkpoints: list[dict]


@dataclass
class Result:
    checkpoint: Checkpoint | None  # None: an empty log (a county without records)
    appended: int
    histories: dict[str, list[dict]]  # "town/village" → builds, newest first
    changed: dict[str, Checkpoint | None]  # "town/village" → its last changing checkpoint
    index: dict[str, dict]
    recent: list[dict]
    writes: list[tuple[str, bytes]] = field(default_factory=list)  # county-relative
    copies: list[str] = field(default_factory=list)  # county-relative, from the previous log


def _json(src: Source, rel: str, required: bool = True) -> object:
    data = src.read(rel)
    if data is None:
        if required:
            raise ToolError(f"以前的更新记录不完整：{src.label} 缺少 {rel}，构建已停止，什么也没有写入")
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise ToolError(f"以前的更新记录已损坏：{src.label} 的 {rel} 不是有效的 JSON") from e


def load_previous(src: Source, full: bool = False) -> Previous:
    """The previous log at ``src``, checked: the subtree roots fold to the checkpoint's head
    and the entries count agrees (``full``: every entry is hashed again, as a fresh
    machine does with a log it did not write). ToolError (exit 3) when inconsistent."""
    bad = f"以前的更新记录不一致（{src.label}）"
    try:
        cp = Checkpoint.parse(_json(src, CHECKPOINT))
        tree = _json(src, f"{LEDGER}/tree.json")
        cr = merkle.CompactRange(tree["size"], [bytes.fromhex(h) for h in tree["hashes"]])  # type: ignore[index]
    except (ValueError, TypeError, KeyError) as e:
        raise ToolError(f"{bad}：{e}；构建已停止，什么也没有写入") from e
    if cr.size != cp.size or cr.root().hex() != cp.root:
        raise ToolError(f"{bad}：tree.json 与 checkpoint.json 对不上；构建已停止，什么也没有写入")
    tail: list[bytes] = []
    if cp.size % CHUNK:
        data = src.read(chunk_path(cp.size // CHUNK))
        tail = data.split(b"\n")[:-1] if data else []
        if len(tail) != cp.size % CHUNK:
            raise ToolError(f"{bad}：条目文件的条数与检查点的 {cp.size} 条不符；构建已停止，什么也没有写入")
    if full:
        leaves = read_leaves(src, cp.size)
        if merkle.root(leaves).hex() != cp.root:
            raise ToolError(f"{bad}：条目的哈希与检查点不符；构建已停止，什么也没有写入")
    index = _json(src, f"{LEDGER}/index.json")
    recent = _json(src, f"{LEDGER}/recent.json")
    cps = _json(src, f"{LEDGER}/checkpoints.json")
    if not isinstance(index, dict) or not isinstance(recent, list) or not isinstance(cps, list):
        raise ToolError(f"{bad}：index.json / recent.json / checkpoints.json 格式不对")
    return Previous(src, cp, cr, tail, index, recent, cps)


def read_leaves(src: Source, size: int) -> list[bytes]:
    """Every leaf hash of the published log (ToolError when files are missing or short)."""
    leaves: list[bytes] = []
    for i in range(-(-size // CHUNK)):
        data = src.read(chunk_path(i))
        if data is None:
            raise ToolError(f"{src.label} 缺少 {chunk_path(i)}")
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        leaves.extend(merkle.leaf_hash(line) for line in lines)
    return leaves


def _entry(date: str, village: str, module: str, pid: str, op: str, h: str) -> bytes:
    """One line of the log: compact JSON, keys in this order."""
    enc = encode_basestring
    return (f'{{"date":"{date}","village":{enc(village)},"module":"{module}","id":{enc(pid)},'
            f'"op":"{op}","hash":"{h}"}}').encode()


def _prune(items: list[dict], cutoff: str | None) -> tuple[list[dict], int]:
    """Items about welfare rows whose names are withdrawn are dropped (and counted)."""
    if cutoff is None:
        return items, 0
    keep = [i for i in items if not (i.get("paid") and i["paid"] < cutoff)]
    return keep, len(items) - len(keep)


def _prune_history(history: list[dict], cutoff: str | None) -> list[dict]:
    out = []
    for b in history:
        items, gone = _prune(b.get("items", []), cutoff)
        if gone:
            b = dict(b, items=items, withdrawn=b.get("withdrawn", 0) + gone)
        out.append(b)
    return out


def _prune_by(history: list[dict]) -> str:
    """The earliest 发放日期 among welfare items of the history ("" when none)."""
    dates = [i["paid"] for b in history for i in b.get("items", []) if i.get("paid")]
    return min(dates) if dates else ""


@dataclass
class _Diff:
    entries: list[tuple[str, str, str, str]]  # module, public id, op, hash
    items: list[dict]
    records: list[list]  # state rows
    months: list[tuple[str, str, str]]


def diff_village(prev: list[dict], now: list[dict], as_of: dt.date,
                 cutoff: str | None, stale_days: int) -> _Diff:
    """Compare the published records ``prev`` with ``now`` (both decoded state files; ``now``
    as ``prepare`` made it: every record new, with the salt it gets if it is)."""
    today = as_of.isoformat()
    old = {(p["m"], p["k"]): p for p in prev}
    entries: list[tuple[str, str, str, str]] = []
    items: list[dict] = []
    state: list[list] = []
    months: list[tuple[str, str, str]] = []  # (module, month, first)
    for r in now:
        m, k, values = r["m"], r["k"], r["v"]
        p = old.pop((m, k), None)
        item: dict = {}
        if p is None:
            salt, first = r["s"], today
            entries.append((m, public_id(m, k, salt), "add", content_hash(salt, values)))
            item = {"op": "add", "m": m, "t": r["t"], "l": r["l"]}  # as _add_item
        else:
            salt, first = p["s"], p["first"]
            if p["labels"] != r["labels"] or p["v"] != values:
                before = dict(zip(p["labels"], p["v"], strict=True))
                after = dict(zip(r["labels"], values, strict=True))
                diffs = [[label, before.get(label, ""), value] for label, value in after.items()
                         if before.get(label, "") != value]
                diffs += [[label, value, ""] for label, value in before.items()
                          if label not in after and value]
                entries.append((m, public_id(m, k, salt), "change", content_hash(salt, values)))
                item = {"op": "change", "m": m, "t": r["t"], "l": r["l"], "f": diffs,
                        "old": (as_of - dt.date.fromisoformat(first)).days > stale_days,
                        "first": first}
        if item and r.get("paid"):
            item["paid"] = r["paid"]
        if item:
            items.append(item)
        state.append([m, k, salt, first, r["t"], r["l"], r.get("paid", ""), r.get("month", ""),
                      values])
        if r.get("month"):
            months.append((m, r["month"], first))
    for (module, _key), p in sorted(old.items()):
        if p.get("paid") and cutoff is not None and p["paid"] < cutoff:
            continue  # its name was withdrawn by expiry: not a change, and forgotten
        entries.append((module, public_id(module, p["k"], p["s"]), "remove", ""))
        item = {"op": "remove", "m": module, "t": p["t"], "l": "",
                "old": (as_of - dt.date.fromisoformat(p["first"])).days > stale_days,
                "first": p["first"]}
        if p.get("paid"):
            item["paid"] = p["paid"]
        items.append(item)
    return _Diff(entries, items, state, months)


def _months(prev: dict[str, dict], seen: list[tuple[str, str, str]]) -> dict[str, dict]:
    """First-seen date of each month's ledger (finance) and balances, kept from earlier
    builds (a month's rows deleted later were still published then)."""
    months = {m: dict(v) for m, v in prev.items()}
    for module, month, first in seen:
        if module in MONTH_MODULES:
            slot = months.setdefault(month, {})
            if module not in slot or first < slot[module]:
                slot[module] = first
    return dict(sorted(months.items()))


Sink = Callable[[str, bytes, bool], None]  # (county-relative path, bytes, scanned already)


def _state(src: Source, town: str, slug: str) -> list[dict]:
    data = src.read(state_path(town, slug))
    if data is None:
        raise ToolError(f"以前的更新记录不完整：{src.label} 缺少 {state_path(town, slug)}，"
                        "构建已停止，什么也没有写入")
    try:
        return decode_state(data)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as e:
        raise ToolError(f"以前的更新记录已损坏：{src.label} 的 {state_path(town, slug)}：{e}") from e


def update(county: str, villages: list[VillageInput], as_of: dt.date, prev: Previous | None,
           privacy_cutoff: dt.date | None, stale_days: int, sink: Sink | None = None) -> Result:
    """The new log: ``villages`` in county order, ``prev`` the previous log (None: a new one).
    Village state files go to ``sink`` as they are made (None: into ``Result.writes``)."""
    today = as_of.isoformat()
    cutoff = privacy_cutoff.isoformat() if privacy_cutoff else None
    if prev is not None and prev.checkpoint.date > today:
        raise UsageError(f"--as-of {today} 早于上次公开更新记录的日期 {prev.checkpoint.date}；"
                         "更新记录只能按日期向后追加")
    initial = prev is None
    prev_index = prev.index.get("villages", {}) if prev else {}
    index: dict[str, dict] = {}
    histories: dict[str, list[dict]] = {}
    writes: list[tuple[str, bytes]] = []
    copies: list[str] = []
    if sink is None:
        def sink(rel: str, data: bytes, _scanned: bool) -> None:
            writes.append((rel, data))
    pending: list[tuple[str, int, list[dict], list[dict], dict]] = []  # village, entries, items, history, index row
    all_entries: list[bytes] = []
    leaves: list[bytes] = []  # their Merkle leaf hashes
    present = set()
    for vi in villages:
        name = f"{vi.town}/{vi.slug}"
        present.add(name)
        row = prev_index.get(name)
        needs_prune = bool(row and cutoff and row.get("prune_by") and row["prune_by"] < cutoff)
        if row is not None and row.get("digest") == vi.digest and not needs_prune:
            index[name] = dict(row, name=vi.name)
            copies += [state_path(vi.town, vi.slug), history_path(vi.town, vi.slug)]
            hist = _json(prev.source, history_path(vi.town, vi.slug))  # type: ignore[union-attr]
            histories[name] = hist if isinstance(hist, list) else []
            continue
        pre = vi.load()
        if row is None:  # new to the log: every record is added (made in the worker)
            entries = pre.entries.split(b"\n") if pre.entries else []
            leaves += [pre.leaves[i:i + 32] for i in range(0, len(pre.leaves), 32)]
            items = [] if initial else [_add_item(r) for r in decode_state(pre.state)]
            seen = [(m, month, today) for m, month in pre.months]
            sink(state_path(vi.town, vi.slug), pre.state, True)  # scanned in the worker
            history: list[dict] = []
        else:
            old_records = _state(prev.source, vi.town, vi.slug)  # type: ignore[union-attr]
            hist = _json(prev.source, history_path(vi.town, vi.slug))  # type: ignore[union-attr]
            history = _prune_history(hist if isinstance(hist, list) else [], cutoff)
            d = diff_village(old_records, decode_state(pre.state), as_of, cutoff, stale_days)
            entries = [_entry(today, name, module, pid, op, h) for module, pid, op, h in d.entries]
            leaves += map(merkle.leaf_hash, entries)
            items, seen = d.items, d.months
            sink(state_path(vi.town, vi.slug), encode_state(name, d.records), False)
        months = _months(row.get("months", {}) if row else {}, seen)
        irow = {"name": vi.name, "digest": vi.digest, "changed": row.get("changed") if row else None,
                "months": months}
        pending.append((name, len(entries), items, history, irow))
        all_entries.extend(entries)
    # villages that are gone: their records are removed
    for name, row in sorted(prev_index.items()):
        if name in present:
            continue
        town, _, slug = name.partition("/")
        d = diff_village(_state(prev.source, town, slug), [], as_of, cutoff, stale_days)  # type: ignore[union-attr]
        pending.append((name, len(d.entries), d.items, [], {"name": row.get("name", slug), "gone": True}))
        gone = [_entry(today, name, module, pid, op, h) for module, pid, op, h in d.entries]
        all_entries += gone
        leaves += map(merkle.leaf_hash, gone)
    # append
    tree = merkle.CompactRange(prev.tree.size, prev.tree.hashes) if prev else merkle.CompactRange()
    start = tree.size
    tree.extend(leaves)
    if all_entries:
        cp: Checkpoint | None = Checkpoint(tree.size, tree.root().hex(), today)
    else:
        cp = prev.checkpoint if prev else None
    recent = _prune(prev.recent, cutoff)[0] if prev else []
    recent = [i for i in recent if i["date"] >= (as_of - dt.timedelta(days=RECENT_DAYS)).isoformat()]
    new_recent: list[dict] = []
    for name, count, items, history, irow in pending:
        town, _, slug = name.partition("/")
        if count:
            irow["changed"] = cp.as_dict()  # type: ignore[union-attr]
            build = {"date": today, "checkpoint": cp.as_dict(), "count": count}  # type: ignore[union-attr]
            if initial:
                build["initial"] = True
            else:
                build["items"] = items[:ITEMS_PER_BUILD]
                build["more"] = max(0, len(items) - ITEMS_PER_BUILD)
                for it in items[:ITEMS_PER_BUILD]:
                    new_recent.append(dict(it, date=today, village=name, vname=irow["name"]))
            history = [build] + history
        if irow.get("gone"):
            continue
        irow["prune_by"] = _prune_by(history)
        index[name] = irow
        histories[name] = history
        writes.append((history_path(town, slug), dumps(history)))
    recent = new_recent + recent
    index = dict(sorted(index.items()))
    result = Result(cp, len(all_entries), histories,
                    {n: Checkpoint.parse(r["changed"]) if r.get("changed") else None
                     for n, r in index.items()},
                    index, recent, writes, copies)
    if cp is None:
        return result
    # entries files: full old ones copied, the partly filled one rewritten with the new lines
    lines = (prev.tail if prev else []) + all_entries
    first_chunk = start // CHUNK
    copies += [chunk_path(i) for i in range(first_chunk)]
    for k in range(0, len(lines), CHUNK):
        writes.append((chunk_path(first_chunk + k // CHUNK), b"\n".join(lines[k:k + CHUNK]) + b"\n"))
    cps = list(prev.checkpoints) if prev else []
    if all_entries:
        cps.append(cp.as_dict())
    writes += [
        (CHECKPOINT, dumps(cp.as_dict())),
        (f"{LEDGER}/checkpoints.json", dumps(cps)),
        (f"{LEDGER}/tree.json", dumps({"size": tree.size, "hashes": [h.hex() for h in tree.hashes]})),
        (f"{LEDGER}/index.json", dumps({"villages": index})),
        (f"{LEDGER}/recent.json", dumps(recent)),
    ]
    return result


def _add_item(r: dict) -> dict:
    item = {"op": "add", "m": r["m"], "t": r["t"], "l": r["l"]}
    if r.get("paid"):
        item["paid"] = r["paid"]
    return item


def module_label(m: str) -> str:
    return MODULE_LABELS.get(m, m)
