import datetime as dt
import shutil
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent / "data"
if ROOT.exists():
    shutil.rmtree(ROOT)


def w(rel, content, enc="utf-8"):
    p = ROOT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_bytes(content.encode(enc))


C = "qinghe-xian"
w(
    f"{C}/county.yaml",
    """名称: 青禾县
代码: '419901'
简介: |
  青禾县位于豫中平原，辖 **2 个乡镇**。
监督电话: 0371-12388
举报网址: https://jubao.qinghe.example.gov.cn/
网址: https://ydt.qinghe.example.gov.cn
个人信息公示天数: 365
""",
)
w(f"{C}/dongguan-zhen/township.yaml", "名称: 东关镇\n代码: 419901100\n电话: 0371-66001234\n")
w(f"{C}/liuhe-xiang/township.yaml", "名称: 柳河乡\n代码: 419901200\n")
V = f"{C}/dongguan-zhen/liuzhuang-cun"
w(
    f"{V}/village.yaml",
    """名称: 刘庄村
类型: 村
代码: 419901100201
简介: 刘庄村位于东关镇东部，村民以种植小麦、玉米为主。
户数: 412
人口: 1,536
党员人数: 38
面积: 3.2
耕地面积: 2860.5
地址: 东关镇刘庄村村部
办公时间: 8:30
电话: 0371-66001201
村规民约: |
  1. 遵纪守法，**爱护**公共财物。
  2. 红白喜事从简。<script>alert(1)</script>
照片: cunbu.png
干部:
  - 姓名: 刘建国
    职务: 党支部书记、村委会主任
    分工: 全面工作
    电话: 0371-66001202
  - 姓名: 欧阳秀英
    职务: 村文书
    分工: 财务、档案
""",
)
def _png() -> bytes:  # a real 1×1 picture (attachments are decoded and re-encoded)
    import struct
    import zlib

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80")) + chunk(b"IEND", b""))


w(f"{V}/files/cunbu.png", _png())
w(f"{V}/files/fapiao-0305.pdf", b"%PDF-1.4\n%%EOF\n")
w(f"{V}/files/private-notes.txt", "内部草稿，不公开\n")
w(
    f"{V}/powers.yaml",
    """- 名称: 村级重大事项决策
  类别: 重大事项
  依据: 《中华人民共和国村民委员会组织法》
  责任主体: 村党支部、村民委员会
  流程:
    - 村党支部提议
    - 村“两委”会议商议
    - 党员大会审议
    - 村民代表会议决议
  时限: 30 个工作日
  风险点:
    - 不按程序决策
  防控措施:
    - 决议结果公开
""",
)
w(
    f"{V}/services.yaml",
    """- 名称: 低保申请
  所需材料: [户口簿, 身份证]
  办理流程: [提出申请, 村委会初审, 乡镇审核]
  办理时限: 20 个工作日
  地点: 村便民服务室
  办公时间: 8:30-17:30
  联系人: 欧阳秀英
  电话: 0371-66001203
  预约方式: https://yuyue.qinghe.example.gov.cn/
""",
)
# GB18030 finance with varied money/date forms
w(
    f"{V}/finance.csv",
    """日期,凭证号,类型,科目,摘要,金额,经手人,审批人,附件
2025-03-05,记-2025-03-001,收入,补助收入,收到镇财政转移支付资金,"1,000.00",刘建国,欧阳秀英,fapiao-0305.pdf
2025/3/20,记-2025-03-002,支出,管理费用,支付村部电费,200.5元,欧阳秀英,刘建国,
2025.4.2,记-2025-04-001,收入,发包及上交收入,收到2025年度坑塘发包款,￥3200,刘建国,刘建国,
2025年4月18日,记-2025-04-002,支出,公益支出,购买保洁工具 给 6217000012345678 账户,１２０．５,欧阳秀英,刘建国,
""",
    enc="gb18030",
)
w(
    f"{V}/balances.csv",
    "\ufeff月份,期初余额,本月收入,本月支出,期末余额\n2025-03,5000.00,1000.00,200.50,5799.50\n2025/4,5799.50,3200.00,120.50,8879.00\n",
)
w(
    f"{V}/welfare.csv",
    """项目,姓名,身份证号,家庭人口,金额,发放日期,发放方式,备注
低保,阿依古丽·买买提,41012219900101123x,3,650.00,2026-10-10,一卡通,
低保,欧阳明华,410122198502030012,2,650.00,2026-10-10,一卡通,
高龄津贴,司马秀英,410122194003050029,1,100.00,2026-09-10,一卡通,联系电话 13812345678
临时救助,王老五,410122196001010014,4,2000.00,2025-01-15,现金,
""",
)
w(
    f"{V}/projects.csv",
    """项目编号,名称,类别,资金来源,预算金额,已拨付金额,实施单位,开工日期,计划完工日期,实际完工日期,进度,状态,备注
XM-2025-01,刘庄村主街道路硬化,道路,一事一议财政奖补,"320,000",160000,东关建筑队,2025-04-01,2025-10-31,,60,施工中,
XM-2025-02,村西饮水安全提升,饮水,县水利局,85000,85000,县水务公司,2025-03-01,2025-06-30,2025-06-20,100,已验收,
""",
)
w(
    f"{V}/contracts.csv",
    "合同编号,名称,相对方,类型,金额,签订日期,开始日期,结束日期,状态\nHT-2025-01,村西坑塘承包合同,王大河,发包,3200,2025-03-28,2025-04-01,2030-03-31,履行中\n",
)
w(
    f"{V}/resources.csv",
    "编号,名称,类型,面积,位置,承包方,合同编号,开始日期,结束日期,年租金\nZY-01,村西坑塘,水面,12.5,村西,王大河,HT-2025-01,2025-04-01,2030-03-31,3200\n",
)
w(
    f"{V}/notices/2026-q3-dibao.md",
    """---
标题: 2026年第三季度低保评议结果公示
类别: 村务
日期: 2026-11-20
公示开始: 2026-11-20
公示结束: 2026-11-30
---
经村民代表会议评议，以下家庭拟纳入低保：

- 阿依古丽·买买提（3 人）
- 欧阳明华（2 人）

联系人身份证 410122198502030012 请勿外传。<img src=x onerror=alert(1)> [点我](javascript:alert(1))
""",
)
w(
    f"{V}/notices/2025-party-fee.md",
    """---
标题: 2025年党费收缴情况公开
类别: 党务
日期: 2025-07-01
公示开始: 2025-07-01
公示结束: 2025-07-08
附件: [fapiao-0305.pdf]
---
全村 38 名党员均已按时足额缴纳党费。
""",
)
V2 = f"{C}/liuhe-xiang/wangying-cun"
w(f"{V2}/village.yaml", "名称: 王营社区\n类型: 社区\n代码: '419901200202'\n")
wb = openpyxl.Workbook()
ws = wb.active
ws.append(
    ["编号", "名称", "类别", "数量", "单位", "原值", "购建日期", "位置", "状态", "承租方", "年收益"]
)
ws.append(
    [
        "ZC-001",
        "社区服务中心",
        "非经营性",
        1,
        "栋",
        1250000.5,
        dt.datetime(2018, 6, 1),
        "社区中心",
        "在用",
        None,
        None,
    ]
)
ws.append(
    [
        "ZC-002",
        "沿街门面房",
        "经营性",
        6,
        "间",
        480000,
        dt.datetime(2020, 9, 15),
        "王营大街",
        "出租",
        "王营超市",
        36000,
    ]
)
ws.cell(row=2, column=7).number_format = "yyyy-mm-dd"
ws.cell(row=3, column=7).number_format = "yyyy-mm-dd"
# deterministic xlsx bytes: fixed properties
wb.properties.created = dt.datetime(2025, 1, 1)
wb.properties.modified = dt.datetime(2025, 1, 1)
p = ROOT / V2 / "assets.xlsx"
wb.save(p)
