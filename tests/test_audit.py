"""The supervision report (``build.py audit``): every rule finds its planted case and not the
namesake next to it (same name, different 身份证号); reference files are validated with located
messages; missing references skip their rules and say so; the report never goes into a site.

Data: tests/audit/data (one county, 刘庄村 with a planted case and a namesake for every rule,
李寨村 with the same people in another village) and tests/audit/ref (the reference tables).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from generator import compat
from generator.audit import rules as R
from generator.audit.report import html_bytes
from generator.audit.source import load_counties, village_rows
from generator.read.load import discover, load_village
from tests.conftest import TESTS, tree_bytes

AUDIT = TESTS / "audit"
DATA = AUDIT / "data"
REF = AUDIT / "ref"
LIU = "qinghe-xian/dongguan-zhen/liuzhuang-cun"
LI = "qinghe-xian/dongguan-zhen/lizhai-cun"

# rule → (planted (file, line) that must be found, namesakes / near misses that must not)
CASES: dict[str, tuple[set[tuple[str, int]], set[tuple[str, int]]]] = {
    R.DEATH_AFTER: ({(f"{LIU}/welfare.csv", 2)},
                    {(f"{LIU}/welfare.csv", 3),    # paid before the death
                     (f"{LIU}/welfare.csv", 4),    # namesake 张三
                     (f"{LIU}/welfare.csv", 20),   # 张三 without an ID number
                     (f"{LIU}/welfare.csv", 16)}),  # 吴九 died after being paid
    R.PAYROLL: ({(f"{LIU}/welfare.csv", 5)},
                {(f"{LIU}/welfare.csv", 6),        # same person, 高龄津贴 is not poverty relief
                 (f"{LIU}/welfare.csv", 7)}),      # namesake 李四
    R.CADRE_WELFARE: ({(f"{LIU}/welfare.csv", 8), (f"{LIU}/welfare.csv", 10)},
                      {(f"{LIU}/welfare.csv", 9),  # namesake 王伟
                       (f"{LI}/welfare.csv", 2)}),  # the cadre, but in another village
    R.RELATED_COMPANY: ({(f"{LIU}/contracts.csv", 2), (f"{LIU}/contracts.csv", 4)},
                        {(f"{LIU}/contracts.csv", 3),  # 法定代表人 is a namesake 王伟
                         (f"{LI}/contracts.csv", 2)}),  # the cadre's company, another village
    R.SPLIT_PAYMENT: ({(f"{LIU}/finance.csv", 5), (f"{LIU}/finance.csv", 6)},
                      {(f"{LIU}/finance.csv", n) for n in (3, 4,  # together 4,999.99
                                                           7, 8,  # 18 days apart
                                                           9,     # another 经手人
                                                           10, 11,  # one at 5,000: not below
                                                           12, 13)}),  # no 经手人
    R.DUPLICATE: ({(f"{LIU}/welfare.csv", 11), (f"{LIU}/welfare.csv", 12)},
                  {(f"{LIU}/welfare.csv", n) for n in (13,   # another month
                                                       14,   # another 项目
                                                       15,   # namesake 周八
                                                       2, 4)}),  # 张三 and namesake, same month
    R.OVER_STANDARD: ({(f"{LIU}/welfare.csv", 16), (f"{LIU}/welfare.csv", 18)},
                      {(f"{LIU}/welfare.csv", 17),  # 2,400 for 补发1-3月: at the cap
                       (f"{LIU}/welfare.csv", 19)}),  # 其他 has no standard
    R.MISSING_MONTH: ({(f"{LIU}/balances.csv", 3), (f"{LI}/balances.csv", 2)},
                      {(f"{LIU}/balances.csv", 5),  # no rows, but nothing moved
                       (f"{LIU}/balances.csv", 2), (f"{LIU}/balances.csv", 4),
                       (f"{LI}/balances.csv", 3)}),
}


def read_findings(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM (Excel)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    from generator.cli import main

    out = tmp_path_factory.mktemp("audit") / "reports"
    code = main(["audit", "--data", str(DATA), "--reference", str(REF), "--out", str(out),
                 "--as-of", "2026-01-01", "--jobs", "1", "--quiet"])
    assert code == 0
    return out, read_findings(out / "qinghe-xian" / "findings.csv")


def _located(rows: list[dict[str, str]], rule: str) -> set[tuple[str, int]]:
    return {(r["文件"], int(r["行"])) for r in rows if r["规则"] == rule}


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_finds_the_planted_case_and_not_the_namesake(report, rule: str) -> None:
    planted, innocent = CASES[rule]
    found = _located(report[1], rule)
    assert found == planted
    assert not found & innocent


def test_report_has_the_columns_and_the_evidence(report) -> None:
    out, rows = report
    assert list(rows[0]) == ["规则", "乡镇", "村", "文件", "行", "说明", "身份证号", "证据文件",
                             "证据行", "证据"]
    death = next(r for r in rows if r["规则"] == R.DEATH_AFTER)
    assert death == {
        "规则": "死亡后发放", "乡镇": "东关镇", "村": "刘庄村", "文件": f"{LIU}/welfare.csv",
        "行": "2", "说明": "张三（低保）于 2025-02-10 死亡，2025-03-05 仍发放 600.00 元",
        "身份证号": "419901195001010116", "证据文件": "ref/死亡人员.csv", "证据行": "2",
        "证据": "姓名：张三；死亡日期：2025-02-10",
    }
    company = next(r for r in rows if r["规则"] == R.RELATED_COMPANY and r["行"] == "4")
    assert company["证据文件"] == "ref/企业登记.csv" and company["证据行"] == "4"
    assert "法定代表人是本村干部 王伟" in company["说明"]
    assert len(rows) == sum(len(p) for p, _ in CASES.values())  # nothing else found


def test_html_report_is_internal_sortable_and_filterable(report) -> None:
    html = (report[0] / "qinghe-xian" / "findings.html").read_text(encoding="utf-8")
    assert html.count("内部资料 · 注意保密") == 2
    assert '<html lang="zh-CN">' in html and 'name="robots" content="noindex' in html
    assert 'id="rule-filter"' in html and 'id="text-filter"' in html and "aria-sort" in html
    assert "@media print" in html
    assert "比对日期：2026-01-01" in html
    assert html.count('<tr data-rule="') == len(report[1])
    assert "http://" not in html and "https://" not in html  # no third-party request
    assert "未指定 --site" in html  # rule 9 shown as skipped


def test_html_escapes_clerk_text() -> None:
    f = R.Finding(R.SPLIT_PAYMENT, "镇", "村", "a/finance.csv", 2, '<script>alert("x")</script>',
                  evidence="<img src=x onerror=alert(1)>")
    html = html_bytes("县", dt.date(2026, 1, 1), [f], [], []).decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_same_data_gives_the_same_bytes(tmp_path: Path, cli) -> None:
    for name in ("a", "b"):
        assert cli("audit", "--data", DATA, "--reference", REF, "--out", tmp_path / name,
                   "--as-of", "2026-01-01", "--jobs", "2").code == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_cli_lists_each_rule_and_skips_rule_9(tmp_path: Path, cli) -> None:
    run = cli("audit", "--data", DATA, "--reference", REF, "--out", tmp_path / "r",
              "--as-of", "2026-01-01")
    assert run.code == 0
    assert "  死亡后发放：1 条" in run.lines
    assert "  公开不及时：未指定 --site（已生成或已发布的网站，读它的更新记录），跳过" in run.lines
    assert run.lines[-1] == "比对报告是内部资料，含完整身份证号，请勿公开或上传到网站。"


# ----------------------------------------------------------------------------- references


def test_missing_reference_files_skip_their_rules(tmp_path: Path, cli) -> None:
    ref = tmp_path / "ref"
    ref.mkdir()
    shutil.copy(REF / "补助标准.csv", ref)
    run = cli("audit", "--data", DATA, "--reference", ref, "--out", tmp_path / "r",
              "--as-of", "2026-01-01")
    assert run.code == 0
    assert "  死亡后发放：缺少 ref/死亡人员.csv（或 .xlsx），跳过" in run.lines
    assert "  财政供养人员领取：缺少 ref/财政供养人员.csv（或 .xlsx），跳过" in run.lines
    assert "  干部及亲属领取：缺少 ref/干部及亲属.csv（或 .xlsx），跳过" in run.lines
    assert ("  关联企业合同：缺少 ref/企业登记.csv（或 .xlsx）、ref/干部及亲属.csv（或 .xlsx），跳过"
            in run.lines)
    assert "  超标准发放：2 条" in run.lines and "  重复发放：2 条" in run.lines
    rows = read_findings(tmp_path / "r" / "qinghe-xian" / "findings.csv")
    assert {r["规则"] for r in rows} == {R.SPLIT_PAYMENT, R.DUPLICATE, R.OVER_STANDARD,
                                        R.MISSING_MONTH}
    html = (tmp_path / "r" / "qinghe-xian" / "findings.html").read_text(encoding="utf-8")
    assert "缺少 ref/死亡人员.csv（或 .xlsx），跳过" in html


def test_bad_reference_files_are_located_and_nothing_is_written(tmp_path: Path, cli) -> None:
    ref = tmp_path / "ref"
    shutil.copytree(REF, ref)
    (ref / "死亡人员.csv").write_text(
        "姓名,身份证号,死亡日期,备注\n"
        "张三,419901195001010116,2025-02-10,\n"
        "李四,419901195001010117,2025-02-10,\n"   # wrong check digit
        "王五,41990119500101011,2025-02-10,\n"    # 17 characters
        "赵六,419901196707070174,2025-02-30,\n"   # no such date
        "孙七,,2025-01-01,\n", encoding="utf-8")
    (ref / "补助标准.csv").write_text("项目,月标准金额上限\n低保,800\n低保,900\n救济粮,1.234\n",
                                     encoding="utf-8")
    (ref / "干部及亲属.csv").write_text("村,干部姓名\n419901101201,王伟\n", encoding="utf-8")
    (ref / "企业登记.xlsx").write_bytes(b"")  # beside 企业登记.csv
    out = tmp_path / "r"
    run = cli("audit", "--data", DATA, "--reference", ref, "--out", out, "--as-of", "2026-01-01")
    assert run.code == 1
    assert not out.exists()
    assert run.lines == [
        'ref/死亡人员.csv:1: 备注: 警告: 未知的列，已忽略（可用的列：姓名、身份证号、死亡日期）',
        'ref/死亡人员.csv:3: 身份证号: "419901********0117" 身份证号校验位不正确',
        'ref/死亡人员.csv:4: 身份证号: "419901********1011" 不是18位身份证号',
        'ref/死亡人员.csv:5: 死亡日期: "2025-02-30" 不是存在的日期',
        'ref/死亡人员.csv:6: 身份证号: 必填，不能为空',
        'ref/干部及亲属.csv:1: 干部身份证号: 缺少必填列',
        'ref/企业登记.xlsx:1: 文件: 与 企业登记.csv 同时存在，只能保留一个',
        'ref/补助标准.csv:3: 项目: "低保" 与第 2 行重复，项目不能重复',
        'ref/补助标准.csv:4: 项目: "救济粮" 不是可选的值（可选：低保、特困供养、临时救助、高龄津贴、'
        '残疾人两项补贴、耕地地力保护补贴、危房改造补助、其他）',
        'ref/补助标准.csv:4: 月标准金额上限: "1.234" 金额最多保留两位小数',
        "数据或参考资料有 9 处错误，请按上面的提示修改后重新运行。没有生成报告。",
    ]


def test_reference_in_gb18030_and_xlsx_is_read(tmp_path: Path, cli) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ref = tmp_path / "ref"
    shutil.copytree(REF, ref)
    text = (REF / "财政供养人员.csv").read_text(encoding="utf-8")
    (ref / "财政供养人员.csv").write_bytes(text.encode("gb18030"))
    (ref / "死亡人员.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "死亡日期"])
    ws.append(["张三", "419901195001010116", dt.datetime(2025, 2, 10)])  # a real Excel date
    wb.save(ref / "死亡人员.xlsx")
    run = cli("audit", "--data", DATA, "--reference", ref, "--out", tmp_path / "r",
              "--as-of", "2026-01-01")
    assert run.code == 0, run.err
    rows = read_findings(tmp_path / "r" / "qinghe-xian" / "findings.csv")
    death = [r for r in rows if r["规则"] == R.DEATH_AFTER]
    assert [(r["行"], r["证据文件"], r["证据行"]) for r in death] == [("2", "ref/死亡人员.xlsx", "2")]
    assert [r["行"] for r in rows if r["规则"] == R.PAYROLL] == ["5"]


# ----------------------------------------------------------------------------- where it writes


@pytest.mark.parametrize("layout", ["site-root", "county-folder", "marker"])
def test_refuses_to_write_into_a_built_site(tmp_path: Path, cli, layout: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    if layout == "site-root":
        (site / "index.html").write_text("<html></html>", encoding="utf-8")
        (site / "static").mkdir()
        out = site / "reports"
    elif layout == "county-folder":
        county = site / "qinghe-xian"
        (county / "pagefind").mkdir(parents=True)
        (county / "index.html").write_text("<html></html>", encoding="utf-8")
        out = county / "internal" / "reports"
    else:
        (site / ".yidiantong-site").write_text("", encoding="utf-8")
        out = site
    run = cli("audit", "--data", DATA, "--reference", REF, "--out", out)
    assert run.code == 2
    assert "不能放进网站" in run.err
    assert not any(site.rglob("findings.*"))


def test_refuses_to_write_into_the_data_folder(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    run = cli("audit", "--data", data, "--reference", REF, "--out", data / "reports")
    assert run.code == 2
    assert "在数据文件夹" in run.err
    assert not (data / "reports").exists()


def test_real_build_output_is_refused(tmp_path: Path, cli) -> None:
    """The folder an actual build wrote is recognised as a site."""
    from generator.audit.run import looks_like_site

    assert cli("build", "--data", TESTS / "cases" / "ok-minimal" / "data", "--out",
               tmp_path / "site", "--as-of", "2026-01-01", "--quiet").code == 0
    assert looks_like_site(tmp_path / "site")
    county = tmp_path / "site" / "qinghe-xian"
    assert looks_like_site(county)
    assert not looks_like_site(tmp_path)


def test_usage_and_data_errors_exit_codes(tmp_path: Path, cli) -> None:
    assert cli("audit", "--data", DATA, "--out", tmp_path / "r").code == 2  # no --reference
    run = cli("audit", "--data", DATA, "--reference", tmp_path / "nope", "--out", tmp_path / "r")
    assert run.code == 2 and "参考资料文件夹" in run.err
    bad = tmp_path / "data"
    shutil.copytree(DATA, bad)
    (bad / LIU / "welfare.csv").write_text(
        "项目,姓名,身份证号,金额,发放日期\n低保,张三,419901195001010116,abc,2025-03-05\n",
        encoding="utf-8")
    run = cli("audit", "--data", bad, "--reference", REF, "--out", tmp_path / "r")
    assert run.code == 1
    assert f'{LIU}/welfare.csv:2: 金额: "abc" 不是有效金额' in run.lines
    assert not (tmp_path / "r").exists()


# ----------------------------------------------------------------------------- county settings


def test_major_amount_comes_from_county_yaml(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    cy = data / "qinghe-xian" / "county.yaml"
    cy.write_text(cy.read_text(encoding="utf-8").replace("重大事项金额: 5000", "重大事项金额: 6000"),
                  encoding="utf-8")
    counties, _ = load_counties(data, (), 1)
    assert counties[0].major_amount == 6000
    # at 6,000: 购买办公用品 (5,500) is no longer a split; 绿化苗木 5,000 + 1,000 now is
    found = R.split_payment(counties[0].frames["finance"], int(counties[0].major_amount * 100))
    assert [f.line for f in sorted(found, key=R.Finding.sort_key)] == [10, 11]
    cy.write_text(cy.read_text(encoding="utf-8").replace("重大事项金额: 6000\n", ""),
                  encoding="utf-8")
    counties, _ = load_counties(data, (), 1)
    assert counties[0].major_amount == 5000  # the default


# ----------------------------------------------------------------------------- privacy


def test_full_ids_stay_out_of_the_model() -> None:
    sources, _ = discover(DATA)
    src = next(v for v in sources[0].townships[0].villages if v.slug == "liuzhuang-cun")
    plain = load_village(src)
    audit = load_village(src, full_ids=True)
    assert plain.full_ids == ()
    assert ("welfare", 2, "419901195001010116") in audit.full_ids
    for result in (plain, audit):
        assert result.village is not None
        assert result.village.welfare[0].idno is not None
        assert all("********" in (w.idno or "********") for w in result.village.welfare)
        assert "419901195001010116" not in repr(result.village)


# ----------------------------------------------------------------------------- light load


def _unrendered(village):  # the model without its rendered Markdown
    return dataclasses.replace(
        village, intro_html="", rules_html="",
        notices=tuple(dataclasses.replace(n, body_html="", body_text="") for n in village.notices))


@pytest.mark.parametrize(("data", "markdown"), [(DATA, False), (TESTS.parent / "villages", True)],
                         ids=["planted", "demo"])
def test_light_load_gives_the_rules_the_same_records(data: Path, markdown: bool) -> None:
    """The audit loads villages without rendering Markdown or opening attachments
    (``pages=False``): the same problems (the demo's attachments are all fine), full ID
    numbers and model records, and so the same rows for the rules, as the build's full
    load; only the rendered HTML is left out."""
    sources, _ = discover(data)
    villages = [v for c in sources for t in c.townships for v in t.villages]
    assert len(villages) >= 2
    rendered = attached = welfare = 0
    for src in villages:
        full = load_village(src, full_ids=True)
        light = load_village(src, full_ids=True, pages=False)
        assert light.problems == full.problems
        assert light.full_ids == full.full_ids
        assert light.ident == full.ident
        assert full.village is not None and light.village is not None
        assert light.village == _unrendered(full.village)
        assert village_rows(src) == village_rows(src, pages=True)
        rendered += bool(full.village.intro_html) + sum(bool(n.body_html)
                                                        for n in full.village.notices)
        attached += len(full.village.files)
        welfare += len(village_rows(src).rows["welfare"])
    assert welfare  # there were rows to compare
    # the demo has Markdown the light load does not render, attachments it does not open
    assert bool(rendered) == bool(attached) == markdown


def test_audit_does_not_open_attachments(tmp_path: Path, cli) -> None:
    """Whether an attachment may be published is the build's question: a PDF holding a full
    ID number stops ``check`` and ``build``, not the internal audit (it opens no attachment).
    Every other problem is the same."""
    data = TESTS / "cases" / "attachment-pdf-page-holds-id" / "data"
    r = cli("check", "--data", data)
    assert r.code == 1 and "mingdan.pdf:1: 附件: 第 2 页含有完整身份证号" in r.err
    sources, _ = discover(data)
    src = sources[0].townships[0].villages[0]
    full = load_village(src, full_ids=True)
    light = load_village(src, full_ids=True, pages=False)
    assert [p for p in full.problems if p.field != "附件"] == list(light.problems)
    assert light.village is not None and light.village.files == ("mingdan.pdf",)
    r = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "r",
            "--as-of", "2026-01-31")
    assert r.code == 0, r.err
    assert (tmp_path / "r" / "qinghe-xian" / "findings.csv").is_file()


@pytest.mark.parametrize("portable", ["", "spawn"])
def test_a_killed_worker_stops_the_audit_with_exit_3(tmp_path: Path, portable: str) -> None:
    """The villages are read in the build's worker processes: one killed (as by the
    out-of-memory killer) ends the audit with exit 3 and a message, not a hang, and no report."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    out = tmp_path / "reports"
    env = {k: v for k, v in os.environ.items() if k != compat.CRASH_ENV}
    env.update({compat.CRASH_ENV: "village:lizhai-cun", compat.ENV: portable})
    r = subprocess.run([sys.executable, str(TESTS.parent / "build.py"), "audit", "--data",
                        str(data), "--reference", str(REF), "--out", str(out), "--jobs", "2",
                        "--as-of", "2026-01-31"], env=env, capture_output=True, text=True,
                       timeout=120, cwd=TESTS.parent)
    assert r.returncode == 3, r.stderr
    assert "工作进程意外退出" in r.stderr and "没有写报告" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no staging folder left


# ----------------------------------------------------------------------------- rule helpers


@pytest.mark.parametrize(("note", "months"), [
    ("", 1), ("补发3个月", 3), ("补发三个月", 3), ("十二个月", 12), ("1-3月", 3), ("1月至3月", 3),
    ("10～12月", 3), ("11-2月", 4), ("２个月", 2), ("13个月", 1), ("3月份发放", 1),
])
def test_months_covered(note: str, months: int) -> None:
    assert R.months_covered(note) == months


def test_split_groups_take_the_longest_run_within_ten_days() -> None:
    # day 0: 1,000; day 9: 3,000; day 12: 3,000 → only days 9 and 12 reach 5,000
    assert R.split_groups([0, 9, 12], [100_000, 300_000, 300_000], 500_000) == [(1, 2)]
    assert R.split_groups([0, 10], [250_000, 250_000], 500_000) == [(0, 1)]  # 10 days: inside
    assert R.split_groups([0, 11], [250_000, 250_000], 500_000) == []  # 11 days: outside
    assert R.split_groups([0, 1, 2, 30, 31], [200_000] * 5, 500_000) == [(0, 2)]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_late_publication_with_first_seen_dates() -> None:
    """Rule 9 over synthetic first-seen dates (the change ledger will supply the real ones)."""
    d = dt.date
    base = {"town": "东关镇", "village": "刘庄村", "vcode": "419901101201", "vrel": LIU}
    finance = _frame([
        {**base, "file": f"{LIU}/finance.csv", "line": 2, "date": d(2025, 3, 4).toordinal(),
         "kind": "支出", "memo": "x", "handler": "", "cents": 100},
        {**base, "file": f"{LIU}/finance.csv", "line": 3, "date": d(2025, 4, 4).toordinal(),
         "kind": "支出", "memo": "x", "handler": "", "cents": 100},
        {**base, "file": f"{LIU}/finance.csv", "line": 4, "date": d(2025, 5, 4).toordinal(),
         "kind": "支出", "memo": "x", "handler": "", "cents": 100},
    ])
    notices = _frame([
        {**base, "file": f"{LIU}/notices/a.md", "line": 1, "slug": "a",
         "date": d(2025, 4, 1).toordinal()},
        {**base, "file": f"{LIU}/notices/b.md", "line": 1, "slug": "b",
         "date": d(2025, 4, 1).toordinal()},
    ])
    ledger = {(LIU, "2025-03"): d(2025, 4, 10),   # on the 10th: on time
              (LIU, "2025-04"): d(2025, 5, 11)}   # the 11th: late; 2025-05 unknown: not judged
    seen = {(LIU, "a"): d(2025, 4, 4), (LIU, "b"): d(2025, 4, 5)}  # +3 days ok, +4 late
    found = R.late_publication(finance, notices, ledger, seen)
    assert [(f.file, f.line) for f in found] == [(f"{LIU}/finance.csv", 3),
                                                 (f"{LIU}/notices/b.md", 1)]
    assert found[0].message == "2025-04 的财务收支 2025-05-11 才首次公开，应在 2025-05-10 前公开（晚 1 天）"
    # a county deadline of the 15th: 2025-04 is then on time
    assert [f.file for f in R.late_publication(finance, notices, ledger, seen, 15)] == [
        f"{LIU}/notices/b.md"]


def test_synthetic_reference_tables_are_valid_and_match_the_data(tmp_path: Path, cli) -> None:
    """tools/synth_reference.py writes files the audit accepts, some rows drawn from the data."""
    from tool_loader import load_tool

    synth_reference = load_tool("synth_reference")
    ref = tmp_path / "ref"
    counts = synth_reference.generate(DATA, ref, None, deaths=300, payroll=500, companies=100,
                                      share=0.5, seed=3)
    assert counts["死亡人员"] == 300 and counts["welfare IDs seen"] == 13
    run = cli("audit", "--data", DATA, "--reference", ref, "--out", tmp_path / "r",
              "--as-of", "2026-01-01")
    assert run.code == 0, run.err
    rows = read_findings(tmp_path / "r" / "qinghe-xian" / "findings.csv")
    assert any(r["规则"] == R.PAYROLL for r in rows)  # half the drawn IDs are real recipients


def test_column_id_check_agrees_with_the_cell_check() -> None:
    from generator.audit.reference import valid_ids
    from generator.read.values import id_check_ok

    cells = ["41990119400808018X", "41990119400808018x", "419901194008080181",
             "4199011940080801 X", "41990119400808018", "", None, 419901195001010116,
             "４19901195001010116", "419901195001010116", "A19901195001010116"]
    assert valid_ids(cells) == [
        (c.upper() if isinstance(c, str) and c.isascii() and id_check_ok(c) else None)
        for c in cells]
    assert valid_ids(cells)[:2] == ["41990119400808018X", "41990119400808018X"]


@pytest.mark.browser
def test_html_report_filters_and_sorts_in_chromium(report) -> None:
    """In a real browser, opened from disk: the rule filter and the text search hide rows,
    a header click sorts, and print hides the controls but keeps the banner."""
    from browser_util import CHROMIUM_ARGS, chromium_or_skip
    from playwright.sync_api import sync_playwright

    exe = chromium_or_skip()
    page_url = (report[0] / "qinghe-xian" / "findings.html").as_uri()
    total = len(report[1])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_url)
            visible = "#findings tbody tr:not([hidden])"
            assert page.locator(visible).count() == total
            page.select_option("#rule-filter", R.SPLIT_PAYMENT)
            assert page.locator(visible).count() == 2
            assert page.inner_text("#shown") == "显示 2 条"
            page.select_option("#rule-filter", "")
            page.fill("#text-filter", "周八")
            assert page.locator(visible).count() == 2
            page.fill("#text-filter", "")
            page.click("#findings th:nth-child(6)")  # 行, ascending
            page.click("#findings th:nth-child(6)")  # descending
            lines = [int(t) for t in page.locator("#findings tbody td:nth-child(6)").all_inner_texts()]
            assert lines == sorted(lines, reverse=True)
            page.emulate_media(media="print")
            assert not page.is_visible(".filters")
            assert page.is_visible(".banner")
            assert requests == [page_url]  # nothing else is fetched
        finally:
            browser.close()


def test_each_county_gets_its_own_report(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(data / "qinghe-xian", data / "baihe-xian")
    cy = data / "baihe-xian" / "county.yaml"
    cy.write_text(cy.read_text(encoding="utf-8").replace("青禾县", "白河县"), encoding="utf-8")
    run = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "r",
              "--as-of", "2026-01-01", "--jobs", "2")
    assert run.code == 0, run.err
    one = read_findings(tmp_path / "r" / "qinghe-xian" / "findings.csv")
    two = read_findings(tmp_path / "r" / "baihe-xian" / "findings.csv")
    # the same findings, each pointing into its own county (rules never join across counties)
    assert [(r["规则"], r["文件"].replace("baihe-xian", "qinghe-xian"), r["行"]) for r in two] == [
        (r["规则"], r["文件"], r["行"]) for r in one]
    assert {r["文件"].split("/")[0] for r in two} == {"baihe-xian"}
    assert "白河县" in (tmp_path / "r" / "baihe-xian" / "findings.html").read_text(encoding="utf-8")
    only = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "s",
               "--county", "baihe-xian")
    assert only.code == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["baihe-xian"]


# ----------------------------------------------------------------------------- rule 9 from a site


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(data, site): built on 2025-02-12 with January's accounts only (the log starts), then
    with March's accounts and two notices on 2025-04-15."""
    from generator.cli import main

    tmp = tmp_path_factory.mktemp("late")
    data, site = tmp / "data", tmp / "site"
    shutil.copytree(DATA, data)
    village = data / LIU
    full = (village / "finance.csv").read_text("utf-8")
    (village / "finance.csv").write_text("".join(full.splitlines(True)[:4]), "utf-8")
    build = ["build", "--data", str(data), "--out", str(site), "--jobs", "1", "--quiet"]
    assert main(build + ["--as-of", "2025-02-12"]) == 0
    (village / "finance.csv").write_text(full, "utf-8")
    (village / "notices").mkdir()
    for slug, kind, day_ in (("2025-q1", "财务", "2025-04-01"), ("2025-04", "村务", "2025-04-13")):
        (village / "notices" / f"{slug}.md").write_text(
            f"---\n标题: 公告 {slug}\n类别: {kind}\n日期: {day_}\n---\n正文\n", "utf-8")
    assert main(build + ["--as-of", "2025-04-15"]) == 0
    return data, site


LATE_ROWS = [
    (f"{LIU}/finance.csv", "5", "2025-03 的财务收支 2025-04-15 才首次公开，应在 2025-04-10 前公开（晚 5 天）"),
    (f"{LIU}/notices/2025-q1.md", "4", "公告日期 2025-04-01，2025-04-15 才首次公开（超过 3 天）"),
]


def _late(out: Path) -> list[tuple[str, str, str]]:
    text = (out / "qinghe-xian" / "findings.csv").read_text("utf-8-sig")
    return [(r["文件"], r["行"], r["说明"]) for r in csv.DictReader(io.StringIO(text))
            if r["规则"] == R.LATE]


def test_rule_9_reads_first_seen_dates_from_a_built_site(two_builds, tmp_path: Path, cli) -> None:
    """March's accounts first published on 04-15 (deadline 04-10) and a notice dated 04-01
    are late; January (first seen on 02-12, after its deadline, but in the log's first build:
    when it was really published is unknown) and the notice dated 04-13 are not."""
    data, site = two_builds
    run = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "r",
              "--as-of", "2025-04-16", "--site", site)
    assert run.code == 0, run.err
    assert "  公开不及时：2 条" in run.lines
    assert _late(tmp_path / "r") == LATE_ROWS
    # the county's folder itself works too, and a later deadline (财务公开期限日) is honoured
    yaml_file = data / "qinghe-xian" / "county.yaml"
    text = yaml_file.read_text("utf-8")
    yaml_file.write_text(text + "财务公开期限日: 15\n", "utf-8")
    try:
        run = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "r2",
                  "--as-of", "2025-04-16", "--site", site / "qinghe-xian")
    finally:
        yaml_file.write_text(text, "utf-8")
    assert run.code == 0, run.err
    assert _late(tmp_path / "r2") == LATE_ROWS[1:]


def test_rule_9_reads_a_published_site_over_http(two_builds, tmp_path: Path, cli) -> None:
    data, site = two_builds
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        run = cli("audit", "--data", data, "--reference", REF, "--out", tmp_path / "r",
                  "--as-of", "2025-04-16", "--site", url)
    finally:
        server.shutdown()
        server.server_close()
    assert run.code == 0, run.err
    assert _late(tmp_path / "r") == LATE_ROWS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_rule_9_without_the_county_log_or_site_folder(tmp_path: Path, cli) -> None:
    empty = tmp_path / "empty-site"
    empty.mkdir()
    run = cli("audit", "--data", DATA, "--reference", REF, "--out", tmp_path / "r",
              "--as-of", "2026-01-01", "--site", empty)
    assert run.code == 0, run.err
    assert f"  公开不及时：{empty} 中没有本县的更新记录（ledger/），跳过" in run.lines
    run = cli("audit", "--data", DATA, "--reference", REF, "--out", tmp_path / "r",
              "--as-of", "2026-01-01", "--site", tmp_path / "nowhere")
    assert run.code == 2
    assert f"--site 指定的网站文件夹 {tmp_path / 'nowhere'} 不存在" in run.err
