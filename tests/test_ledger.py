"""The change log (issue 18): changes pages, county feed, checkpoints, verify, --previous,
--new-ledger, the `changes` command, and the privacy of withdrawn welfare names."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import json
import shutil
import socket
import threading
from pathlib import Path

import pytest

from generator.ledger import log as L
from generator.ledger import merkle
from generator.ledger.records import Record, content_hash

COUNTY = "qinghe-xian"
V1 = f"{COUNTY}/dongguan-zhen/liuzhuang-cun"
V2 = f"{COUNTY}/dongguan-zhen/wangying-cun"

CONTRACTS = """合同编号,名称,相对方,类型,金额,签订日期,状态
HT-001,村部维修合同,青禾建筑队,工程,3000.00,2026-10-01,履行中
HT-002,保洁服务合同,刘家保洁,服务,1200.00,2026-10-02,履行中
"""
NOTICE = """---
标题: 2026年第三季度财务公开
类别: 财务
日期: 2026-10-28
公示开始: 2026-10-28
公示结束: 2026-11-05
---
本季度收支见财务公开栏。
"""
WELFARE = """项目,姓名,身份证号,金额,发放日期
低保,王秀英,41012219900101123X,350.00,2026-09-20
高龄津贴,赵德全,,100.00,2026-10-25
"""


def _write(p: Path, text: str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def make_data(root: Path) -> Path:
    c = root / COUNTY
    _write(c / "county.yaml", "名称: 青禾县\n代码: '419901'\n监督电话: 0371-12388\n"
           "网址: https://ydt.example.gov.cn/\n个人信息公示天数: 60\n修改已公开记录提示天数: 10\n")
    _write(c / "dongguan-zhen" / "township.yaml", "名称: 东关镇\n代码: 419901100\n")
    for slug, name, code in (("liuzhuang-cun", "刘庄村", "419901100201"),
                             ("wangying-cun", "王营村", "419901100202")):
        v = c / "dongguan-zhen" / slug
        _write(v / "village.yaml", f"名称: {name}\n类型: 村\n代码: {code}\n")
        _write(v / "finance.csv", "日期,凭证号,类型,科目,摘要,金额\n"
               "2026-10-05,J-01,收入,补助收入,收到镇财政转移支付,1000.00\n"
               "2026-10-20,J-02,支出,管理费用,支付村部电费,200.50\n")
        _write(v / "balances.csv", "月份,期初余额,本月收入,本月支出,期末余额\n"
               "2026-10,500.00,1000.00,200.50,1299.50\n")
    v1 = c / "dongguan-zhen" / "liuzhuang-cun"
    _write(v1 / "contracts.csv", CONTRACTS)
    _write(v1 / "notices" / "caiwu-2026q3.md", NOTICE)
    _write(v1 / "welfare.csv", WELFARE)
    return root


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_data(tmp_path / "data")


def build(cli, data: Path, out: Path, as_of: str, *extra: str):
    return cli("build", "--data", data, "--out", out, "--as-of", as_of, "--jobs", "1",
               "--quiet", *extra)


def edit(data: Path) -> None:
    """Edit an amount, delete a contract, add one, change a notice."""
    v1 = data / V1
    (v1 / "contracts.csv").write_text(
        "合同编号,名称,相对方,类型,金额,签订日期,状态\n"
        "HT-001,村部维修合同,青禾建筑队,工程,300.00,2026-10-01,履行中\n"
        "HT-003,道路养护合同,东关路政,服务,800.00,2026-11-10,履行中\n", encoding="utf-8")
    (v1 / "notices" / "caiwu-2026q3.md").write_text(
        NOTICE.replace("2026年第三季度财务公开", "2026年第三季度财务公开（更正）"), encoding="utf-8")


def page(out: Path, rel: str) -> str:
    data = (out / rel).read_bytes()
    return (gzip.decompress(data) if rel.endswith(".gz") else data).decode("utf-8")


def site_files(out: Path) -> dict[Path, bytes]:
    """Every file of the site, decompressed where gzipped."""
    return {p: gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
            for p in out.rglob("*") if p.is_file()}


def test_changes_pages_feed_and_verify(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    cp1 = tmp_path / "cp1.json"
    shutil.copyfile(out / COUNTY / "ledger" / "checkpoint.json", cp1)
    first = json.loads(cp1.read_text())
    assert first["date"] == "2026-11-01" and len(first["root"]) == 64 and first["size"] > 0
    # the first build starts the log: the village page says so, without listing every record
    assert "开始记录" in page(out, f"{V1}/changes/index.html")

    edit(data)
    r = build(cli, data, out, "2026-11-20")
    assert r.code == 0, r.err
    cp2 = json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json"))
    assert cp2["size"] == first["size"] + 4 and cp2["date"] == "2026-11-20"
    entries = page(out, f"{COUNTY}/ledger/entries/000000.jsonl").splitlines()
    new = [json.loads(e) for e in entries[first["size"]:]]
    assert sorted((e["module"], e["id"], e["op"]) for e in new) == [
        ("contracts", "contracts:HT-001", "change"), ("contracts", "contracts:HT-002", "remove"),
        ("contracts", "contracts:HT-003", "add"), ("notices", "notices:caiwu-2026q3", "change")]
    assert {e["village"] for e in new} == {"dongguan-zhen/liuzhuang-cun"}

    html = page(out, f"{V1}/changes/index.html")
    newest = html.split("<h2")[1]  # the newest build comes first
    assert "2026-11-20" in newest
    assert "金额：<del>3,000.00</del> → <ins>300.00</ins>" in newest
    assert "删除</span>" in newest and "合同 HT-002 保洁服务合同" in newest
    assert "新增</span>" in newest and "合同 HT-003 道路养护合同" in newest
    assert "标题：<del>2026年第三季度财务公开</del> → <ins>2026年第三季度财务公开（更正）</ins>" in newest
    assert newest.count("<li class=\"ch-") == 4  # the notice's 公示中 → 已结束 is no change
    # changed or removed 19 days after first publication; the county says 10 (a new one is not)
    assert newest.count("修改旧记录") == 3
    assert L.Checkpoint.parse(cp2).fingerprint in html
    # the poster carries the fingerprint of the last build that changed the village
    assert L.Checkpoint.parse(cp2).fingerprint in page(out, f"{V1}/poster/index.html")
    # the other village: nothing new, its poster keeps the first checkpoint
    other = page(out, f"{V2}/changes/index.html")
    assert "2026-11-20" not in other
    assert L.Checkpoint.parse(first).fingerprint in page(out, f"{V2}/poster/index.html")
    # the county page and feed show exactly those changes
    county = page(out, f"{COUNTY}/changes/index.html")
    assert county.count("<li class=\"ch-") == 4 and "刘庄村" in county and "王营村" not in county
    feed = page(out, f"{COUNTY}/changes/feed.xml")
    assert feed.count("<entry>") == 1 and "金额 3,000.00 → 300.00" in feed
    assert L.Checkpoint.parse(cp2).fingerprint in page(out, f"{COUNTY}/index.html")
    assert "本村更新记录" in page(out, f"{V1}/assets/index.html")
    assert '<a href="changes/">本村更新记录</a>' in page(out, f"{V1}/index.html")

    # verify: the log now published extends the one the old checkpoint committed to
    ok = cli("verify", "--checkpoint", cp1, "--site", out, "--county", COUNTY)
    assert ok.code == 0, ok.err
    assert "一致" in ok.out
    # an unchanged rebuild appends nothing and keeps the checkpoint
    assert build(cli, data, out, "2026-11-21").code == 0
    assert json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json")) == cp2

    # tamper with one earlier entry: exit 1
    chunk = out / COUNTY / "ledger" / "entries" / "000000.jsonl"
    text = chunk.read_text(encoding="utf-8")
    chunk.write_text(text.replace('"op":"add"', '"op":"remove"', 1), encoding="utf-8")
    bad = cli("verify", "--checkpoint", cp1, "--site", out / COUNTY)
    assert bad.code == 1 and "条目被改动过" in bad.err


def test_rewritten_history_and_new_ledger_fail_verify(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    cp1 = tmp_path / "cp1.json"
    shutil.copyfile(out / COUNTY / "ledger" / "checkpoint.json", cp1)
    edit(data)
    # a rewritten log whose checkpoint was recomputed to match: the consistency proof fails
    assert build(cli, data, out, "2026-11-20", "--new-ledger").code == 0
    r = cli("verify", "--checkpoint", cp1, "--site", out, "--county", COUNTY)
    assert r.code == 1
    assert "记录被改写" in r.err or "记录被删减" in r.err
    # a later checkpoint size than the log's: records were cut
    big = json.loads(cp1.read_text())
    big["size"] = 10_000
    cp_big = tmp_path / "big.json"
    cp_big.write_text(json.dumps(big))
    r = cli("verify", "--checkpoint", cp_big, "--site", out, "--county", COUNTY)
    assert r.code == 1 and "记录被删减" in r.err


def _serve(folder: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))

    class Quiet(http.server.ThreadingHTTPServer):
        pass

    httpd = Quiet(("127.0.0.1", 0), handler)
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_previous_over_http_continues_the_log(cli, data: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(http.server.SimpleHTTPRequestHandler, "log_message", lambda *a: None)
    published = tmp_path / "published"
    assert build(cli, data, published, "2026-11-01").code == 0
    cp1 = tmp_path / "cp1.json"
    shutil.copyfile(published / COUNTY / "ledger" / "checkpoint.json", cp1)
    edit(data)
    httpd = _serve(published)
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/{COUNTY}/"
        fresh = tmp_path / "fresh"
        r = build(cli, data, fresh, "2026-11-20", "--previous", url)
        assert r.code == 0, r.err
        cp2 = json.loads(page(fresh, f"{COUNTY}/ledger/checkpoint.json"))
        assert cp2["size"] == json.loads(cp1.read_text())["size"] + 4
        assert "金额：<del>3,000.00</del> → <ins>300.00</ins>" in page(fresh, f"{V1}/changes/index.html")
        ok = cli("verify", "--checkpoint", cp1, "--site", fresh, "--county", COUNTY)
        assert ok.code == 0, ok.err
        # verify also reads a published site over http
        ok = cli("verify", "--checkpoint", cp1, "--site", url)
        assert ok.code == 0, ok.err
        # the same build from the same previous log: byte-identical ledger and pages
        again = tmp_path / "again"
        assert build(cli, data, again, "2026-11-20", "--previous", str(published)).code == 0
        for rel in (f"{COUNTY}/ledger", f"{V1}/changes", f"{COUNTY}/changes"):
            a = {p.relative_to(fresh): p.read_bytes() for p in (fresh / rel).rglob("*") if p.is_file()}
            b = {p.relative_to(again): p.read_bytes() for p in (again / rel).rglob("*") if p.is_file()}
            assert a == b, rel
    finally:
        httpd.shutdown()
    # unreachable: exit 3 and nothing written
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nowhere = tmp_path / "nowhere"
    r = build(cli, data, nowhere, "2026-11-20", "--previous", f"http://127.0.0.1:{port}/{COUNTY}/")
    assert r.code == 3 and "连接不上" in r.err
    assert not nowhere.exists()


def test_inconsistent_previous_exits_3(cli, data: Path, tmp_path: Path):
    published = tmp_path / "published"
    assert build(cli, data, published, "2026-11-01").code == 0
    tree = published / COUNTY / "ledger" / "tree.json"
    t = json.loads(tree.read_text())
    t["hashes"][0] = "00" * 32
    tree.write_text(json.dumps(t))
    fresh = tmp_path / "fresh"
    r = build(cli, data, fresh, "2026-11-20", "--previous", published)
    assert r.code == 3 and "不一致" in r.err
    assert not fresh.exists()


def test_expired_names_never_in_the_site(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    state = page(out, f"{COUNTY}/ledger/villages/dongguan-zhen/liuzhuang-cun.json.gz")
    assert "王秀英" in state  # published while within 个人信息公示天数 (with the masked ID)
    assert "41012219900101123X" not in state
    # the row is deleted by the clerk: a visible removal, with the name while it may be shown
    (data / V1 / "welfare.csv").write_text(WELFARE.replace(
        "低保,王秀英,41012219900101123X,350.00,2026-09-20\n", ""), encoding="utf-8")
    assert build(cli, data, out, "2026-11-05").code == 0
    assert "王秀英" in page(out, f"{V1}/changes/index.html")
    assert "王秀英" in page(out, f"{COUNTY}/changes/index.html")
    # 60 days after 2026-09-20 the name is withdrawn everywhere, ledger and changes included
    before = json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json"))
    assert build(cli, data, out, "2026-12-15").code == 0
    hits = [p for p, data in site_files(out).items() if "王秀英".encode() in data]
    assert hits == []
    # expiry itself is no change: 赵德全 (paid 2026-10-25) is still within 60 days
    assert json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json")) == before
    assert "赵德全" in page(out, f"{COUNTY}/ledger/villages/dongguan-zhen/liuzhuang-cun.json.gz")
    assert not [p for p, data in site_files(out).items() if b"410122********123X" in data]


def test_changes_command_lists_the_edits_and_writes_nothing(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    edit(data)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    r = cli("changes", "--data", data, "--out", out, "--as-of", "2026-11-20", "--quiet")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == f"{V1}（刘庄村）："
    assert "  修改（修改旧记录） 合同 合同 HT-001 村部维修合同" in lines
    assert "      金额: 3,000.00 → 300.00" in lines
    assert "  删除（修改旧记录） 合同 合同 HT-002 保洁服务合同" in lines
    assert "  新增 合同 合同 HT-003 道路养护合同" in lines
    assert not any("王营村" in ln for ln in lines)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert not (tmp_path / ".site.cache").joinpath("ledger").exists()


def test_timeliness_page(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    # 2026-10's ledger was first published on 2026-11-01, before the 10th: on time
    html = page(out, f"{COUNTY}/timeliness/index.html")
    assert "2026年10月" in html and "按时" in html
    (data / V1 / "finance.csv").write_text(
        (data / V1 / "finance.csv").read_text(encoding="utf-8")
        + "2026-11-03,J-03,支出,管理费用,购买办公用品,50.00\n", encoding="utf-8")
    (data / V1 / "balances.csv").write_text(
        "月份,期初余额,本月收入,本月支出,期末余额\n2026-10,500.00,1000.00,200.50,1299.50\n"
        "2026-11,1299.50,0.00,50.00,1249.50\n", encoding="utf-8")
    assert build(cli, data, out, "2026-12-14").code == 0
    html = page(out, f"{COUNTY}/timeliness/index.html")
    row = next(r for r in html.split("<tr>") if "刘庄村" in r)
    assert "晚 4 天" in row  # 2026-11 first published 2026-12-14, due 2026-12-10
    row2 = next(r for r in html.split("<tr>") if "王营村" in r)
    assert "未公开（已超期 4 天）" in row2


def test_withdrawn_hash_is_salted():
    """A plain hash of the published values is not what the log holds."""
    values = ("低保", "王秀英", "410122********123X", "", "350.00", "2026-09-20", "", "")
    rec = Record("welfare", "k", "t", "l", values)
    assert rec.fields[1] == ("姓名", "王秀英")
    plain = hashlib.sha256(rec.canonical()).hexdigest()
    salted = content_hash("ab" * 16, values)
    assert salted != plain and salted != content_hash("cd" * 16, values)
    assert rec.canonical() == json.dumps(list(values), ensure_ascii=False,
                                         separators=(",", ":")).encode()


def test_leaf_is_rfc6962_over_the_line():
    line = b'{"date":"2026-11-01"}'
    assert merkle.leaf_hash(line) == hashlib.sha256(b"\x00" + line).digest()


def test_log_only_moves_forward_and_changes_says_nothing_new(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-20").code == 0
    before = {p: p.read_bytes() for p in (out / COUNTY / "ledger").rglob("*") if p.is_file()}
    # an earlier --as-of than the log's last checkpoint is refused (usage), nothing written
    r = build(cli, data, out, "2026-11-01")
    assert r.code == 2 and "早于上次公开更新记录的日期 2026-11-20" in r.err
    assert {p: p.read_bytes() for p in (out / COUNTY / "ledger").rglob("*") if p.is_file()} == before
    r = cli("changes", "--data", data, "--out", out, "--as-of", "2026-11-21", "--quiet")
    assert r.code == 0 and r.out.startswith("没有变动")
    # verify: a missing checkpoint file is a usage error, a site without a log fails
    assert cli("verify", "--checkpoint", tmp_path / "none.json", "--site", out).code == 2
    cp = tmp_path / "cp.json"
    shutil.copyfile(out / COUNTY / "ledger" / "checkpoint.json", cp)
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("verify", "--checkpoint", cp, "--site", empty)
    assert r.code == 3 and "没有找到" in r.err


def test_verify_finds_the_county_or_asks_for_it(cli, data: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-01").code == 0
    cp = tmp_path / "cp.json"
    shutil.copyfile(out / COUNTY / "ledger" / "checkpoint.json", cp)
    assert cli("verify", "--checkpoint", cp, "--site", out).code == 0  # the only county
    shutil.copytree(out / COUNTY, out / "other-xian")
    r = cli("verify", "--checkpoint", cp, "--site", out)
    assert r.code == 2 and "请用 --county 指定：other-xian、qinghe-xian" in r.err
    assert cli("verify", "--checkpoint", cp, "--site", out, "--county", "other-xian").code == 0


def test_a_log_with_other_digests_is_compared_record_by_record(cli, data: Path, tmp_path: Path):
    """A log whose village digests another version wrote (or whose salts another seed made)
    is compared record by record: nothing changed, nothing appended, no new 更新记录."""
    out = tmp_path / "site"
    assert build(cli, data, out, "2026-11-20").code == 0
    index_file = out / COUNTY / "ledger" / "index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    for row in index["villages"].values():
        row["digest"] = "0" * 64
    index_file.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    before = json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json"))
    history = f"{COUNTY}/ledger/history/dongguan-zhen/liuzhuang-cun.json"
    builds = page(out, history)
    assert build(cli, data, out, "2026-11-21").code == 0
    assert json.loads(page(out, f"{COUNTY}/ledger/checkpoint.json")) == before
    assert page(out, history) == builds  # no new build in the village's 更新记录
    index = json.loads(index_file.read_text(encoding="utf-8"))
    assert all(row["digest"] != "0" * 64 for row in index["villages"].values())
