import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent
C, T, V = "qinghe-xian", "dongguan-zhen", "liuzhuang-cun"

COUNTY = (
    "名称: 青禾县\n代码: '419901'\n监督电话: 0371-12388\n网址: https://ydt.qinghe.example.gov.cn/\n"
)
TOWN = "名称: 东关镇\n代码: 419901100\n"
VILLAGE = "名称: 刘庄村\n类型: 村\n代码: 419901100201\n办公时间: 8:30-17:30\n"
FIN = "日期,类型,科目,摘要,金额\n2025-03-05,收入,补助收入,收到镇财政转移支付,1000.00\n2025-03-20,支出,管理费用,支付村部电费,200.50\n"
BAL = "月份,期初余额,本月收入,本月支出,期末余额\n2025-03,500.00,1000.00,200.50,1299.50\n"


def case(name, files, remove=(), village=V):
    d = ROOT / name / "data"
    if d.exists():
        shutil.rmtree(d)
    base = {
        f"{C}/county.yaml": COUNTY,
        f"{C}/{T}/township.yaml": TOWN,
        f"{C}/{T}/{village}/village.yaml": VILLAGE,
    }
    base.update(files)
    for k in remove:
        base.pop(k, None)
    for rel, content in base.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


VP = f"{C}/{T}/{V}"
case("ok-minimal", {f"{VP}/finance.csv": FIN, f"{VP}/balances.csv": BAL})
case("bad-village-slug", {}, remove=[f"{C}/{T}/{V}/village.yaml"])
(ROOT / "bad-village-slug/data" / C / T / "Liu Zhuang").mkdir(parents=True, exist_ok=True)
(ROOT / "bad-village-slug/data" / C / T / "Liu Zhuang" / "village.yaml").write_text(
    VILLAGE, encoding="utf-8"
)
case("reserved-township-slug", {f"{C}/search/township.yaml": TOWN})
case(
    "unknown-column",
    {
        f"{VP}/finance.csv": "日期,类型,科目,摘要,金额,备注\n2025-03-05,收入,补助收入,收到转移支付,1000.00,无\n"
    },
)
case(
    "missing-required-column",
    {f"{VP}/finance.csv": "日期,类型,科目,摘要\n2025-03-05,收入,补助收入,收到转移支付\n"},
)
# a required name of spaces only (ASCII, full-width) is empty, in YAML and in a table
case(
    "required-name-blank",
    {
        f"{VP}/village.yaml": VILLAGE.replace("名称: 刘庄村", '名称: "   "'),
        f"{VP}/powers.yaml": '- 名称: "\u3000"\n  流程:\n    - 申请\n',
        f"{VP}/assets.csv": "编号,名称,类别\nZC-001, ,非经营性\n",
    },
)
case(
    "required-cell-empty",
    {f"{VP}/finance.csv": "日期,类型,科目,摘要,金额\n2025-03-05,收入,补助收入,,1000.00\n"},
)
case("missing-required-key", {f"{VP}/village.yaml": "名称: 刘庄村\n类型: 村\n"})
case("unknown-key", {f"{VP}/village.yaml": VILLAGE + "村长: 张三\n"})
case("missing-village-yaml", {f"{VP}/finance.csv": FIN}, remove=[f"{VP}/village.yaml"])
case("county-code-digits", {f"{C}/county.yaml": COUNTY.replace("'419901'", "'41990'")})
case(
    "duplicate-asset-code",
    {
        f"{VP}/assets.csv": "编号,名称,类别\nZC-001,村部办公楼,非经营性\nZC-002,农机仓库,经营性\nZC-001,文化广场,非经营性\n"
    },
)
case(
    "bad-id-check-digit",
    {
        f"{VP}/welfare.csv": "项目,姓名,身份证号,金额,发放日期\n低保,阿依古丽·买买提,41012219900101123X,500.00,2025-03-05\n低保,欧阳明华,410122199001011235,500.00,2025-03-05\n"
    },
)
case("bad-money", {f"{VP}/finance.csv": FIN.replace("200.50", "1.2.3")})
case("money-three-decimals", {f"{VP}/finance.csv": FIN.replace("200.50", "1.505")})
case("negative-money", {f"{VP}/finance.csv": FIN.replace("200.50", "-200.50")})
case("impossible-date", {f"{VP}/finance.csv": FIN.replace("2025-03-20", "2025-02-30")})
case("bad-enum", {f"{VP}/finance.csv": FIN.replace("支出,管理费用", "支付,管理费用")})
case(
    "balances-equation",
    {
        f"{VP}/balances.csv": "月份,期初余额,本月收入,本月支出,期末余额\n2025-03,500.00,1000.00,200.50,1300.00\n"
    },
)
case(
    "balances-gap",
    {
        f"{VP}/balances.csv": "月份,期初余额,本月收入,本月支出,期末余额\n2025-03,500.00,0,0,500.00\n2025-05,500.00,0,0,500.00\n"
    },
)
case(
    "balances-opening",
    {
        f"{VP}/balances.csv": "月份,期初余额,本月收入,本月支出,期末余额\n2025/3,500.00,0,0,500.00\n2025年4月,600.00,0,0,600.00\n"
    },
)
case(
    "balances-vs-ledger",
    {
        f"{VP}/finance.csv": FIN,
        f"{VP}/balances.csv": "月份,期初余额,本月收入,本月支出,期末余额\n2025-03,500.00,1000.00,300.00,1200.00\n",
    },
)
case(
    "missing-attachment",
    {
        f"{VP}/finance.csv": "日期,类型,科目,摘要,金额,附件\n2025-03-05,收入,补助收入,收到转移支付,1000.00,fapiao-001.pdf\n"
    },
)
case(
    "attachment-path-escape",
    {
        f"{VP}/finance.csv": "日期,类型,科目,摘要,金额,附件\n2025-03-05,收入,补助收入,收到转移支付,1000.00,../../../county.yaml\n",
        f"{VP}/files/ok.pdf": b"%PDF-1.4\n",
    },
)
# Windows and macOS would read Finance.csv as finance.csv, Linux would not: refused everywhere
case("file-name-case", {f"{VP}/Finance.csv": FIN})
case("csv-and-xlsx", {f"{VP}/finance.csv": FIN, f"{VP}/finance.xlsx": b"PK\x03\x04"})
case(
    "contract-end-before-start",
    {
        f"{VP}/contracts.csv": "合同编号,名称,相对方,金额,签订日期,开始日期,结束日期\nHT-2025-01,村部维修,东关建筑队,20000,2025-03-01,2025-03-05,2025-03-01\n"
    },
)
case(
    "progress-out-of-range",
    {f"{VP}/projects.csv": "项目编号,名称,预算金额,进度\nXM-01,道路硬化,100000,120\n"},
)
case(
    "yaml-syntax",
    {
        f"{VP}/village.yaml": "名称: 刘庄村\n类型: 村\n代码: 419901100201\n干部:\n  - 姓名: 张三\n   职务: 书记\n"
    },
)
case("bad-encoding", {f"{VP}/finance.csv": b"\xff\xfe\xff\xff,\xff\n"})
case("empty-file", {f"{VP}/finance.csv": b""})
case(
    "notice-bad-category",
    {
        f"{VP}/notices/2025-q1.md": "---\n标题: 一季度公示\n类别: 政务\n日期: 2025-04-02\n---\n正文\n"
    },
)
case(
    "notice-missing-attachment",
    {
        f"{VP}/notices/2025-q1.md": "---\n标题: 一季度公示\n类别: 财务\n日期: 2025-04-02\n附件: [scan.pdf]\n---\n正文\n"
    },
)
case(
    "notice-end-before-start",
    {
        f"{VP}/notices/2025-q1.md": "---\n标题: 一季度公示\n类别: 村务\n日期: 2025-04-02\n公示开始: 2025-04-09\n公示结束: 2025-04-02\n---\n正文\n"
    },
)
case(
    "notice-bad-slug",
    {f"{VP}/notices/一季度.md": "---\n标题: 一季度公示\n类别: 村务\n日期: 2025-04-02\n---\n正文\n"},
)
case(
    "billion-laughs",
    {
        f"{VP}/powers.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    },
)
case("binary-as-csv", {f"{VP}/welfare.csv": bytes(range(256)) * 4})
case(
    "welfare-bad-program",
    {f"{VP}/welfare.csv": "项目,姓名,金额,发放日期\n低保金,张三,500.00,2025-03-05\n"},
)
# symlink escaping files/
case(
    "attachment-symlink",
    {
        f"{VP}/finance.csv": "日期,类型,科目,摘要,金额,附件\n2025-03-05,收入,补助收入,收到转移支付,1000.00,scan.pdf\n",
        f"{VP}/files/.keep": "",
    },
)
link = ROOT / "attachment-symlink/data" / VP / "files/scan.pdf"
if link.is_symlink() or link.exists():
    link.unlink()
os.symlink("../../../county.yaml", link)
(ROOT / "attachment-symlink/data" / VP / "files/.keep").unlink()


# --- clerks' mistakes (issue 20 §1–§3, issue 17 §4) -------------------------------------
def xlsx_bytes(rows, merge_title=False):
    import datetime
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": datetime.datetime(2025, 1, 1)})  # same bytes every run
    ws = wb.add_worksheet()
    start = 0
    if merge_title:
        ws.merge_range(0, 0, 0, len(rows[0]) - 1, merge_title)
        start = 1
    for i, row in enumerate(rows):
        ws.write_row(start + i, 0, row)
    wb.close()
    return buf.getvalue()


TP = f"{C}/{T}"
case("misnamed-file-copy", {f"{VP}/finance (1).csv": FIN})
case("misnamed-file-copy-cn", {f"{VP}/finance - 副本.csv": FIN})
case("misnamed-file-chinese", {f"{VP}/财务收支明细.xlsx": xlsx_bytes([["日期", "金额"]])})
case("misnamed-file-xls", {f"{VP}/welfare.xls": b"\xd0\xcf\x11\xe0" + b"\0" * 60})
case("misnamed-village-yaml", {f"{VP}/Village.yaml": VILLAGE}, remove=[f"{VP}/village.yaml"])
NOTE = "---\n标题: 一季度公示\n类别: 村务\n日期: 2025-04-02\n---\n正文\n"
case("notice-md-txt", {f"{VP}/notices/2025-q1.md.txt": NOTE})
case("notice-txt", {f"{VP}/notices/2025-q1.txt": NOTE})
case("notice-docx", {f"{VP}/notices/2025-q1.docx": b"PK\x03\x04"})
case("duplicate-village-code", {
    f"{TP}/wangzhuang-cun/village.yaml": VILLAGE.replace("刘庄村", "王庄村")})
case("duplicate-village-name", {
    f"{TP}/wangzhuang-cun/village.yaml": VILLAGE.replace("419901100201", "419901100202")})
case("village-code-outside-township", {
    f"{VP}/village.yaml": VILLAGE.replace("419901100201", "419901200201")})
case("title-row-csv", {f"{VP}/finance.csv": "刘庄村2025年3月财务收支明细,,,,\n" + FIN})
case("title-row-xlsx", {f"{VP}/finance.xlsx": xlsx_bytes(
    [["日期", "类型", "科目", "摘要", "金额"], ["2025-03-05", "收入", "补助收入", "转移支付", 1000]],
    merge_title="刘庄村2025年3月财务收支明细")})
case("title-row-with-date", {f"{VP}/finance.csv": "刘庄村财务收支明细,,,2025年3月,\n" + FIN})
case("blank-first-row", {f"{VP}/finance.csv": "\n" + FIN})
case("semicolon-csv", {f"{VP}/finance.csv": FIN.replace(",", ";")})
case("grouped-messages", {f"{VP}/finance.csv": "日期,类型,科目,摘要,金额\n"
                          + "".join(f"2025-03-{d:02d},支出,管理费用,,10.00\n" for d in range(1, 8))
                          + "2025-03-20,支出,管理费用,电费,1.2.3\n"})
case("knock-on-bad-date", {
    f"{VP}/finance.csv": FIN.replace("2025-03-20", "2025-03-32"),
    f"{VP}/balances.csv": BAL})
case("multiline-cell-row", {f"{VP}/finance.csv": (
    '日期,类型,科目,摘要,金额\n2025-03-05,收入,补助收入,"收到镇财政\n转移支付",1000.00\n'
    "2025-03-20,支出,管理费用,支付村部电费,1.2.3\n")})
case("yaml-fullwidth-colon", {f"{VP}/village.yaml": VILLAGE + "户数：298\n人口: 1000\n"})
case("yaml-no-space-after-colon", {f"{VP}/village.yaml": VILLAGE + "户数:298\n人口: 1000\n"})
case("yaml-fullwidth-indent", {
    f"{VP}/village.yaml": VILLAGE + "干部:\n  - 姓名: 张三\n\u3000\u3000职务: 书记\n"})
case("did-you-mean-column", {f"{VP}/finance.csv": FIN.replace("金额", "金頟", 1)})
# a header cell with a line break in it: the message stays on one line
case("header-cell-line-break", {f"{VP}/finance.csv": FIN.replace("金额\n", '金额,"说\n明"\n', 1)})
case("did-you-mean-project-column", {
    f"{VP}/projects.csv": "项目编号,名称,预算金额,计划完工时间\nXM-01,道路硬化,100000,2025-10-01\n"})
case("did-you-mean-key", {f"{VP}/village.yaml": VILLAGE + "党员数: 30\n"})
case("id-scientific-csv", {
    f"{VP}/welfare.csv": "项目,姓名,身份证号,金额,发放日期\n低保,张三,4.19901E+17,500.00,2025-03-05\n"})
case("id-truncated-csv", {
    f"{VP}/welfare.csv": "项目,姓名,身份证号,金额,发放日期\n低保,张三,419901199001011000,500.00,2025-03-05\n"})
case("money-brackets", {f"{VP}/finance.csv": FIN.replace("200.50", '"（3,597.72）"')})
case("value-wrong-unit", {f"{VP}/village.yaml": VILLAGE + "户数: 298人\n"})
case("totals-row", {f"{VP}/finance.csv": FIN + "合计,,,,1200.50\n"})
case("date-as-excel-number", {f"{VP}/finance.csv": FIN.replace("2025-03-20", "45736")})
case("header-wrong-unit", {f"{VP}/finance.csv": FIN.replace("金额", "金额（万元）", 1)})
case("privacy-days-huge", {f"{C}/county.yaml": COUNTY + "个人信息公示天数: 99999999999\n"})
case("notice-slug-too-long", {f"{VP}/notices/{'a' * 120}.md": NOTE})
case("xlsx-huge-range", {f"{VP}/finance.xlsx": xlsx_bytes(
    [["日期", "类型", "科目", "摘要", "金额"]]), })
case("notice-too-many-headings", {
    f"{VP}/notices/2025-q1.md": NOTE.replace("正文\n", "标题\n===\n" * 301)})
case("duplicate-column-with-unit", {f"{VP}/finance.csv": FIN.replace("金额", "金额,金额（元）", 1)
                                    .replace(",1000.00", ",1000.00,1000.00").replace(",200.50", ",200.50,200.50")})

# the huge-range workbook: one more cell at XFD1048576 (a 5 KB file declaring 17 billion cells)
_huge = ROOT / "xlsx-huge-range/data" / VP / "finance.xlsx"
_huge.write_bytes(xlsx_bytes([["日期", "类型", "科目", "摘要", "金额"],
                              ["2025-03-05", "收入", "补助收入", "转移支付", 1000]]))


def _huge_workbook(path):
    import datetime

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2025, 1, 1)})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["日期", "类型", "科目", "摘要", "金额"])
    ws.write_row(1, 0, ["2025-03-05", "收入", "补助收入", "转移支付", 1000])
    ws.write(1048575, 16383, "x")
    wb.close()


_huge_workbook(_huge)

# accepted as clerks write them, and warnings only (exit 0): see tests/test_clerk_messages.py
case("ok-units-and-serial", {
    f"{VP}/finance.csv": "序号,日期,类型,科目,摘 要,金额（元）\n1,2025-03-05,收入,补助收入,收到镇财政转移支付,1000.00\n"
                         "2,2025-03-20,支出,管理费用,支付村部电费,200.50\n",
    f"{VP}/balances.csv": BAL,
    f"{VP}/projects.csv": "项目编号,名称,预算金额(元),进度\nXM-01,道路硬化,100000,50%\n",
    f"{VP}/resources.csv": "编号,名称,类型,面积（亩）\nZY-01,东坡耕地,耕地,12.5亩\n",
    f"{VP}/village.yaml": VILLAGE + "户数: 298户\n人口: 1000人\n耕地面积: 12.5亩\n"})
case("warn-duplicate-row", {f"{VP}/finance.csv": FIN + "2025-03-20,支出,管理费用,支付村部电费,200.50\n"})
case("warn-month-without-balance", {
    f"{VP}/finance.csv": FIN + "2025-04-02,支出,管理费用,支付村部水费,50.00\n", f"{VP}/balances.csv": BAL})
