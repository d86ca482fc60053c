"""Charts and QR codes are inline SVG made at build time: readable, escaped, proportional."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest

from generator.model.records import FinanceRow
from generator.model.views import ProgramTotal, ledger_months
from generator.site import charts
from generator.site.charts import Series, bar_chart, progress_chart, qr_svg, short_amount


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


NS = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[float]:
    return [float(r.get("width")) for r in _parse(svg).iter(NS + "rect") if r.get("class") == "bar"]


def test_bar_lengths_are_proportional_to_the_numbers() -> None:
    svg = bar_chart("c", "测试", [("甲", [D(100)]), ("乙", [D(50)]), ("丙", [D(0)])], [Series("金额")])
    a, b, c = _bars(svg)
    assert a == pytest.approx(2 * b, rel=0.01)
    assert c == 0


def test_chart_has_a_name_and_a_text_alternative_with_every_number() -> None:
    svg = bar_chart("c", "各月收入和支出（元）",
                    [("2026年10月", [D("140369.90"), D("107123.37")])],
                    [Series("收入", 0), Series("支出", 1)])
    root = _parse(svg)
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    texts = {el.get("id"): "".join(el.itertext()) for el in root.iter() if el.get("id")}
    assert texts[labelled[0]] == "各月收入和支出（元）"
    desc = texts[labelled[1]]
    assert "2026年10月" in desc and "收入14.04万元" in desc and "支出10.71万元" in desc
    # a legend names both series
    legend = [t.text for t in root.iter(NS + "text")]
    assert "收入" in legend and "支出" in legend


def test_labels_from_clerks_are_escaped() -> None:
    evil = '<script>alert(1)</script>"'
    svg = bar_chart("c", evil, [(evil, [D(1)])], [Series(evil)])
    assert "<script" not in svg
    _parse(svg)  # still well-formed
    svg2 = progress_chart("p", "进度", [(evil, 40)])
    assert "<script" not in svg2


def test_missing_values_are_said_not_drawn() -> None:
    svg = bar_chart("c", "预算和拨付", [("修路", [D(1000), None])], [Series("预算"), Series("已拨付")])
    assert _bars(svg)[1] == 0
    assert "已拨付未填" in "".join(_parse(svg).itertext())


def test_nothing_to_draw_gives_no_chart() -> None:
    assert bar_chart("c", "空", [], [Series("x")]) == ""
    assert progress_chart("p", "空", [("修路", None)]) == ""


def test_progress_is_clamped_to_the_track() -> None:
    svg = progress_chart("p", "进度", [("甲", 50), ("乙", 130)])
    half, full = _bars(svg)
    assert full == pytest.approx(2 * half, rel=0.01)


def test_short_amounts() -> None:
    assert short_amount(D("880")) == "880"
    assert short_amount(D("12345.6")) == "1.23万"
    assert short_amount(D("250000000")) == "2.50亿"


def test_ledger_chart_shows_the_latest_twelve_months() -> None:
    rows = tuple(FinanceRow(i, dt.date(2025 + (i - 1) // 12, (i - 1) % 12 + 1, 5), "收入", "补助", "x",
                            D(i)) for i in range(1, 16))
    svg = charts.ledger_chart(ledger_months(rows))
    labels = [t.text for t in _parse(svg).iter(NS + "text") if t.get("text-anchor") == "end"]
    assert labels[0] == "2026年3月" and len(labels) == 12
    assert "最近 12 个月" in svg


def test_welfare_chart_one_bar_per_program() -> None:
    svg = charts.welfare_chart([ProgramTotal("低保", 3, 3, D(900)), ProgramTotal("五保", 1, 1, D(300))])
    assert len(_bars(svg)) == 2


def test_qr_code_is_scalable_inline_svg_with_a_name() -> None:
    svg = qr_svg("https://ydt.example.gov.cn/dongguan-zhen/liuzhuang-cun/", "刘庄村公开页面二维码")
    root = _parse(svg)
    assert root.get("viewBox") and root.get("width") is None
    assert root.get("role") == "img" and root.get("aria-label") == "刘庄村公开页面二维码"
    assert re.search(r"<path[^>]* d=", svg)


def test_qr_codes_decode_to_their_address(tmp_path: Path) -> None:
    """The codes the pages draw, of addresses of many lengths (QR versions 1–10), read back
    with zbarimg as a phone would read them."""
    import random

    from browser_util import decode_qr

    rng = random.Random(11)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-./:"
    urls = ["https://ydt.example.gov.cn/dongguan-zhen/liuzhuang-cun/", "https://12388.gov.cn/"]
    urls += ["https://" + "".join(rng.choice(alphabet) for _ in range(n))
             for n in (5, 20, 60, 120, 200)]
    versions = set()
    for i, url in enumerate(urls):
        qr = charts._qr(url)
        assert qr.error in "MQH" and not qr.is_micro  # at least M (segno raises it when it fits)
        versions.add(qr.version)
        png = tmp_path / f"qr{i}.png"
        qr.save(png, scale=4, border=4)
        assert decode_qr(png) == [url]
    assert len(versions) >= 5
