"""Every fast path of the validator gives what the plain rule gives.

generator/read/validate.py converts the plain forms nearly all data uses (``1000.00``,
``2025-03-05``, a listed choice, short text) without calling the parsers of
generator/read/values.py, one value at a time (``convert``) and a column at a time
(``validate_table``: ``_fast_column``, ``_iso_column``, ``_fast_date``, ``_fast_money``,
``_fast_ids``). For every field of every file in the schema, random cells — the clerks'
forms, spaces around them, full-width and other digits, Excel numbers and dates — must come
out the same both ways: the same value (same type, same text) or the same message, the same
masked IDs kept for the leak guard.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.read import schema as S
from generator.read import validate as V
from generator.read.tables import Row, Table
from generator.read.values import id_check_digit

CTX = V.FileContext(files_dir=None, rel_files="x/files")
CTX_MOBILES = V.FileContext(files_dir=None, rel_files="x/files", mobiles=True)


def _all_fields() -> list[S.Field]:
    seen: dict[tuple, S.Field] = {}
    stack = [f for spec in S.ALL_SPECS for f in spec.fields]
    while stack:
        f = stack.pop()
        stack.extend(f.sub)
        # fields that differ only in label, attribute and help behave the same
        key = (f.kind, f.required, f.choices, f.lo, f.hi, f.digits, f.unique, f.free_text)
        seen.setdefault(key, f)
    return sorted(seen.values(), key=lambda f: (f.kind, f.label, f.attr))


FIELDS = _all_fields()


def test_every_kind_the_schema_uses_is_covered() -> None:
    used = {f.kind for spec in S.ALL_SPECS for f in spec.fields} | {f.kind for f in S.CADRE}
    assert used == {f.kind for f in FIELDS}
    assert used <= set(S.KIND_LABELS)


# -- what clerks type, and what is near it --------------------------------------------

PADS = st.sampled_from(["", "", "", " ", "  ", "\t", "\n", "\u3000", "\xa0", " \u3000 "])
DIGIT = st.sampled_from("0123456789" * 4 + "０１２３４５６７８９" + "٣٤" + "²")
ALPHABET = ("0123456789" * 3 + "０１９٣ .-/,:+'年月日元￥¥RMBXxＸ\t\n\u3000\xa0\u200b张村收入支出低保a")


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(DIGIT, min_size=n, max_size=n).map("".join)


def _valid_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


IDS = st.builds(_valid_id, st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9]"
                                         r"[0-9]{3}", fullmatch=True))
DATES = st.builds(
    lambda y, m, d, sep, pad1, pad2: (f"{y}年{m}月{d}日" if sep == "年" else f"{y}{sep}{m}{sep}{d}")
    .join([pad1, pad2]),
    st.integers(1890, 2110), st.sampled_from(["1", "01", "2", "12", "13", "0", "10"]),
    st.sampled_from(["1", "01", "29", "30", "31", "0", "32"]),
    st.sampled_from(["-", "/", ".", "年"]), PADS, PADS)
ISO_DATES = st.dates(dt.date(1880, 1, 1), dt.date(2130, 12, 31)).map(dt.date.isoformat)
MONEY = st.builds(
    lambda n, frac, grouped, pre, post, pad: pad + pre + (f"{n:,}" if grouped else str(n)) + frac
    + post,
    st.integers(0, 10**16), st.sampled_from(["", ".5", ".50", ".05", ".005", "."]), st.booleans(),
    st.sampled_from(["", "", "￥", "¥", "RMB", "-", "￥ "]), st.sampled_from(["", "", "元", " 元"]),
    PADS)
INTS = st.builds(lambda n, pad: pad + str(n), st.integers(-10, 10**17), PADS)
TEXTS = st.text(alphabet=ALPHABET, max_size=24)
NUMBERS_IN_TEXT = st.builds(lambda a, n, b: a + n + b, TEXTS, _digits(11) | _digits(16)
                            | _digits(19) | IDS | st.just("13812345678"), TEXTS)
EXCEL = st.one_of(
    st.integers(-10**16, 10**16), st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e9).map(lambda f: round(f, 3)), st.dates(dt.date(1850, 1, 1), dt.date(2150, 1, 1)),
    st.datetimes(dt.datetime(1850, 1, 1), dt.datetime(2150, 1, 1)))


def cells(fld: S.Field) -> st.SearchStrategy[object]:
    words = st.sampled_from(fld.choices) if fld.choices else st.just("村")
    padded_word = st.builds(lambda a, w, b: a + w + b, PADS, words, PADS)
    return st.one_of(
        st.just(""), PADS, TEXTS, NUMBERS_IN_TEXT, IDS, IDS.map(str.lower), padded_word, DATES,
        ISO_DATES, MONEY, INTS, EXCEL, _digits(fld.digits or 6),
        st.builds(lambda a, d, b: a + d + b, PADS, _digits(fld.digits or 6), PADS),
        st.builds(lambda d, b: d + b, _digits((fld.digits or 6) - 1), PADS))


def _key(v: object) -> object:
    """A converted value with its type and exact text (Decimal 12.00 is not 12.0)."""
    if isinstance(v, tuple):
        return tuple(_key(x) for x in v)
    return type(v).__name__, str(v)


def _outcome(fn, fld: S.Field, raw: object, ctx: V.FileContext):
    col = V.Collector()
    value = fn(fld, raw, "x/f.csv", 7, col, ctx)
    return _key(value), col.problems, col.secrets, col.secret_sources


def _settings(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fld", FIELDS, ids=lambda f: f"{f.kind}-{f.label}")
def test_one_value_fast_path_agrees_with_the_plain_rule(fld: S.Field) -> None:
    @_settings(100)
    @given(raw=cells(fld), mobiles=st.booleans())
    def check(raw: object, mobiles: bool) -> None:
        ctx = CTX_MOBILES if mobiles else CTX
        assert _outcome(V.convert, fld, raw, ctx) == _outcome(V.convert_plain, fld, raw, ctx)

    check()


def _validate(fld: S.Field, raws: list[object], ctx: V.FileContext, *, plain: bool):
    spec = S.FileSpec("t", "t", "table", (fld,))
    table = Table("x/t.csv", (fld.label,), 1,
                  tuple(Row(i + 2, (r,), (fld.label,)) for i, r in enumerate(raws)))
    col = V.Collector()
    if plain:  # every cell through the plain rule
        with mock.patch.object(V, "_fast_column", lambda f, rs, m: [V._SLOW] * len(rs)), \
                mock.patch.object(V, "_fast_ids", lambda *a: None), \
                mock.patch.object(V, "convert", V.convert_plain):
            result = V.validate_table(spec, table, col, ctx)
    else:
        result = V.validate_table(spec, table, col, ctx)
    rows = [(ln, {k: _key(v) for k, v in vals.items()}) for ln, vals in result.rows]
    return rows, result.bad_lines, col.problems, col.secrets, col.secret_sources


@pytest.mark.parametrize("fld", FIELDS, ids=lambda f: f"{f.kind}-{f.label}")
def test_column_fast_paths_agree_with_the_plain_rule(fld: S.Field) -> None:
    @_settings(80)
    @given(raws=st.lists(cells(fld), min_size=1, max_size=6), repeat=st.booleans(),
           mobiles=st.booleans())
    def check(raws: list[object], repeat: bool, mobiles: bool) -> None:
        if repeat:  # the same person paid every month, the same code twice
            raws = raws + raws[:2]
        ctx = CTX_MOBILES if mobiles else CTX
        assert _validate(fld, raws, ctx, plain=False) == _validate(fld, raws, ctx, plain=True)

    check()


@pytest.mark.parametrize("fld", [f for f in FIELDS if f.kind == S.DATE][:1])
def test_a_whole_iso_date_column_agrees_with_the_plain_rule(fld: S.Field) -> None:
    """``_iso_column`` takes a column only when every cell is YYYY-MM-DD or empty."""
    @_settings(150)
    @given(raws=st.lists(ISO_DATES | st.just("") | DATES, min_size=1, max_size=8))
    def check(raws: list[object]) -> None:
        assert _validate(fld, raws, CTX, plain=False) == _validate(fld, raws, CTX, plain=True)

    check()


def test_blank_required_text_is_reported_both_ways() -> None:
    name = S.VILLAGE.by_label()["名称"]
    for raw in ("   ", "\u3000", " \t"):
        col = V.Collector()
        out = V.validate_mapping(S.VILLAGE.fields, {"名称": raw, "类型": "村", "代码": "419901100201"},
                                 "v.yaml", col, CTX)
        assert out is not None and out["name"] is None
        assert [(p.field, p.message) for p in col.problems] == [("名称", "必填，不能为空")]
        rows, bad, problems, *_ = _validate(name, [raw, "刘庄村"], CTX, plain=False)
        assert [(p.line, p.field, p.message) for p in problems] == [(2, "名称", "必填，不能为空")]
        assert bad == frozenset({2})


# -- the CSV reader's fast path (generator/read/tables.py) ----------------------------

CSV_TEXT = st.text(alphabet="ab,张 \t\n\r\x0b\x0c\x1c\x85\u2028\u3000\xa0\ufeff1", max_size=40)


@_settings(300)
@given(text=CSV_TEXT)
def test_csv_lines_without_quotes_split_as_the_csv_module_splits_them(text: str) -> None:
    """Files without quotes and without a lone CR are split on commas and line ends, not
    through ``csv.reader``: the same cells on the same lines (blank records aside)."""
    import csv
    import io

    from generator.read import tables

    fast = [(ln, cells) for ln, cells in tables._records(text) if any(cells)]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    plain, prev = [], 0
    for record in reader:
        start, prev = prev + 1, reader.line_num
        if any(c.strip() for c in record):
            plain.append((start, [c.strip() for c in record]))
    assert fast == plain


# few values, so that rows repeat; texts, and .xlsx values that equal each other in Python
_CELL = st.one_of(st.sampled_from(["", "张三", "1", "1.0", "2025-03-05", 1, 1.0, True,
                                   dt.date(2025, 3, 5), dt.datetime(2025, 3, 5)]),
                  st.text(max_size=2))


@given(st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=30), st.booleans())
@settings(max_examples=300, deadline=None)
def test_duplicate_rows_by_hash_agree_with_comparing_the_rows(cells: list[tuple], serial: bool
                                                               ) -> None:
    """``DuplicateRows`` keeps a hash per row: it warns exactly where comparing the rows
    themselves (a cell's type counts: an .xlsx number 1 is not the text "1", nor 1.0) does."""
    header = (("序号",) if serial else ()) + ("项目", "姓名", "金额")
    rows = tuple(Row(n, ((str(n),) if serial else ()) + c, header) for n, c in enumerate(cells, 2))
    col = V.Collector()
    V.warn_duplicate_rows(Table("w.csv", header, 1, rows), col)
    first: dict[tuple, int] = {}
    expected = []
    for r in rows:
        same = tuple((type(x), repr(x)) for x in r.values[1 if serial else 0:])
        line = first.setdefault(same, r.line)
        if line != r.line:
            expected.append((r.line, line))
    shown = [(p.line, int(p.message.split()[1])) for p in col.problems if p.message.startswith("与第")]
    assert shown == expected[:V.MAX_DUPLICATE_WARNINGS]
    assert len(col.problems) == min(len(expected), V.MAX_DUPLICATE_WARNINGS + 1)


# digits, the marks between them, the guard's invisible characters and entities, and text
_COPY_TEXT = st.text(alphabet="0123456789X ,、~_-.·\u200b\u00a0\u3000&#;4５𝟒王低保", max_size=60)


@settings(max_examples=500, deadline=None, database=None)
@given(st.one_of(_COPY_TEXT, st.builds(lambda a, sep, b: a + sep.join(["410122", "19850315", "0024"]) + b,
                                       _COPY_TEXT, st.sampled_from([" ", ",", "~", "", "\u200b", "-"]),
                                       _COPY_TEXT)))
def test_holds_number_is_the_guards_rule(text: str) -> None:
    """``personal.holds_number`` asks ``scan_text`` only for texts that could hold a number
    (16 digits): it says the same as asking it every time."""
    from generator import personal

    assert personal.holds_number(text) == bool(personal.scan_text(text))
