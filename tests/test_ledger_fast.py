"""The change log's fast paths give exactly what the plain rules give.

``ledger.log.prepare_records`` writes a village's state file, its "add" entries, its digest
and the bytes the leak guard reads in one pass, with hand-written JSON; the plain rules are
``encode_state``, ``_entry``, ``records.new_salt``, ``content_hash``, ``public_id``, ``digest``, ``merkle.leaf_hash`` of each entry and
the guard's reading of a ledger file (``blank_hex``, i.e. ``HEX_TOKEN.sub``); ``records._texts`` formats a column the way
``records._text`` formats each of its cells. Random records (any text, hex-looking text, duplicates' ``#2`` keys, empty
values) must come out byte for byte the same both ways.
"""

from __future__ import annotations

import datetime as dt
import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ledger import log as L
from generator.ledger import merkle
from generator.ledger import records as R
from generator.read import schema as S

PROP = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# text a clerk could type, the log's own tokens, and runs of hex (salts look like these)
TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789abcdef", min_size=30, max_size=70),
    st.text(alphabet="0123456789abcdefABX-\"\\<>&;:,\n\u200b张", max_size=40),
)


@st.composite
def records(draw) -> list[R.Record]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        module = draw(st.sampled_from(sorted(R.LABELS)))
        values = tuple(draw(st.lists(TEXT, min_size=len(R.LABELS[module]),
                                     max_size=len(R.LABELS[module]))))
        out.append(R.Record(module, draw(TEXT), draw(TEXT), draw(TEXT), values,
                            draw(st.sampled_from(["", "2026-09-20"])),
                            draw(st.sampled_from(["", "2026-09"]))))
    out.sort(key=lambda r: (r.module, r.key))
    return out


def plain(recs: list[R.Record], secret: bytes, name: str, today: str) -> L.Prepared:
    """``prepare_records`` as the plain functions spell it."""
    blobs = [r.canonical() for r in recs]
    salts = [R.new_salt(secret, r.module, r.key, b) for r, b in zip(recs, blobs, strict=True)]
    state = L.encode_state(name, [L._state_row(r, s, today)
                                  for r, s in zip(recs, salts, strict=True)])
    entries = b"\n".join(
        L._entry(today, name, r.module, R.public_id(r.module, r.key, s), "add",
                 R.content_hash(s, b)) for r, s, b in zip(recs, salts, blobs, strict=True))
    scan = L.HEX_TOKEN.sub(b"-", gzip.decompress(state))
    months = sorted({(r.module, r.month) for r in recs if r.month and r.module in L.MONTH_MODULES})
    leaves = b"".join(merkle.leaf_hash(e) for e in entries.split(b"\n")) if recs else b""
    return L.Prepared(L.digest(secret, name, recs), state, entries, len(recs), months, scan,
                      leaves)


@PROP
@given(records(), st.binary(min_size=32, max_size=32), st.sampled_from(["t/v", "town-1/村"]))
def test_prepared_records_equal_the_plain_rules(recs, secret, name) -> None:
    assert L.prepare_records(recs, secret, name, "2026-11-28") == plain(recs, secret, name,
                                                                         "2026-11-28")


@PROP
@given(st.text(alphabet="0123456789abcdefg-\"", max_size=200))
def test_blank_hex_is_the_regex(text) -> None:
    data = text.encode()
    assert L.blank_hex(data) == L.HEX_TOKEN.sub(b"-", data)


def test_prepare_on_a_village_equals_the_plain_rules(tmp_path) -> None:
    """The whole path on one real village of the test data: records, seed, prepare."""
    from generator.read.load import discover, load_village

    data = __import__("pathlib").Path(__file__).parent / "golden" / "data"
    sources, _col = discover(data, ())
    vs = sources[0].townships[0].villages[0]
    v = load_village(vs).village
    assert v is not None
    as_of = dt.date(2026, 11, 28)
    recs = R.village_records(v, as_of, 180)
    secret = R.seed(vs.path)
    assert recs
    assert L.prepare(v, vs.path, "t/v", as_of, 180) == plain(recs, secret, "t/v", "2026-11-28")


# what a loaded record's attributes hold: text, money, dates, counts, lists, nothing (a
# money or date field holds its kind, text, or nothing)
BLANK = st.one_of(st.none(), st.just(""), st.text(max_size=6))
MONEY = st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False)
VALUES = {S.MONEY: st.one_of(BLANK, MONEY), S.DATE: st.one_of(BLANK, st.dates())}
VALUE = st.one_of(BLANK, st.just(()), MONEY, st.decimals(min_value=0, max_value=10**6, places=0),
                  st.integers(0, 10**9), st.dates(),
                  st.lists(st.text(max_size=4), max_size=3).map(tuple))


@PROP
@given(st.sampled_from(sorted({f.kind for spec in S.ALL_SPECS for f in spec.fields})), st.data())
def test_a_column_is_formatted_as_each_of_its_cells(kind, data) -> None:
    column = data.draw(st.lists(VALUES.get(kind, VALUE), max_size=8))
    try:
        expected: object = [x if x.__class__ is str else R._text(kind, x) for x in column]
    except Exception as e:  # noqa: BLE001 — a value the kind never holds fails both ways
        expected = type(e)
    try:
        got: object = R._texts(kind, column)
    except Exception as e:  # noqa: BLE001
        got = type(e)
    assert got == expected
