"""Value parsers and personal-data masks (generator.values)."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import BadValue
from generator.read.values import (
    cells_that_could_hold_numbers,
    could_hold_number,
    find_full_ids,
    id_check_digit,
    id_check_ok,
    mask_card,
    mask_id,
    mask_mobile,
    parse_date,
    parse_id,
    parse_int,
    parse_money,
    parse_month,
    parse_number,
    scrub_text,
)

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the repo
    suppress_health_check=[HealthCheck.too_slow],
)


def make_id(first17: str) -> str:
    """A valid 18-character ID: 17 digits plus the GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


ID_X = make_id("41012219900101123")  # ends in X
ID_7 = "410122199001011221"  # ends in a digit


def error_of(fn, *args) -> str:
    with pytest.raises(BadValue) as info:
        fn(*args)
    return str(info.value)


def test_id_helpers_agree_with_the_standard():
    assert ID_X == "41012219900101123X"
    assert id_check_ok(ID_7)
    assert id_check_digit(ID_7[:17]) == "1"
    assert id_check_ok(ID_X) and id_check_ok(ID_X.lower())
    assert not id_check_ok(ID_7[:17] + "2")
    assert not id_check_ok(ID_7[:17])
    assert not id_check_ok("４１０１２２１９９００１０１１２２１")  # full-width is not the ID form


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("￥1,234.50", "1234.50"),
        ("¥1234", "1234.00"),
        ("1234.50元", "1234.50"),
        ("１２３４．５", "1234.50"),
        ("１，２３４．５０", "1234.50"),
        ("  88  ", "88.00"),
        ("1,234,567.8", "1234567.80"),
        ("1.500", "1.50"),
        ("0", "0.00"),
        (1234.5, "1234.50"),
        (3, "3.00"),
        (0.1 + 0.2, "0.30"),  # Excel formula noise beyond 15 significant digits
    ],
)
def test_money_accepted_forms(raw, expected):
    value = parse_money(raw)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.2.3", '"1.2.3" 不是有效金额'),
        ("abc", '"abc" 不是有效金额'),
        ("12,34", '"12,34" 不是有效金额'),
        ("1,2,3", '"1,2,3" 不是有效金额'),
        ("", '"" 不是有效金额'),
        ("-5", '"-5" 金额不能为负数'),
        ("￥-5.00", '"￥-5.00" 金额不能为负数'),
        (-3, '"-3" 金额不能为负数'),
        ("1.505", '"1.505" 金额最多保留两位小数'),
        (1.505, '"1.505" 金额最多保留两位小数'),
        (float("nan"), '"nan" 不是有效金额'),
    ],
)
def test_money_errors(raw, message):
    assert error_of(parse_money, raw) == message


def test_money_error_never_echoes_a_full_id():
    message = error_of(parse_money, ID_7)
    assert ID_7 not in message
    assert "410122********1221" in message


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03-05",
        "2025/3/5",
        "2025.3.5",
        "2025年3月5日",
        "２０２５－０３－０５",
        " 2025-3-5 ",
        datetime.date(2025, 3, 5),
        datetime.datetime(2025, 3, 5, 14, 30),
    ],
)
def test_date_accepted_forms(raw):
    value = parse_date(raw)
    assert value == datetime.date(2025, 3, 5)
    assert type(value) is datetime.date


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2025-02-30", '"2025-02-30" 不是存在的日期'),
        ("2025-13-01", '"2025-13-01" 不是存在的日期'),
        ("3/5/2025", '"3/5/2025" 不是有效日期（应写成 2025-03-05）'),
        ("2025-03", '"2025-03" 不是有效日期（应写成 2025-03-05）'),
        ("2025-3/5", '"2025-3/5" 不是有效日期（应写成 2025-03-05）'),
        ("明天", '"明天" 不是有效日期（应写成 2025-03-05）'),
        (45000, '"45000" 不是有效日期（应写成 2025-03-05）'),
        ("1899-12-31", '"1899-12-31" 年份应在 1900 到 2100 之间'),
        ("2101-01-01", '"2101-01-01" 年份应在 1900 到 2100 之间'),
    ],
)
def test_date_errors(raw, message):
    assert error_of(parse_date, raw) == message


@pytest.mark.parametrize(
    "raw", ["2025-03", "2025/3", "2025年3月", "2025.3", "２０２５－３", datetime.date(2025, 3, 31)]
)
def test_month_accepted_forms(raw):
    assert parse_month(raw) == "2025-03"


@pytest.mark.parametrize("raw", ["2025-13", "2025", "3月", "2025-03-05", "abc"])
def test_month_errors(raw):
    assert error_of(parse_month, raw) == f'"{raw}" 不是有效月份（应写成 2025-03）'


# --------------------------------------------------------------------------- numbers


def test_int_forms_and_ranges():
    assert parse_int("42") == 42
    assert parse_int("１，２３４") == 1234
    assert parse_int(3.0) == 3
    assert parse_int(7) == 7
    assert parse_int("0", 0, 100) == 0
    assert parse_int("100", 0, 100) == 100
    assert parse_int("-5", None, None) == -5
    assert error_of(parse_int, "3.5") == '"3.5" 不是有效整数'
    assert error_of(parse_int, 3.5) == '"3.5" 不是有效整数'
    assert error_of(parse_int, "三") == '"三" 不是有效整数'
    assert error_of(parse_int, "101", 0, 100) == '"101" 应在 0 到 100 之间'
    assert error_of(parse_int, "-1") == '"-1" 不能小于 0'
    assert error_of(parse_int, "0", 1) == '"0" 不能小于 1'
    message = error_of(parse_int, "9" * 5000)
    assert message.endswith('…" 不是有效整数') and len(message) < 60


def test_number_forms_and_errors():
    assert parse_number("12.5") == Decimal("12.5")
    assert parse_number("1,234.25") == Decimal("1234.25")
    assert parse_number("１２．５") == Decimal("12.5")
    assert parse_number(3) == Decimal(3)
    assert parse_number(0.75) == Decimal("0.75")
    assert error_of(parse_number, "12.5亩") == '"12.5亩" 不是有效数字'
    assert error_of(parse_number, "-1.5") == '"-1.5" 不能为负数'
    assert error_of(parse_number, -2) == '"-2" 不能为负数'


# --------------------------------------------------------------------------- 身份证号


def test_id_accepted_and_normalized():
    assert parse_id(ID_X) == ID_X
    assert parse_id(ID_X.lower()) == ID_X
    assert parse_id(f"  {ID_7} ") == ID_7
    full_width = ID_7.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_id(full_width) == ID_7


@pytest.mark.parametrize("number", [410122199001011234, 4.10122199001011e17])
def test_id_stored_as_excel_number(number):
    assert error_of(parse_id, number) == (
        "身份证号被 Excel 存成了数字，末几位已丢失，请把该列设为“文本”后重新输入"
    )


def test_id_errors_are_masked():
    bad_check = ID_7[:17] + "5"
    message = error_of(parse_id, bad_check)
    assert message == '"410122********1225" 身份证号校验位不正确'
    assert bad_check not in message
    assert error_of(parse_id, "12345") == '"12345" 不是18位身份证号'
    too_long = ID_7 + "9"
    message = error_of(parse_id, too_long)
    assert message == '"410122********2219" 不是18位身份证号'
    assert ID_7 not in message
    assert error_of(parse_id, ID_7[:17] + "Y") == '"410122********122Y" 不是18位身份证号'


def test_masks():
    assert mask_id(ID_X) == "410122********123X"
    assert mask_id(ID_X.lower()) == "410122********123X"
    assert mask_card("6217000012345678901") == "6217***********8901"
    assert mask_card("6217 0000 1234 5678") == "6217********5678"
    assert mask_mobile("13812345678") == "138****5678"


# --------------------------------------------------------------------------- free text


def test_scrub_finds_ids_cards_and_mobiles_in_order():
    text = f"张三身份证{ID_X}，卡号 6217 0000 1234 5670，另卡6217000012345678901，电话13812345678。"
    masked, kinds = scrub_text(text, mobiles=True)
    assert masked == (
        "张三身份证410122********123X，卡号 6217********5670，"
        "另卡6217***********8901，电话138****5678。"
    )
    assert kinds == ["身份证号", "银行卡号", "银行卡号", "手机号"]


def test_scrub_leaves_mobiles_alone_unless_asked():
    assert scrub_text("联系电话13812345678") == ("联系电话13812345678", [])


def test_scrub_full_width_and_hyphen_groups():
    full_width = ID_7.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    masked, kinds = scrub_text(f"身份证：{full_width}")
    assert masked == "身份证：410122********1221"
    assert kinds == ["身份证号"]
    masked, kinds = scrub_text("卡号6217-0000-1234-5678-907转账")
    assert masked == "卡号6217***********8907转账"
    assert kinds == ["银行卡号"]
    # digits put together from groups are a card only when they pass the Luhn check
    assert scrub_text("编号6217-0000-1234-5678-901转账")[1] == []


@pytest.mark.parametrize(
    "text",
    [
        "2025年3月5日支付工程款 12345.00 元，凭证号 2025-0301",
        "监督电话 0371-12388，办公时间 8:30-17:30",
        "合同编号 HT2025000123，面积 12.5 亩",
        "一个20位数字 12345678901234567890 不是卡号",
        "电话 13812345678",
    ],
)
def test_scrub_leaves_ordinary_text_alone(text):
    assert scrub_text(text) == (text, [])


def test_scrub_treats_an_18_digit_run_with_a_bad_check_digit_as_a_card():
    run = ID_7[:17] + "5"
    masked, kinds = scrub_text(f"号码{run}")
    assert kinds == ["银行卡号"]
    assert masked == "号码4101**********1225"


def test_scrub_is_fast_on_many_short_strings():
    texts = ["办公用品采购 2025年3月 第12批", "公益支出：修路", "张三"] * 20_000
    start = time.perf_counter()
    for text in texts:
        scrub_text(text, mobiles=True)
    assert time.perf_counter() - start < 1.5


def test_find_full_ids():
    text = f"a{ID_X}b {ID_7}\n9{ID_7} {ID_7[:17]}5 ｘ{ID_7}"
    assert find_full_ids(text) == [ID_X, ID_7, ID_7]


def test_find_full_ids_is_fast_on_megabytes():
    text = ("<td>2025-03-05</td><td>1,234.50</td><td>0371-12388</td>" * 100_000) + ID_7
    assert len(text) > 5_000_000
    start = time.perf_counter()
    assert find_full_ids(text) == [ID_7]
    assert time.perf_counter() - start < 2


# --------------------------------------------------------------------------- properties

valid_ids = st.from_regex(r"[0-9]{17}", fullmatch=True).map(make_id)
any_cell = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[ ￥¥-]?[0-9０-９,，.．/／年月日-]{0,14}元?", fullmatch=True),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.none(),
)


@PROPERTY
@given(any_cell)
def test_parsers_return_or_raise_badvalue(value):
    for parser in (parse_money, parse_date, parse_month, parse_int, parse_number, parse_id):
        try:
            parser(value)
        except BadValue as exc:
            assert str(exc)


@PROPERTY
@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_money_round_trips(amount):
    for text in (f"{amount}", f"{amount:,}", f"￥{amount:,}", f"{amount}元"):
        assert parse_money(text) == amount


@PROPERTY
@given(valid_ids)
def test_mask_id_never_contains_the_id(id_number):
    masked = mask_id(id_number)
    assert id_number not in masked
    assert len(masked) == 18 and masked[6:14] == "********"
    assert masked[:6] == id_number[:6] and masked[-4:] == id_number[-4:].upper()


@PROPERTY
@given(st.text(alphabet="0123456789 -xX，a张", max_size=12), valid_ids, st.text(max_size=12))
def test_scrubbed_text_contains_no_full_id(prefix, id_number, suffix):
    text = prefix + id_number + suffix
    masked, _kinds = scrub_text(text, mobiles=True)
    assert find_full_ids(masked) == []


@PROPERTY
@given(st.text(alphabet="0123456789０１２３ -Xx年", max_size=60))
def test_scrub_output_never_has_a_full_id_for_digit_soup(text):
    assert find_full_ids(scrub_text(text)[0]) == []


_CELL = st.text(alphabet=st.sampled_from("0123456789０１２３４５６７８９ 支付张三-年X\x00"), max_size=24)


@given(st.lists(_CELL, max_size=12))
def test_column_precheck_never_skips_a_cell_with_a_number_to_mask(cells):
    """The column-at-once search (validation's fast path) picks every cell ``scrub_text``
    changes, and only cells ``could_hold_number`` lets through."""
    picked = set(cells_that_could_hold_numbers(cells))
    assert picked <= {i for i, t in enumerate(cells) if could_hold_number(t)}
    for mobiles in (False, True):
        assert {i for i, t in enumerate(cells) if scrub_text(t, mobiles=mobiles)[1]} <= picked


def _convert_alone(fld, raw):
    from generator.read.validate import Collector, FileContext, convert

    col = Collector()
    value = convert(fld, raw, "x.csv", 2, col, FileContext(None, "files"))
    return value, col.problems


_MONEY_TEXT = st.one_of(
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{0,3})?", fullmatch=True),
    st.from_regex(r"[0-9,.]{1,12}", fullmatch=True),
    st.from_regex(r"0[0-9]{0,3},[0-9]{3}(\.[0-9]{1,2})?", fullmatch=True),
    # currency sign or unit around it: ￥1,234.50, ¥ 12, RMB1234, 1234.50元, ￥-5
    st.from_regex(r"(￥|¥|RMB)? ?-?[0-9]{1,4}(,[0-9]{3}){0,2}(\.[0-9]{0,3})? ?元?", fullmatch=True),
)
_DATE_TEXT = st.one_of(
    st.from_regex(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}", fullmatch=True),
    st.from_regex(r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日?", fullmatch=True),
    st.from_regex(r"(18|19|20|21)[0-9]{2}[-/.](0?[1-9]|1[0-2])[-/.]([0-2]?[0-9]|3[01])", fullmatch=True),
)
_EXCEL_NUMBER = st.one_of(st.integers(-10**16, 10**16),
                          st.floats(-1e16, 1e16, allow_nan=False, allow_infinity=False),
                          st.decimals(0, 10**6, places=2).map(float))
_EXCEL_DATE = st.one_of(st.dates(), st.datetimes())


@PROPERTY
@given(st.one_of(_MONEY_TEXT, _EXCEL_NUMBER, _DATE_TEXT, _EXCEL_DATE))
def test_column_fast_paths_agree_with_the_cell_converter(raw) -> None:
    """Validation converts whole columns of the common forms at once (validate._fast_column):
    for any cell it either leaves the cell to ``convert`` or gives exactly what ``convert``
    gives without a problem — held-out data written as clerks write it (1,234.50, 2025/3/5,
    Excel numbers and dates) must not change a value."""
    from generator.read import schema as S
    from generator.read.validate import _SLOW, _fast_column

    for fld in (S.Field("金额", "amount", S.MONEY), S.Field("日期", "date", S.DATE),
                S.Field("户数", "households", S.INT, lo=0, hi=10**6)):
        fast = _fast_column(fld, [raw], False)[0]
        if fast is _SLOW:
            continue
        value, problems = _convert_alone(fld, raw)
        assert not problems and fast == value and type(fast) is type(value), (fld.kind, raw)


@PROPERTY
@given(st.lists(st.one_of(st.just(""), _DATE_TEXT, st.dates().map(str),
                          st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)),
                max_size=8))
def test_date_column_at_once_is_cell_by_cell(raws) -> None:
    """A date column converted at once (all YYYY-MM-DD) gives what each cell gives alone."""
    from generator.read.validate import _SLOW, _fast_date, _iso_column

    whole = _iso_column(raws)
    if whole is not None:
        cells = [None if r == "" else _fast_date(r) for r in raws]
        assert _SLOW not in cells and whole == cells


def test_column_fast_paths_take_the_forms_clerks_write() -> None:
    import datetime as dt

    from generator.read import schema as S
    from generator.read.validate import _fast_column

    money = _fast_column(S.Field("金额", "amount", S.MONEY),
                         ["1234.5", "1,234.50", "12,345,678", 1234.5, 3, "",
                          "￥1,234.50", "¥12", "1234.50元", "RMB 0.5"], False)
    assert money == [Decimal("1234.50"), Decimal("1234.50"), Decimal("12345678.00"),
                     Decimal("1234.50"), Decimal("3.00"), None,
                     Decimal("1234.50"), Decimal("12.00"), Decimal("1234.50"), Decimal("0.50")]
    dates = _fast_column(S.Field("日期", "date", S.DATE),
                         ["2025-03-05", "2025/3/5", "2025.3.5", "2025-3-5", "2025年3月5日",
                          dt.datetime(2025, 3, 5, 8, 0), dt.date(2025, 3, 5)], False)
    assert dates == [dt.date(2025, 3, 5)] * 7


def test_excel_negative_zero_money_is_zero() -> None:
    assert str(parse_money(-0.0)) == "0.00"
    assert str(parse_money("-0")) == "0.00"
