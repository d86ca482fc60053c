"""A village's cache key (generator.publish.cache.village_key) names its cached pages: it must
change whenever anything in the village's folder changes — a table, a notice, an attachment,
a file's name — and only then, or an edit would be published late (or never)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.publish.cache import model_digest, village_key
from generator.read.load import discover, load_county

AS_OF = dt.date(2026, 11, 28)


def _write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, "utf-8")


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    _write(root, "c/county.yaml", '名称: 青禾县\n代码: "410122"\n监督电话: 0371-12388\n')
    _write(root, "c/t/township.yaml", '名称: 东关镇\n代码: "410122100"\n')
    for slug, name in (("a", "刘庄村"), ("b", "赵庄村")):
        _write(root, f"c/t/{slug}/village.yaml", f'名称: {name}\n类型: 村\n代码: "4101221002{slug}"\n')
        _write(root, f"c/t/{slug}/finance.csv",
               "日期,凭证号,类型,科目,摘要,金额\n2026-10-03,001,收入,补助收入,上级转移支付,5000\n")
        _write(root, f"c/t/{slug}/notices/2026-10-05-gongshi.md", "---\n标题: 公示\n---\n正文\n")
        _write(root, f"c/t/{slug}/files/scan.txt", "扫描件\n")
    return root


def _keys(data: Path, tdigest: str = "t") -> dict[str, str]:
    sources, col = discover(data, ())
    county = load_county(sources[0], col)
    assert county is not None
    model = model_digest(county, county.townships[0])
    return {v.slug: village_key(v, model, AS_OF, tdigest) for v in sources[0].townships[0].villages}


def test_the_key_follows_every_file_of_the_village(data: Path) -> None:
    before = _keys(data)
    assert before == _keys(data)  # the same files: the same key
    assert before["a"] != before["b"]
    village = data / "c" / "t" / "a"
    changes = [
        lambda: (village / "finance.csv").write_text(
            "日期,凭证号,类型,科目,摘要,金额\n2026-10-03,001,收入,补助收入,上级转移支付,5001\n", "utf-8"),
        lambda: (village / "files" / "scan.txt").write_text("扫描件（新）\n", "utf-8"),
        lambda: _write(village, "notices/2026-11-01-new.md", "---\n标题: 新公告\n---\n正文\n"),
        lambda: os.rename(village / "notices" / "2026-11-01-new.md", village / "notices" / "2026-11-02-new.md"),
        lambda: (village / "files" / "scan.txt").unlink(),
    ]
    seen = {before["a"]}
    for change in changes:
        change()
        after = _keys(data)
        assert after["a"] not in seen, change
        assert after["b"] == before["b"]  # the other village keeps its key
        seen.add(after["a"])


def test_the_key_follows_the_date_and_the_generator(data: Path) -> None:
    sources, col = discover(data, ())
    county = load_county(sources[0], col)
    assert county is not None
    src, model = sources[0].townships[0].villages[0], model_digest(county, county.townships[0])
    key = village_key(src, model, AS_OF, "t")
    assert village_key(src, model, AS_OF + dt.timedelta(days=1), "t") != key
    assert village_key(src, model, AS_OF, "templates changed") != key
