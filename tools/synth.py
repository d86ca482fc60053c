#!/usr/bin/env python3
"""Deterministic synthetic data generator for benchmarks and scale tests.

Writes a data folder in the DATA-FORMAT.md layout at any size::

    python tools/synth.py --out DIR [--counties 1] [--townships 10] [--villages 20]
                          [--records 2350] [--seed 1] [--as-of 2026-11-28]
    python tools/synth.py --edit-village DIR/county-01/town-01/village-001

Every village is generated from its own ``random.Random`` seeded with a SHA-256
of (seed, county, township, village), so output is byte-identical across runs
and one village can be regenerated on its own (`generate_village`). Stdlib only.

Defaults: one county of 10 townships × 20 villages × ~2,350 records per village
(≈55% finance.csv, 35% welfare.csv, 3% assets, 2% resources, 3% contracts,
2% projects). ``--counties 16`` is the seed scale (~3,200 villages, ~7.5M records).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# Shares of a village's records per file (projects get the remainder).
SHARES: tuple[tuple[str, float], ...] = (
    ("finance", 0.55),
    ("welfare", 0.35),
    ("assets", 0.03),
    ("resources", 0.02),
    ("contracts", 0.03),
)
MONTHS_OF_BALANCES = 24
WELFARE_MONTHS = 36
PRIVACY_DAYS = 730

FINANCE_HEADER = ("日期", "凭证号", "类型", "科目", "摘要", "金额", "经手人", "审批人")
BALANCES_HEADER = ("月份", "期初余额", "本月收入", "本月支出", "期末余额")
WELFARE_HEADER = ("项目", "姓名", "身份证号", "家庭人口", "金额", "发放日期", "发放方式", "备注")
ASSETS_HEADER = (
    "编号", "名称", "类别", "数量", "单位", "原值", "购建日期", "位置", "状态", "承租方", "年收益",
)
RESOURCES_HEADER = (
    "编号", "名称", "类型", "面积", "位置", "承包方", "合同编号", "开始日期", "结束日期", "年租金",
)
CONTRACTS_HEADER = (
    "合同编号", "名称", "相对方", "类型", "金额", "签订日期", "开始日期", "结束日期", "状态",
)
PROJECTS_HEADER = (
    "项目编号", "名称", "类别", "资金来源", "预算金额", "已拨付金额", "实施单位", "开工日期",
    "计划完工日期", "实际完工日期", "进度", "状态", "备注",
)

# ---------------------------------------------------------------------------
# Word lists.

PLACE_SYLLABLES = (
    "青禾东西南北河山林泉清平安宁和丰裕兴旺康乐长永福寿松柏桃李杏梅兰竹菊荷"
    "柳杨槐桑枣石岗湾塘坡洼沟营屯铺集店庄寨堡岭峪川源溪湖滨阳阴红白金银"
    "新古大小前后上下中高黄马王张李刘赵陈周吴孙郑冯"
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙")
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彩春菊"
    "建国志军海波文华俊峰晓东利民德富贵荣福全新建成立保金凤秀云淑珍桂香翠花小"
    "红梅建平永刚长青振宇子涵浩然思雨欣怡梓萱宇轩佳琪嘉豪诗涵一鸣晨阳"
)
MINORITY_NAMES = (
    "阿卜杜拉·艾买提", "买买提·吐尔逊", "古丽娜尔·阿不都", "热依拉·买买提", "艾力·库尔班",
    "努尔兰·别克", "阿依古丽·托合提", "扎西·次仁", "卓玛·央金", "巴特尔·额尔敦",
    "其木格·乌力吉", "穆罕默德·尤努斯", "帕提古丽·吾守尔", "吐尔洪·艾则孜",
)
WELFARE_PROJECTS: tuple[tuple[str, int, int, int], ...] = (
    # (项目, weight, min cents, max cents)
    ("低保", 34, 30000, 98000),
    ("特困供养", 8, 60000, 120000),
    ("临时救助", 6, 50000, 500000),
    ("高龄津贴", 18, 10000, 30000),
    ("残疾人两项补贴", 12, 7000, 20000),
    ("耕地地力保护补贴", 14, 5000, 300000),
    ("危房改造补助", 2, 1000000, 3500000),
    ("其他", 6, 5000, 100000),
)
WELFARE_METHODS = ("一卡通", "一卡通", "一卡通", "银行代发", "社保卡", "现金")
WELFARE_NOTES = ("", "", "", "", "", "", "新增", "调标", "补发上月", "停发后恢复")

INCOME_ITEMS: tuple[tuple[str, str, int, int], ...] = (
    # (科目, 摘要 template, min yuan, max yuan)
    ("发包及上交收入", "收到{place}土地发包款", 2000, 60000),
    ("发包及上交收入", "收到{person}鱼塘承包费", 1000, 20000),
    ("发包及上交收入", "收到{place}果园承包费", 1500, 30000),
    ("发包及上交收入", "收到{place}林地承包费", 800, 15000),
    ("经营收入", "收到门面房{m}月租金", 800, 6000),
    ("经营收入", "收到集体厂房租金", 5000, 40000),
    ("经营收入", "收到光伏发电收益", 1000, 12000),
    ("经营收入", "收到集体仓库出租收入", 600, 8000),
    ("经营收入", "收到农贸市场摊位费", 500, 5000),
    ("补助收入", "收到镇财政村级运转经费", 10000, 80000),
    ("补助收入", "收到上级拨付{project}补助资金", 20000, 300000),
    ("补助收入", "收到村干部报酬补助", 15000, 60000),
    ("补助收入", "收到人居环境整治奖补资金", 5000, 50000),
    ("补助收入", "收到党组织服务群众经费", 10000, 50000),
    ("投资收益", "收到合作社分红", 2000, 50000),
    ("投资收益", "收到村集体入股分红", 3000, 80000),
    ("其他收入", "收到银行存款利息", 10, 2000),
    ("其他收入", "收到{person}捐款", 200, 10000),
    ("其他收入", "收回{person}暂借款", 500, 8000),
)
EXPENSE_ITEMS: tuple[tuple[str, str, int, int], ...] = (
    ("管理费用", "支付村部{m}月电费", 150, 2500),
    ("管理费用", "支付村部{m}月水费", 30, 600),
    ("管理费用", "购买办公用品", 50, 1500),
    ("管理费用", "购买打印纸和墨盒", 80, 1200),
    ("管理费用", "支付网络宽带费", 100, 1800),
    ("管理费用", "支付村干部{m}月误工补贴", 1000, 9000),
    ("管理费用", "支付会议误餐费", 100, 900),
    ("管理费用", "支付报刊订阅费", 200, 2000),
    ("管理费用", "支付村部电话费", 50, 400),
    ("公益支出", "支付{place}道路维修费", 1000, 40000),
    ("公益支出", "购买保洁工具", 100, 3000),
    ("公益支出", "支付保洁员{m}月工资", 800, 6000),
    ("公益支出", "支付{place}路灯维修费", 200, 5000),
    ("公益支出", "购买垃圾桶", 300, 6000),
    ("公益支出", "支付{place}沟渠清淤费", 800, 20000),
    ("公益支出", "支付绿化苗木款", 500, 15000),
    ("公益支出", "支付文化广场健身器材维修费", 200, 5000),
    ("公益支出", "购买防汛物资", 500, 10000),
    ("公益支出", "购买消防器材", 300, 5000),
    ("公益支出", "支付{place}垃圾清运费", 300, 8000),
    ("公益支出", "支付{project}工程款", 5000, 150000),
    ("经营支出", "支付集体厂房维修费", 500, 20000),
    ("经营支出", "支付光伏电站运维费", 300, 6000),
    ("经营支出", "支付集体仓库电费", 100, 1500),
    ("其他支出", "支付银行手续费", 5, 200),
    ("其他支出", "支付{person}困难慰问金", 200, 2000),
    ("其他支出", "退还{person}投标保证金", 1000, 20000),
    ("其他支出", "支付春节慰问老党员物资款", 500, 6000),
)
PROJECT_WORDS = (
    "村内道路硬化", "饮水安全巩固提升", "农田水利灌溉", "人居环境整治", "文化广场建设",
    "村卫生室改造", "路灯安装", "河道清淤", "高标准农田建设", "污水管网铺设", "村小学校舍维修",
    "便民桥梁修缮",
)
PROJECT_CATEGORY = {
    "村内道路硬化": "道路", "饮水安全巩固提升": "饮水", "农田水利灌溉": "水利",
    "人居环境整治": "环境整治", "文化广场建设": "文化", "村卫生室改造": "医疗",
    "路灯安装": "其他", "河道清淤": "水利", "高标准农田建设": "水利",
    "污水管网铺设": "环境整治", "村小学校舍维修": "教育", "便民桥梁修缮": "道路",
}
PROJECT_FUNDS = ("财政专项资金", "一事一议财政奖补", "村集体自筹", "衔接推进乡村振兴补助资金", "社会捐助")
PROJECT_STATUSES = ("计划中", "施工中", "已完工", "已验收")
COMPANY_PREFIX = ("宏达", "鑫源", "恒泰", "利民", "兴农", "丰收", "永安", "金穗", "绿源", "华建")
COMPANY_KIND = ("建筑工程有限公司", "农业开发有限公司", "商贸有限公司", "农民专业合作社",
                "市政工程有限公司", "物业服务有限公司", "水利工程有限公司")
ASSET_ITEMS: tuple[tuple[str, str, str, int, int], ...] = (
    # (名称, 类别, 单位, min yuan, max yuan)
    ("村委会办公楼", "非经营性", "栋", 300000, 2000000),
    ("文化活动中心", "非经营性", "处", 100000, 800000),
    ("卫生室", "非经营性", "间", 50000, 300000),
    ("健身器材", "非经营性", "套", 5000, 60000),
    ("太阳能路灯", "非经营性", "盏", 1500, 5000),
    ("垃圾清运车", "非经营性", "辆", 20000, 120000),
    ("办公电脑", "非经营性", "台", 3000, 8000),
    ("集体厂房", "经营性", "栋", 200000, 3000000),
    ("门面房", "经营性", "间", 50000, 400000),
    ("光伏电站", "经营性", "座", 100000, 1000000),
    ("集体仓库", "经营性", "座", 50000, 500000),
    ("水泥晒场", "经营性", "处", 20000, 150000),
    ("扶贫车间", "经营性", "栋", 150000, 900000),
    ("农机具", "经营性", "台", 10000, 200000),
)
ASSET_STATUSES_OPERATING = ("出租", "出租", "在用", "闲置")
ASSET_STATUSES_PUBLIC = ("在用", "在用", "在用", "闲置", "报废")
RESOURCE_TYPES: tuple[tuple[str, str, int, int], ...] = (
    # (类型, 名称 suffix, min tenths of 亩, max tenths)
    ("耕地", "耕地", 20, 2000), ("林地", "林地", 50, 3000), ("园地", "果园", 20, 800),
    ("水面", "鱼塘", 10, 500), ("草地", "草场", 50, 1500), ("建设用地", "集体建设用地", 5, 100),
    ("未利用地", "荒坡", 20, 600), ("其他", "机动地", 10, 300),
)
CONTRACT_TYPES: tuple[tuple[str, str, int, int], ...] = (
    ("发包", "土地承包合同", 3000, 200000), ("租赁", "厂房租赁合同", 10000, 300000),
    ("工程", "工程施工合同", 50000, 2000000), ("采购", "物资采购合同", 2000, 100000),
    ("服务", "保洁服务合同", 5000, 80000), ("其他", "合作协议", 2000, 50000),
)
CADRE_ROLES: tuple[tuple[str, str], ...] = (
    ("党支部书记、村委会主任", "主持全面工作"),
    ("党支部副书记", "党建、组织、宣传"),
    ("村委会副主任", "农业生产、水利、防汛"),
    ("村务监督委员会主任", "监督村务、财务公开"),
    ("村文书", "文书档案、民政、社保"),
    ("报账员", "村级财务、三资管理"),
    ("妇联主席", "妇女儿童、计划生育、环境卫生"),
)
POWER_ITEMS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("重大事项决策", "决策类", "《中华人民共和国村民委员会组织法》",
     ("党支部提议", "村两委商议", "党员大会审议", "村民代表会议决议", "决议公开", "组织实施"),
     ("程序不规范", "少数人说了算"), ("严格执行“四议两公开”", "全程纪实留痕")),
    ("村级工程项目", "项目类", "《村级小微权力清单》",
     ("立项申请", "村民代表会议表决", "公开招标或比选", "签订合同", "施工监督", "验收公示"),
     ("虚报工程量", "围标串标"), ("村务监督委员会全程监督", "结果公示不少于7天")),
    ("集体资产资源处置", "三资类", "《农村集体经济组织财务制度》",
     ("提出方案", "评估作价", "村民代表会议表决", "公开交易", "签订合同", "结果公开"),
     ("低价处置", "暗箱操作"), ("进入农村产权交易平台", "合同备案")),
    ("村级财务收支", "财务类", "《村级财务管理办法》",
     ("经办人取得票据", "注明用途并签字", "监委会审核", "村支书审批", "镇三资中心记账", "按月公开"),
     ("虚开票据", "白条入账"), ("一支笔审批加监委会把关", "每月公开收支明细")),
    ("低保申请初审", "民生类", "《社会救助暂行办法》",
     ("本人申请", "入户调查", "民主评议", "村级公示", "报乡镇审核"),
     ("优亲厚友", "人情保、关系保"), ("评议过程录像", "公示7天接受监督")),
    ("宅基地申请", "民生类", "《中华人民共和国土地管理法》",
     ("农户申请", "村民小组讨论", "村级审查公示", "报乡镇审批", "放线验收"),
     ("违规审批", "一户多宅"), ("公示申请人和面积", "联审联办")),
    ("村干部误工补贴发放", "财务类", "县村干部报酬管理办法",
     ("考勤统计", "两委会议确定", "公示", "镇审核", "打卡发放"),
     ("虚报冒领",), ("考勤公开", "按月公示")),
    ("印章使用管理", "管理类", "村级印章管理制度",
     ("申请用印", "审核事由", "登记备案", "用印"),
     ("私自用印", "空白文书盖章"), ("专人保管", "用印登记")),
)
SERVICE_ITEMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("开具居住证明", ("身份证", "户口簿"), ("提交材料", "文书核实", "出具证明"), "即时办结"),
    ("低保申请", ("申请书", "身份证", "户口簿", "收入证明"),
     ("提交申请", "入户调查", "民主评议", "公示", "报镇审核"), "30个工作日"),
    ("城乡居民医保缴费", ("身份证或社保卡",), ("登记信息", "缴费", "打印凭证"), "即时办结"),
    ("高龄津贴申请", ("身份证", "户口簿", "银行卡"), ("提交材料", "村级审核", "报镇审批"), "15个工作日"),
    ("宅基地建房申请", ("申请表", "户口簿", "身份证", "现状照片"),
     ("提交申请", "村民小组讨论", "村级公示", "报镇审批"), "20个工作日"),
    ("残疾人证办理初审", ("身份证", "户口簿", "近期照片"), ("提交材料", "村级初审", "报镇残联"), "5个工作日"),
)
VILLAGE_CONVENTIONS = (
    "爱党爱国，遵纪守法。", "邻里和睦，互帮互助。", "移风易俗，红白事从简。",
    "爱护公物，保护环境。", "孝老爱亲，尊师重教。", "勤俭节约，诚实守信。",
)


# ---------------------------------------------------------------------------
# Small helpers.


def stable_seed(*parts: object) -> int:
    """A seed from SHA-256 of the parts: stable across runs and Python versions."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def money(cents: int) -> str:
    """Plain money text: 1234.50."""
    return f"{cents // 100}.{cents % 100:02d}"


def parse_cents(text: str) -> int:
    """Plain money text (as written by this tool) → cents."""
    try:
        value = Decimal(text.strip()) * 100
    except InvalidOperation as exc:
        raise ValueError(f"不是有效金额: {text!r}") from exc
    if value != value.to_integral_value():
        raise ValueError(f"金额超过两位小数: {text!r}")
    return int(value)


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def month_add(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def place_name(r: random.Random, length: int = 2) -> str:
    return "".join(r.choice(PLACE_SYLLABLES) for _ in range(length))


def person_name(r: random.Random) -> str:
    """A realistic Chinese name: mostly 1+2 / 1+1, some compound surnames, some with ·."""
    x = r.random()
    if x < 0.01:
        return r.choice(MINORITY_NAMES)
    surname = r.choice(COMPOUND_SURNAMES) if x < 0.025 else r.choice(SURNAMES)
    if r.random() < 0.3:
        return surname + r.choice(GIVEN_CHARS)
    return surname + r.choice(GIVEN_CHARS) + r.choice(GIVEN_CHARS)


def company_name(r: random.Random, county_name: str) -> str:
    return county_name[:-1] + r.choice(COMPANY_PREFIX) + r.choice(COMPANY_KIND)


def unique_names(r: random.Random, count: int, suffix: str, length: int = 2) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        name = place_name(r, length) + suffix
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


@dataclass(frozen=True)
class Options:
    """What to generate."""

    counties: int = 1
    townships: int = 10
    villages: int = 20
    records: int = 2350
    seed: int = 1
    as_of: dt.date = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class VillageIdentity:
    """Everything a village inherits from its parents (enough to regenerate it alone)."""

    county_slug: str
    township_slug: str
    slug: str
    county_name: str
    township_name: str
    name: str
    kind: str
    code: str
    county_code: str


@dataclass(frozen=True)
class Written:
    """Counters for what was written."""

    records: int
    files: int
    bytes: int


class _Writer:
    """Writes files and counts bytes."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def text(self, path: Path, content: str) -> None:
        data = content.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def csv(self, path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        self.text(path, buf.getvalue())


# ---------------------------------------------------------------------------
# Names and codes of the hierarchy.


def county_slug(index: int) -> str:
    return f"county-{index + 1:02d}"


def county_code(index: int) -> str:
    return f"41{index // 8 + 1:02d}{21 + index % 8:02d}"


def county_name(seed: int, index: int) -> str:
    r = random.Random(stable_seed(seed, "county-names"))
    used: set[str] = set()
    for i in range(index + 1):  # unique across the counties generated before it
        while True:
            name = place_name(r) + "县"
            if name not in used:
                used.add(name)
                break
        if i == index:
            return name
    raise AssertionError("unreachable")


def township_identities(opts: Options, ci: int) -> list[tuple[str, str, str]]:
    """(slug, name, code) of each township in county ``ci``."""
    r = random.Random(stable_seed(opts.seed, county_slug(ci), "townships"))
    names = unique_names(r, opts.townships, "")
    out = []
    for ti, base in enumerate(names):
        street = ti == 0 and opts.townships > 3
        suffix = "街道" if street else ("乡" if r.random() < 0.25 else "镇")
        code = county_code(ci) + (f"{ti + 1:03d}" if street else f"{100 + ti:03d}")
        out.append((f"town-{ti + 1:02d}", base + suffix, code))
    return out


def village_identities(opts: Options, ci: int, ti: int) -> list[VillageIdentity]:
    """The villages of township ``ti`` in county ``ci`` (names unique within the township)."""
    c_slug = county_slug(ci)
    c_name = county_name(opts.seed, ci)
    t_slug, t_name, t_code = township_identities(opts, ci)[ti]
    r = random.Random(stable_seed(opts.seed, c_slug, t_slug, "villages"))
    bases = unique_names(r, opts.villages, "")
    out = []
    for vi, base in enumerate(bases):
        community = t_name.endswith("街道") or (vi < opts.villages // 10)
        kind = "社区" if community else "村"
        code = t_code + (f"{vi + 1:03d}" if community else f"{200 + vi:03d}")
        out.append(VillageIdentity(
            county_slug=c_slug, township_slug=t_slug, slug=f"village-{vi + 1:03d}",
            county_name=c_name, township_name=t_name, name=base + kind, kind=kind,
            code=code, county_code=county_code(ci),
        ))
    return out


# ---------------------------------------------------------------------------
# One village.


def _split(total: int) -> dict[str, int]:
    counts = {name: round(total * share) for name, share in SHARES}
    counts["projects"] = max(0, total - sum(counts.values()))
    return counts


class _VillageGen:
    """Generates the content of one village from its own Random."""

    def __init__(self, opts: Options, ident: VillageIdentity) -> None:
        self.opts = opts
        self.ident = ident
        self.r = random.Random(stable_seed(
            opts.seed, ident.county_slug, ident.township_slug, ident.slug))
        r = self.r
        self.total = max(1, round(opts.records * r.uniform(0.92, 1.08)))
        self.counts = _split(self.total)
        self.places = [f"{i}组" for i in range(1, 11)] + [
            place_name(r) + w for w in ("坡", "湾", "岗", "洼", "河", "渠")]
        self.people = [person_name(r) for _ in range(40)]
        self.cadres = [person_name(r) for _ in CADRE_ROLES]
        self.companies = [company_name(r, ident.county_name) for _ in range(8)]
        self.projects = r.sample(PROJECT_WORDS, 5)
        end_y, end_m = month_add(opts.as_of.year, opts.as_of.month, -1)
        self.months = [month_add(end_y, end_m, -k) for k in range(MONTHS_OF_BALANCES - 1, -1, -1)]

    # -- finance + balances -------------------------------------------------

    def finance(self) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
        r = self.r
        n = self.counts["finance"]
        per_month = [n // len(self.months)] * len(self.months)
        for k in r.sample(range(len(self.months)), n % len(self.months)):
            per_month[k] += 1
        rows: list[tuple[str, ...]] = []
        balances: list[tuple[str, ...]] = []
        opening = r.randint(50_000, 900_000) * 100
        places, people, projects, cadres = self.places, self.people, self.projects, self.cadres
        rnd, choice, randint = r.random, r.choice, r.randint
        handlers = cadres[4:6] + cadres[1:2]
        approver = cadres[0]
        for (year, month), count in zip(self.months, per_month, strict=True):
            days = [f"{year}-{month:02d}-{d:02d}" for d in range(1, 29)]
            month_rows: list[tuple[str, str, str, str, int]] = []
            income = expense = 0
            for _ in range(count):
                is_income = rnd() < 0.33
                subject, template, lo, hi = choice(INCOME_ITEMS if is_income else EXPENSE_ITEMS)
                summary = template.format(
                    place=choice(places), person=choice(people), project=choice(projects),
                    m=month,
                ) if "{" in template else template
                if rnd() < 0.6:
                    cents = randint(lo, hi) * 100
                else:
                    cents = randint(lo * 100, hi * 100)
                if is_income:
                    income += cents
                else:
                    expense += cents
                month_rows.append((choice(days), "收入" if is_income else "支出",
                                   subject, summary, cents))
            # Keep every month-end balance non-negative (money is never negative).
            closing = opening + income - expense
            if closing < 100_000:
                top_up = 100_000 - closing + randint(10_000, 50_000) * 100
                month_rows.append((days[27], "收入", "补助收入",
                                   "收到镇财政转移支付资金", top_up))
                income += top_up
                closing += top_up
            month_rows.sort(key=lambda row: row[0])
            for seq, (date, kind, subject, summary, cents) in enumerate(month_rows, 1):
                rows.append((date, f"记{year}{month:02d}-{seq:03d}", kind, subject, summary,
                             money(cents), choice(handlers), approver))
            balances.append((f"{year}-{month:02d}", money(opening), money(income),
                             money(expense), money(closing)))
            opening = closing
        return rows, balances

    # -- welfare ----------------------------------------------------------

    def welfare(self) -> list[tuple[str, ...]]:
        r = self.r
        n = self.counts["welfare"]
        if n == 0:
            return []
        weights = [w for _, w, _, _ in WELFARE_PROJECTS]
        pool_size = max(3, n // 18)
        projects = r.choices(WELFARE_PROJECTS, weights=weights, k=pool_size)
        area = self.ident.county_code
        pool: list[tuple[str, str, str, str, int, int, str]] = []
        for project, _, lo, hi in projects:
            name = person_name(r)
            if project == "高龄津贴":
                birth = dt.date(r.randint(1926, 1946), r.randint(1, 12), r.randint(1, 28))
            else:
                birth = dt.date(r.randint(1940, 2005), r.randint(1, 12), r.randint(1, 28))
            first17 = f"{area}{birth:%Y%m%d}{r.randint(0, 999):03d}"
            check = id_check_digit(first17)
            if check == "X" and r.random() < 0.3:
                check = "x"
            id_number = first17 + check if r.random() < 0.92 else ""
            household = str(r.randint(1, 6)) if r.random() < 0.85 else ""
            method = r.choice(WELFARE_METHODS)
            pool.append((project, name, id_number, household, lo, hi, method))
        end_y, end_m = month_add(self.opts.as_of.year, self.opts.as_of.month, -1)
        months = [month_add(end_y, end_m, -k) for k in range(WELFARE_MONTHS)]
        fixed = [r.randint(lo, hi) // 100 * 100 for *_, lo, hi, _ in pool]
        rows: list[tuple[tuple[int, int, int], tuple[str, ...]]] = []
        choice, randint, rnd, randrange = r.choice, r.randint, r.random, r.randrange
        for _ in range(n):
            k = randrange(pool_size)
            project, name, id_number, household, lo, hi, method = pool[k]
            year, month = choice(months)
            day = randint(1, 28)
            cents = fixed[k] if rnd() < 0.8 else randint(lo, hi)
            rows.append(((year, month, day), (
                project, name, id_number, household, money(cents),
                f"{year}-{month:02d}-{day:02d}", method, choice(WELFARE_NOTES))))
        rows.sort(key=lambda item: item[0])
        return [row for _, row in rows]

    # -- ledgers ----------------------------------------------------------

    def _date_before(self, years: int) -> str:
        day = self.opts.as_of - dt.timedelta(days=self.r.randint(30, years * 365))
        return day.isoformat()

    def contracts(self) -> list[tuple[str, ...]]:
        r = self.r
        rows = []
        per_year: dict[int, int] = {}
        dates = sorted(self._date_before(6) for _ in range(self.counts["contracts"]))
        for signed in dates:
            year = int(signed[:4])
            per_year[year] = per_year.get(year, 0) + 1
            kind, title, lo, hi = r.choice(CONTRACT_TYPES)
            party = person_name(r) if kind == "发包" and r.random() < 0.6 else r.choice(
                self.companies)
            start = dt.date.fromisoformat(signed) + dt.timedelta(days=r.randint(0, 30))
            end = start + dt.timedelta(days=r.randint(90, 365 * 5))
            if end < self.opts.as_of:
                status = "已完成" if r.random() < 0.9 else "已终止"
            else:
                status = "履行中"
            rows.append((f"HT-{year}-{per_year[year]:03d}", r.choice(self.places) + title, party,
                         kind, money(r.randint(lo, hi) * 100), signed, start.isoformat(),
                         end.isoformat(), status))
        return rows

    def assets(self) -> list[tuple[str, ...]]:
        r = self.r
        rows = []
        for i in range(self.counts["assets"]):
            name, category, unit, lo, hi = r.choice(ASSET_ITEMS)
            operating = category == "经营性"
            status = r.choice(ASSET_STATUSES_OPERATING if operating else ASSET_STATUSES_PUBLIC)
            if unit in ("栋", "处", "座", "间"):
                quantity = 1
            elif unit == "盏":
                quantity = r.randint(5, 60)
            else:
                quantity = r.randint(1, 4)
            value = r.randint(lo, hi) * 100 * (1 if quantity == 1 else quantity)
            tenant = r.choice(self.companies + self.people[:5]) if status == "出租" else ""
            income = money(r.randint(2000, 200000) * 100) if status == "出租" else ""
            place = r.choice(self.places)
            rows.append((f"ZC-{i + 1:04d}", place + name, category, str(quantity), unit,
                         money(value), self._date_before(20), place, status, tenant, income))
        return rows

    def resources(self, contract_ids: Sequence[str]) -> list[tuple[str, ...]]:
        r = self.r
        rows = []
        for i in range(self.counts["resources"]):
            kind, suffix, lo, hi = r.choice(RESOURCE_TYPES)
            tenths = r.randint(lo, hi)
            place = r.choice(self.places)
            if r.random() < 0.7:
                start = dt.date.fromisoformat(self._date_before(10))
                end = start + dt.timedelta(days=365 * r.randint(3, 30))
                holder = r.choice(self.people + self.companies)
                cid = r.choice(contract_ids) if contract_ids and r.random() < 0.5 else ""
                rent = money(tenths * r.randint(30, 100) * 10)
                extra = (holder, cid, start.isoformat(), end.isoformat(), rent)
            else:
                extra = ("", "", "", "", "")
            rows.append((f"ZY-{i + 1:04d}", f"{place}{suffix}{i + 1}号地块", kind,
                         f"{tenths // 10}.{tenths % 10}", place, *extra))
        return rows

    def projects_rows(self) -> list[tuple[str, ...]]:
        r = self.r
        rows = []
        per_year: dict[int, int] = {}
        for _ in range(self.counts["projects"]):
            name = r.choice(PROJECT_WORDS)
            start = dt.date.fromisoformat(self._date_before(4))
            planned = start + dt.timedelta(days=r.randint(60, 400))
            per_year[start.year] = per_year.get(start.year, 0) + 1
            budget = r.randint(30_000, 1_500_000) * 100
            if planned < self.opts.as_of and r.random() < 0.85:
                status = r.choice(("已完工", "已验收"))
                progress = 100
                actual = (planned + dt.timedelta(days=r.randint(-30, 60)))
                actual = min(max(actual, start), self.opts.as_of)
                paid = budget if status == "已验收" else budget * r.randint(70, 95) // 100
                actual_text = actual.isoformat()
            else:
                status = r.choice(PROJECT_STATUSES[:2])
                progress = 0 if status == "计划中" else r.randint(5, 95)
                paid = budget * progress // 100 // 100 * 100
                actual_text = ""
            rows.append((
                f"XM-{start.year}-{per_year[start.year]:02d}", r.choice(self.places) + name,
                PROJECT_CATEGORY[name], r.choice(PROJECT_FUNDS), money(budget), money(paid),
                r.choice(self.companies), start.isoformat() if status != "计划中" else "",
                planned.isoformat(), actual_text, str(progress), status,
                "" if r.random() < 0.7 else "群众代表参与监督"))
        return rows

    # -- YAML and Markdown ------------------------------------------------

    def village_yaml(self) -> str:
        r = self.r
        ident = self.ident
        households = r.randint(180, 1500)
        lines = [
            f"名称: {yaml_str(ident.name)}",
            f"类型: {ident.kind}",
            f"代码: {yaml_str(ident.code)}",
            "简介: |",
            f"  {ident.name}位于{ident.township_name}{r.choice('东西南北')}部，"
            f"辖{r.randint(4, 12)}个村民小组。",
            f"  主要产业为{r.choice(('小麦玉米种植', '蔬菜大棚', '水果种植', '水产养殖', '乡村旅游'))}"
            f"和{r.choice(('劳务输出', '特色养殖', '农产品加工', '光伏发电'))}。",
            f"户数: {households}",
            f"人口: {households * r.randint(28, 42) // 10}",
            f"党员人数: {r.randint(15, 90)}",
            f"面积: {r.randint(15, 120) / 10}",
            f"耕地面积: {r.randint(800, 6000)}",
            f"地址: {yaml_str(ident.township_name + ident.name + '村委会')}",
            f"办公时间: {yaml_str('周一至周五 8:30-12:00，14:30-17:30')}",
            f"电话: {yaml_str(f'0371-6{r.randint(0, 9999999):07d}')}",
            "村规民约: |",
        ]
        for i, item in enumerate(r.sample(VILLAGE_CONVENTIONS, 4), 1):
            lines.append(f"  {i}. {item}")
        lines.append("干部:")
        for name, (role, duty) in zip(self.cadres, CADRE_ROLES, strict=True):
            lines += [
                f"  - 姓名: {yaml_str(name)}",
                f"    职务: {yaml_str(role)}",
                f"    分工: {yaml_str(duty)}",
                f"    电话: {yaml_str(f'1{r.choice((39, 58, 87, 37))}{r.randint(0, 99999999):08d}')}",
            ]
        return "\n".join(lines) + "\n"

    def powers_yaml(self) -> str:
        r = self.r
        lines: list[str] = []
        for name, category, basis, steps, risks, controls in r.sample(POWER_ITEMS, 4):
            lines += [
                f"- 名称: {yaml_str(name)}",
                f"  类别: {yaml_str(category)}",
                f"  依据: {yaml_str(basis)}",
                f"  责任主体: {yaml_str('村党组织、村民委员会')}",
                "  流程:",
                *(f"    - {yaml_str(step)}" for step in steps),
                f"  时限: {yaml_str(r.choice(('即时', '5个工作日', '15个工作日', '30日内')))}",
                "  风险点:",
                *(f"    - {yaml_str(risk)}" for risk in risks),
                "  防控措施:",
                *(f"    - {yaml_str(c)}" for c in controls),
                f"  监督电话: {yaml_str('0371-12388')}",
            ]
        return "\n".join(lines) + "\n"

    def services_yaml(self) -> str:
        r = self.r
        lines: list[str] = []
        for name, materials, steps, limit in r.sample(SERVICE_ITEMS, 4):
            lines += [
                f"- 名称: {yaml_str(name)}",
                "  所需材料:",
                *(f"    - {yaml_str(m)}" for m in materials),
                "  办理流程:",
                *(f"    - {yaml_str(s)}" for s in steps),
                f"  办理时限: {yaml_str(limit)}",
                f"  地点: {yaml_str(self.ident.name + '便民服务站')}",
                f"  办公时间: {yaml_str('周一至周五 8:30-17:30')}",
                f"  联系人: {yaml_str(self.cadres[4])}",
                f"  电话: {yaml_str(f'0371-6{r.randint(0, 9999999):07d}')}",
                f"  预约方式: {yaml_str('电话预约或到村便民服务站现场办理')}",
            ]
        return "\n".join(lines) + "\n"

    def notices(self, balances: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
        """(file name, content) of ~6 notices: 财务×2, 村务×2, 党务×2."""
        r = self.r
        as_of = self.opts.as_of
        out: list[tuple[str, str]] = []

        def notice(slug: str, title: str, category: str, date: dt.date, body: str,
                   window: int | None) -> None:
            lines = ["---", f"标题: {yaml_str(title)}", f"类别: {category}",
                     f"日期: {date.isoformat()}"]
            if window is not None:
                lines.append(f"公示开始: {date.isoformat()}")
                lines.append(f"公示结束: {(date + dt.timedelta(days=window)).isoformat()}")
            lines.append("---")
            out.append((f"{date.isoformat()}-{slug}.md", "\n".join(lines) + "\n" + body))

        for back, slug in ((1, "caiwu-gongkai"), (2, "caiwu-gongkai")):
            row = balances[-back] if len(balances) >= back else None
            if row is None:
                continue
            year, month = int(row[0][:4]), int(row[0][5:7])
            ny, nm = month_add(year, month, 1)
            date = min(dt.date(ny, nm, 1 + r.randint(0, 4)), as_of)
            body = (f"现将本村{year}年{month}月财务收支情况公开如下：\n\n"
                    "| 项目 | 金额（元） |\n|---|---|\n"
                    f"| 期初余额 | {row[1]} |\n| 本月收入 | {row[2]} |\n"
                    f"| 本月支出 | {row[3]} |\n| 期末余额 | {row[4]} |\n\n"
                    f"收支明细见财务公开栏目。如有疑问，请联系村务监督委员会。\n")
            notice(f"{slug}-{year}{month:02d}", f"{year}年{month}月财务收支公开", "财务",
                   date, body, 7)
        quarter_end = month_add(as_of.year, as_of.month, -((as_of.month - 1) % 3) - 1)
        q = (quarter_end[1] - 1) // 3 + 1
        date = as_of - dt.timedelta(days=r.randint(1, 5))
        names = "、".join(r.sample(self.people, 5))
        notice("dibao-gongshi", f"{quarter_end[0]}年第{q}季度低保评议结果公示", "村务", date,
               f"经民主评议，拟新增低保对象{names}等5户，现予公示。\n\n"
               f"公示期内如有异议，请向村务监督委员会或拨打监督电话 0371-12388 反映。\n", 7)
        project = r.choice(self.projects)
        date = as_of - dt.timedelta(days=r.randint(20, 90))
        notice("xiangmu-gongshi", f"关于{project}项目的公示", "村务", date,
               f"经村民代表会议表决，{project}项目由{r.choice(self.companies)}承建。\n\n"
               f"- 预算金额：{r.randint(10, 300)}万元\n- 资金来源：{r.choice(PROJECT_FUNDS)}\n"
               f"- 计划工期：{r.randint(2, 10)}个月\n", 7)
        date = as_of - dt.timedelta(days=r.randint(5, 40))
        notice("zhuti-dangri", f"{date.year}年{date.month}月主题党日活动安排", "党务", date,
               "## 活动内容\n\n1. 集中学习党的创新理论\n2. 重温入党誓词\n"
               "3. 开展志愿服务\n\n请全体党员准时参加。\n", None)
        date = as_of - dt.timedelta(days=r.randint(100, 300))
        notice("fazhan-dangyuan", "发展党员公示", "党务", date,
               f"经党支部研究，拟将{r.choice(self.people)}同志列为发展对象，现予公示。\n", 5)
        return out

    def build(self) -> dict[str, object]:
        finance, balances = self.finance()
        welfare = self.welfare()
        contracts = self.contracts()
        return {
            "village.yaml": self.village_yaml(),
            "powers.yaml": self.powers_yaml(),
            "services.yaml": self.services_yaml(),
            "finance.csv": (FINANCE_HEADER, finance),
            "balances.csv": (BALANCES_HEADER, balances),
            "welfare.csv": (WELFARE_HEADER, welfare),
            "assets.csv": (ASSETS_HEADER, self.assets()),
            "resources.csv": (RESOURCES_HEADER, self.resources([c[0] for c in contracts])),
            "contracts.csv": (CONTRACTS_HEADER, contracts),
            "projects.csv": (PROJECTS_HEADER, self.projects_rows()),
            "notices": self.notices(balances),
        }


RECORD_FILES = ("finance.csv", "welfare.csv", "assets.csv", "resources.csv",
                "contracts.csv", "projects.csv")


def _write_village(folder: Path, opts: Options, ident: VillageIdentity, w: _Writer) -> int:
    content = _VillageGen(opts, ident).build()
    folder.mkdir(parents=True, exist_ok=True)
    records = 0
    for name, value in content.items():
        if name == "notices":
            notices_dir = folder / "notices"
            notices_dir.mkdir(exist_ok=True)
            for file_name, text in value:  # type: ignore[attr-defined]
                w.text(notices_dir / file_name, text)
        elif isinstance(value, str):
            w.text(folder / name, value)
        else:
            header, rows = value  # type: ignore[misc]
            w.csv(folder / name, header, rows)
            if name in RECORD_FILES:
                records += len(rows)
    return records


def generate_village(out: Path, opts: Options, ci: int, ti: int, vi: int) -> Written:
    """(Re)generate one village under ``out`` exactly as a full run would."""
    ident = village_identities(opts, ci, ti)[vi]
    w = _Writer()
    folder = out / ident.county_slug / ident.township_slug / ident.slug
    records = _write_village(folder, opts, ident, w)
    return Written(records=records, files=w.files, bytes=w.bytes)


def _county_yaml(opts: Options, ci: int) -> str:
    name = county_name(opts.seed, ci)
    return "\n".join([
        f"名称: {yaml_str(name)}",
        f"代码: {yaml_str(county_code(ci))}",
        f"简介: {yaml_str(f'{name}村级小微权力监督一点通公开平台（合成测试数据）。')}",
        f"地址: {yaml_str(name + '人民政府')}",
        f"电话: {yaml_str(f'0371-{6000_0000 + ci:08d}')}",
        f"网址: https://ydt-{ci + 1:02d}.example.gov.cn/",
        f"监督电话: {yaml_str(f'0371-1{2388 + ci:04d}')}",
        f"个人信息公示天数: {PRIVACY_DAYS}",
    ]) + "\n"


def generate(out: Path, opts: Options) -> Written:
    """Write the whole data folder under ``out``."""
    w = _Writer()
    records = 0
    for ci in range(opts.counties):
        county_dir = out / county_slug(ci)
        county_dir.mkdir(parents=True, exist_ok=True)
        w.text(county_dir / "county.yaml", _county_yaml(opts, ci))
        for ti, (t_slug, t_name, t_code) in enumerate(township_identities(opts, ci)):
            town_dir = county_dir / t_slug
            town_dir.mkdir(exist_ok=True)
            w.text(town_dir / "township.yaml", "\n".join([
                f"名称: {yaml_str(t_name)}",
                f"代码: {yaml_str(t_code)}",
                f"地址: {yaml_str(county_name(opts.seed, ci) + t_name + '人民政府')}",
                f"电话: {yaml_str(f'0371-6{int(t_code[-6:]):07d}')}",
            ]) + "\n")
            for ident in village_identities(opts, ci, ti):
                records += _write_village(town_dir / ident.slug, opts, ident, w)
        logger.info("已生成 %s", county_dir)
    return Written(records=records, files=w.files, bytes=w.bytes)


# ---------------------------------------------------------------------------
# --edit-village


@dataclass(frozen=True)
class EditResult:
    """What ``edit_village`` changed."""

    appended: int
    modified: int
    months_recomputed: int


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{path}: 空文件")
    return [h.strip() for h in rows[0]], rows[1:]


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_MONTH = re.compile(r"\d{4}-\d{2}")
_PLAIN_MONEY = re.compile(r"\d+(?:\.\d{1,2})?")


Tables = tuple[list[str], list[list[str]], list[str], list[list[str]]]


def _written_by_this_tool(folder: Path) -> Tables | None:
    """finance.csv's and balances.csv's headers and rows when both are UTF-8 with the plain
    dates, months and money this tool writes, so ``edit_village`` can add rows and recompute
    the balances; None for data from elsewhere (GB18030, ``2025/3/5``, ``￥1,234.50``, .xlsx …),
    which gets ``correct_summaries``."""
    try:
        f_header, f_rows = _read_csv(folder / "finance.csv")
        b_header, b_rows = _read_csv(folder / "balances.csv")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    need_f, need_b = {"日期", "类型", "科目", "摘要", "金额"}, set(BALANCES_HEADER)
    if not need_f <= set(f_header) or not need_b <= set(b_header) or not b_rows:
        return None
    fi = {name: i for i, name in enumerate(f_header)}
    bi = {name: i for i, name in enumerate(b_header)}
    for row in f_rows:
        if len(row) != len(f_header):
            return None
        if not (_PLAIN_DATE.fullmatch(row[fi["日期"]].strip())
                and _PLAIN_MONEY.fullmatch(row[fi["金额"]].strip())
                and row[fi["类型"]].strip() in ("收入", "支出")):
            return None
    for row in b_rows:
        if len(row) != len(b_header) or not _PLAIN_MONTH.fullmatch(row[bi["月份"]].strip()):
            return None
        if not all(_PLAIN_MONEY.fullmatch(row[bi[k]].strip()) for k in BALANCES_HEADER[1:]):
            return None
    return f_header, f_rows, b_header, b_rows


def correct_summaries(folder: Path, count: int = 3) -> EditResult:
    """Correct the 摘要 of ``count`` rows of ``folder/finance.csv``, whatever wrote the file.

    Keeps the file's encoding (UTF-8 with or without BOM, or GB18030), its line ends, its
    column order and its empty rows; amounts are untouched, so balances still reconcile.
    Seeded by the file's bytes: the same input gives the same output, and a second edit
    changes it again (a corrected row loses its mark).
    """
    path = folder / "finance.csv"
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("gb18030"), "gb18030"
    newline = "\r\n" if "\r\n" in text else "\n"
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise ValueError(f"{path}: 空文件")
    header = [h.strip() for h in records[0]]
    if "摘要" not in header:
        raise ValueError(f"{path}: 没有“摘要”列")
    col = header.index("摘要")
    rows = [i for i, r in enumerate(records[1:], 1) if len(r) > col and any(c.strip() for c in r)]
    r = random.Random(stable_seed("edit", hashlib.sha256(raw).hexdigest()))
    mark = "（更正）"
    chosen = sorted(r.sample(rows, min(count, len(rows))))
    for i in chosen:
        cell = records[i][col].rstrip()
        records[i][col] = cell[: -len(mark)] if cell.endswith(mark) else cell + mark
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(records)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))
    return EditResult(appended=0, modified=len(chosen), months_recomputed=0)


def edit_village(folder: Path) -> EditResult:
    """Deterministically append 3 ledger rows and correct 1 in ``folder``; rebalance.

    The edit is seeded by the current content of finance.csv, so the same input
    always gives the same output and repeated edits keep changing the village.
    Balances only ever go up (income added ≥ expenses added; a corrected income
    rises, a corrected expense falls), so no month-end balance turns negative.
    A finance.csv this tool did not write (other encodings, date or money formats)
    gets the format-keeping ``correct_summaries`` instead.
    """
    tables = _written_by_this_tool(folder)
    if tables is None:
        return correct_summaries(folder)
    finance_path = folder / "finance.csv"
    balances_path = folder / "balances.csv"
    f_header, f_rows, b_header, b_rows = tables
    fi = {name: i for i, name in enumerate(f_header)}
    bi = {name: i for i, name in enumerate(b_header)}
    r = random.Random(stable_seed("edit", hashlib.sha256(finance_path.read_bytes()).hexdigest()))

    # Correct one existing row.
    modified = 0
    if f_rows:
        row = f_rows[r.randrange(len(f_rows))]
        cents = parse_cents(row[fi["金额"]])
        delta = r.randint(100, 10_000)
        cents = cents + delta if row[fi["类型"]].strip() == "收入" else max(1, cents - delta)
        row[fi["金额"]] = money(cents)
        if not row[fi["摘要"]].endswith("（更正）"):
            row[fi["摘要"]] += "（更正）"
        modified = 1

    # Append three rows in the last balance month.
    last_month = b_rows[-1][bi["月份"]].strip()
    year, month = int(last_month[:4]), int(last_month[5:7])
    in_month = sum(1 for row in f_rows if row[fi["日期"]].startswith(last_month))
    expenses = [r.randint(5_000, 300_000) for _ in range(2)]
    new = [
        ("收入", "其他收入", f"收到{person_name(r)}补交承包费", sum(expenses) + r.randint(0, 50_000)),
        ("支出", "公益支出", f"支付{r.choice(('东', '西', '南', '北'))}片区排水沟维修费", expenses[0]),
        ("支出", "管理费用", f"补记村部{month}月办公用品费", expenses[1]),
    ]
    for k, (kind, subject, summary, cents) in enumerate(new, 1):
        row = [""] * len(f_header)
        row[fi["日期"]] = f"{year}-{month:02d}-{r.randint(1, 28):02d}"
        if "凭证号" in fi:
            row[fi["凭证号"]] = f"记{year}{month:02d}-{in_month + k:03d}"
        row[fi["类型"]] = kind
        row[fi["科目"]] = subject
        row[fi["摘要"]] = summary
        row[fi["金额"]] = money(cents)
        f_rows.append(row)

    # Recompute balances from the ledger.
    totals: dict[str, list[int]] = {}
    for row in f_rows:
        key = row[fi["日期"]].strip()[:7]
        pair = totals.setdefault(key, [0, 0])
        pair[0 if row[fi["类型"]].strip() == "收入" else 1] += parse_cents(row[fi["金额"]])
    opening = parse_cents(b_rows[0][bi["期初余额"]])
    for row in b_rows:
        income, expense = totals.get(row[bi["月份"]].strip(), [0, 0])
        closing = opening + income - expense
        if closing < 0:
            raise ValueError(f"{balances_path}: {row[bi['月份']]} 期末余额为负")
        row[bi["期初余额"]] = money(opening)
        row[bi["本月收入"]] = money(income)
        row[bi["本月支出"]] = money(expense)
        row[bi["期末余额"]] = money(closing)
        opening = closing
    _write_csv(finance_path, f_header, f_rows)
    _write_csv(balances_path, b_header, b_rows)
    return EditResult(appended=len(new), modified=modified, months_recomputed=len(b_rows))


# ---------------------------------------------------------------------------
# Command line.


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”必须大于 0")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="synth.py", description="生成合成测试数据（docs/data-format.md 格式），用于性能与规模测试。")
    p.add_argument("--out", type=Path, help="输出的数据文件夹（须不存在或为空）")
    p.add_argument("--counties", type=_positive, default=1, help="县数（默认 1；16 为种子规模）")
    p.add_argument("--townships", type=_positive, default=10, help="每县乡镇数（默认 10）")
    p.add_argument("--villages", type=_positive, default=20, help="每乡镇村数（默认 20）")
    p.add_argument("--records", type=_positive, default=2350, help="每村记录数（约数，默认 2350）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--as-of", type=_date, default=dt.date(2026, 11, 28), help="基准日期")
    p.add_argument("--edit-village", type=Path, metavar="PATH",
                   help="修改一个村文件夹：本工具生成的数据追加并更正几条财务记录、保持余额对账；"
                        "其他来源的数据（任何编码和格式）更正几条财务记录的摘要")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.edit_village is not None:
        folder: Path = args.edit_village
        if not (folder / "finance.csv").is_file():
            parser.error(f"{folder} 不是含 finance.csv 的村文件夹")
        result = edit_village(folder)
        print(f"已修改 {folder}：追加 {result.appended} 条、更正 {result.modified} 条财务记录，"
              f"重算 {result.months_recomputed} 个月余额，"
              f"用时 {time.perf_counter() - start:.3f} 秒")
        return 0
    if args.out is None:
        parser.error("需要 --out DIR 或 --edit-village PATH")
    if args.counties > 99 or args.townships > 899 or args.villages > 199:
        parser.error("规模超出代码位数：县 ≤ 99，每县乡镇 ≤ 899，每乡镇村 ≤ 199")
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        parser.error(f"输出目录 {out} 已存在且非空；请先删除或换一个目录")
    opts = Options(counties=args.counties, townships=args.townships, villages=args.villages,
                   records=args.records, seed=args.seed, as_of=args.as_of)
    out.mkdir(parents=True, exist_ok=True)
    written = generate(out, opts)
    seconds = time.perf_counter() - start
    villages = opts.counties * opts.townships * opts.villages
    print(f"县 {opts.counties}，村 {villages}，记录 {written.records}，"
          f"文件 {written.files}，字节 {written.bytes}（{written.bytes / 1e6:.1f} MB），"
          f"用时 {seconds:.1f} 秒")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    sys.exit(main())
