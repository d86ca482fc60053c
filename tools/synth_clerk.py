#!/usr/bin/env python3
"""A second synthetic data generator, written the way clerks' files vary.

Written from the published spec (DATA-FORMAT.md) alone, without reading tools/synth.py or
the generator, as stand-in held-out data for the benchmark: uneven townships (8–32
villages) and villages (a few dozen to 12,000 rows), long memos with names and appended
procedure, every money, date and month style the spec allows, UTF-8 with and without BOM,
GB18030, .xlsx, CRLF, shuffled and missing optional columns, notices and attachments.

Usage:
    python tools/synth_clerk.py --out DIR [--villages 200] [--records 470000] [--seed 7]

Produces DIR/heyang-xian/<township>/<village>/... .  Deterministic from --seed
(random.Random only; xlsx archives are normalised to fixed timestamps).
"""
from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import struct
import time
import zipfile
import zlib

AS_OF = dt.date(2026, 11, 28)
FIRST_MONTH = (2023, 1)
LAST_MONTH = (2026, 10)

# ---------------------------------------------------------------- value types


class Money(int):
    """Amount in integer cents."""
    __slots__ = ()


class Month(tuple):
    __slots__ = ()


# ---------------------------------------------------------------- vocab

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文党雒")
GIVEN = list("建国军华明伟芳秀英兰娟霞丽强磊洋勇艳杰涛超刚平辉鹏飞斌宇浩凯鑫欣怡婷静敏红梅玲燕娜春生德福贵荣海林山水田志文武忠义礼信仁爱宝成有才满仓银锁秀莲淑珍桂花玉凤翠萍彩霞永红卫东向阳")
RARE_GIVEN = ["䶮", "喆", "堃", "珺", "淼", "犇", "昇", "玥", "昱"]
UYGHUR_A = ["阿卜杜拉", "古丽", "热合曼", "买买提", "艾力", "阿依古丽", "努尔", "吐尔逊", "依明", "帕提古丽", "阿不都"]
UYGHUR_B = ["买买提", "艾力", "吐尔逊", "依明", "阿不都热依木", "司马义", "玉素甫", "克里木"]

PLACE_SYL = [
    ("liu", "刘"), ("zhang", "张"), ("wang", "王"), ("li", "李"), ("zhao", "赵"), ("dong", "东"),
    ("xi", "西"), ("nan", "南"), ("bei", "北"), ("shang", "上"), ("xia", "下"), ("qian", "前"),
    ("hou", "后"), ("da", "大"), ("xiao", "小"), ("xin", "新"), ("gu", "古"), ("ma", "马"),
    ("huang", "黄"), ("bai", "白"), ("shi", "石"), ("he", "河"), ("quan", "泉"), ("lu", "路"),
    ("fang", "坊"), ("yang", "杨"), ("fu", "富"), ("feng", "丰"), ("kang", "康"), ("ning", "宁"),
    ("an", "安"), ("ping", "平"), ("tai", "太"), ("chang", "常"), ("jin", "金"), ("lin", "林"),
    ("song", "宋"), ("tian", "田"), ("qiao", "乔"), ("lei", "雷"), ("fan", "范"), ("dang", "党"),
]
PLACE_SUF = [
    ("zhuang", "庄"), ("jia", "家"), ("cun", "村"), ("gou", "沟"), ("po", "坡"), ("yuan", "塬"),
    ("bao", "堡"), ("ying", "营"), ("zhai", "寨"), ("quan", "泉"), ("wa", "洼"), ("tou", "头"),
    ("he", "河"), ("yu", "峪"), ("liang", "梁"), ("shan", "山"),
]
CN_NUM = "零一二三四五六七八九十"

TOWNSHIPS = [
    ("chengguan-jiedao", "城关街道"), ("fang-zhen", "坊镇"), ("heichi-zhen", "黑池镇"),
    ("lujing-zhen", "路井镇"), ("hejiazhuang-zhen", "和家庄镇"), ("wangcun-zhen", "王村镇"),
    ("tongjiazhuang-zhen", "同家庄镇"), ("bailiang-zhen", "百良镇"), ("jinyu-zhen", "金峪镇"),
    ("ganjing-zhen", "甘井镇"),
]

GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组", "十一组", "十二组"]
SPOTS = ["村南", "村北", "东头", "西头", "老街", "小学门前", "涝池边", "北塬", "东沟", "西坡", "文化广场",
         "村委会院内", "幸福院", "红提葡萄基地", "苹果园区", "花椒示范园", "沿黄公路口", "水塔旁", "敬老院"]
COMPANY_X = ["兴达", "宏远", "秦川", "黄河", "鑫源", "华泰", "恒通", "金穗", "洽川", "渭北", "瑞丰", "天和", "正阳"]
COMPANY_Y = ["建筑工程有限公司", "商贸有限公司", "农业科技有限公司", "水利工程有限公司", "物业服务有限公司",
             "电气设备有限公司", "广告有限公司", "劳务有限公司", "果业专业合作社", "养殖专业合作社"]
FIXED_COMPANIES = ["国网合阳县供电公司", "中国移动合阳分公司", "合阳县自来水公司", "中国电信合阳分公司",
                   "合阳县农村信用合作联社", "陕西秦农银行合阳支行"]

INCOME_SUBJ = ["经营收入", "发包及上交收入", "投资收益", "补助收入", "其他收入"]
EXPENSE_SUBJ = ["管理费用", "公益支出", "其他支出", "经营支出", "干部报酬", "党组织工作经费"]

INCOME_TPL = {
    "补助收入": [
        "收到{y}年第{q}季度上级转移支付资金",
        "收到镇财政所拨付{y}年村级组织运转经费",
        "收到一事一议财政奖补资金（{spot}{proj}）",
        "收到上级拨付村干部{m}月报酬",
        "收到县农业农村局拨付{proj}项目补助资金第{k}批",
        "收到党组织服务群众专项经费",
    ],
    "发包及上交收入": [
        "收到{person}交{y}年度{group}耕地承包费",
        "收到{company}{spot}果园承包费",
        "收到{person}鱼塘承包费（{spot}，{n}亩）",
        "收到{company}集体机动地流转费{n}亩",
    ],
    "经营收入": [
        "收到村集体门面房{m}月租金（{person}）",
        "收到{company}租用村仓库租金",
        "收到村办红提葡萄合作社经营收入",
        "收到光伏电站{m}月发电收益",
    ],
    "投资收益": [
        "收到{company}{y}年度入股分红",
        "收到村集体经济合作社投资收益分配",
    ],
    "其他收入": [
        "收到银行存款利息",
        "收到{person}交回多领取的补助款",
        "收到{company}捐赠{proj}款",
        "收到保险理赔款",
    ],
}
EXPENSE_TPL = {
    "管理费用": [
        "购买办公用品（打印纸{n}包、墨盒{k}个）",
        "支付村委会{m}月电费",
        "支付村委会{m}月网络通讯费",
        "召开村民代表大会误餐费（参会{n}人）",
        "购买水泥,沙子",
        "支付{company}复印机维修费",
        "报销{person}到县上办理{proj}手续差旅费",
        "购买党员活动室桌椅{n}套",
        "支付\"三务公开\"宣传栏制作费",
    ],
    "公益支出": [
        "支付{spot}道路硬化工程款（第{k}期）",
        "支付{spot}排水渠清淤人工费{n}人次",
        "支付{spot}路灯安装款{n}盏",
        "支付{group}机井维修费",
        "购买防汛物资（编织袋{n}条、铁锹{k}把）",
        "支付环境卫生保洁费（{m}月）",
        "支付{company}{spot}监控设备安装费",
        "支付\"美丽乡村\"宣传牌制作费",
        "支付{spot}垃圾清运费{n}车",
        "慰问{group}困难党员及困难群众{n}户",
    ],
    "干部报酬": [
        "发放{m}月村干部误工补贴",
        "发放{y}年第{q}季度村组干部报酬",
        "支付{person}等{n}人护林员工资",
    ],
    "经营支出": [
        "支付红提葡萄合作社农资款（化肥{n}袋）",
        "支付{company}苗木款",
        "支付光伏电站运维费",
    ],
    "党组织工作经费": [
        "支付主题党日活动材料费",
        "订阅{y}年度党报党刊",
        "支付{spot}党员教育基地参观交通费",
    ],
    "其他支出": [
        "支付{y}年度村民合作医疗代缴费（{n}人）",
        "支付{person}意外伤害救助金",
        "支付银行账户管理费",
        "退还{person}多交的承包费",
    ],
}
LONG_TAILS = [
    "，经村民代表会议研究同意（会议记录第{k}号），由{person}经办，{person2}验收签字",
    "，按照“四议两公开”程序办理，村务监督委员会全程监督，附验收单及发票{k}张",
    "，工程量经镇农业综合服务站现场核实为{n}立方米，按合同约定支付第{k}期进度款",
    "，该笔款项已在{spot}公开栏公示{k}天无异议，由{company}开具正式发票",
]
PROJ_WORDS = ["道路硬化", "人居环境整治", "安全饮水巩固提升", "小型水利", "文化广场建设", "便民桥修缮",
              "高标准农田", "村卫生室改造", "污水管网", "太阳能路灯"]

WELFARE_MONTHLY = ["低保", "特困供养", "高龄津贴", "残疾人两项补贴"]
WELFARE_ONCE = ["临时救助", "耕地地力保护补贴", "危房改造补助", "其他"]
WELFARE_AMT = {
    "低保": (30000, 90000), "特困供养": (60000, 110000), "高龄津贴": (5000, 30000),
    "残疾人两项补贴": (7000, 15000), "临时救助": (50000, 500000), "耕地地力保护补贴": (5000, 300000),
    "危房改造补助": (1000000, 3500000), "其他": (10000, 200000),
}
PAY_METHODS = ["一卡通", "社保卡", "现金", "银行代发", "惠民惠农财政补贴“一卡通”", "打卡发放"]
WELFARE_NOTES = ["首次纳入", "补发{m}月", "调标后标准", "增发", "停发后恢复", "按季度发放", "动态调整新增",
                 "本人委托{person}代领", "户主已去世，由配偶领取", "一次性发放"]

ASSET_NAMES = [("村委会办公楼", "座", "非经营性"), ("村卫生室", "间", "非经营性"), ("文化活动室", "间", "非经营性"),
               ("临街门面房", "间", "经营性"), ("冷库", "座", "经营性"), ("农机具（旋耕机）", "台", "经营性"),
               ("打印复印一体机", "台", "非经营性"), ("台式电脑", "台", "非经营性"), ("空调", "台", "非经营性"),
               ("光伏发电设备", "套", "经营性"), ("仓库", "间", "经营性"), ("健身器材", "套", "非经营性"),
               ("太阳能路灯", "盏", "非经营性"), ("洒水车", "辆", "经营性"), ("垃圾转运车", "辆", "非经营性"),
               ("机井", "眼", "非经营性"), ("蓄水池", "座", "非经营性"), ("果品交易市场摊位", "个", "经营性")]
ASSET_STATES = ["在用", "闲置", "出租", "报废"]
RES_TYPES = ["耕地", "林地", "园地", "水面", "草地", "建设用地", "未利用地", "其他"]
CONTRACT_TYPES = ["发包", "租赁", "工程", "采购", "服务", "其他"]
CONTRACT_STATES = ["履行中", "已完成", "已终止"]
PROJ_CATS = ["道路", "水利", "饮水", "环境整治", "教育", "医疗", "文化", "其他"]
PROJ_STATES = ["计划中", "施工中", "已完工", "已验收"]
FUND_SOURCES = ["财政专项资金", "村集体自筹", "一事一议财政奖补", "社会捐助", "衔接推进乡村振兴补助资金", "财政专项资金+村集体自筹"]

NOTICE_TOPICS = {
    "党务": [("dangfei-shoujiao", "党费收缴情况公示"), ("zhuti-dangri", "主题党日活动安排"),
             ("fazhan-dangyuan", "发展党员公示"), ("minzhu-pingyi", "民主评议党员结果公示"),
             ("zhibu-huanjie", "党支部换届选举公告")],
    "村务": [("dibao-pingyi", "低保评议结果公示"), ("yishiyiyi", "一事一议筹资筹劳方案公示"),
             ("weifang-gaizao", "危房改造对象公示"), ("tudi-liuzhuan", "集体土地流转公告"),
             ("huanjing-zhengzhi", "人居环境整治通报"), ("xiangmu-zhaobiao", "项目招标结果公示"),
             ("tingshui-tongzhi", "停水通知")],
    "财务": [("caiwu-gongkai", "财务收支公开"), ("jiti-shouyi-fenpei", "集体收益分配方案公示"),
             ("zhuanxiang-zijin", "专项资金使用情况公示"), ("zhaiwu-qingli", "村级债权债务清理公示")],
}

# ---------------------------------------------------------------- helpers

FW = str.maketrans("0123456789.", "０１２３４５６７８９．")
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_C = "10X98765432"


def id_check(s17: str) -> str:
    return ID_C[sum(int(c) * w for c, w in zip(s17, ID_W, strict=True)) % 11]


def month_add(ym, k):
    y, m = ym
    t = y * 12 + (m - 1) + k
    return (t // 12, t % 12 + 1)


def month_range(a, b):
    out = []
    cur = a
    while cur <= b:
        out.append(cur)
        cur = month_add(cur, 1)
    return out


def dim(y, m):
    return calendar.monthrange(y, m)[1]


def money_min(c):
    y, f = divmod(c, 100)
    if f == 0:
        return str(y)
    if f % 10 == 0:
        return f"{y}.{f // 10}"
    return f"{y}.{f:02d}"


MONEY_STYLES = ["min", "fix2", "comma", "yen", "yuan", "fw", "fix3"]


def fmt_money(c, style):
    y, f = divmod(c, 100)
    if style == "min":
        return money_min(c)
    if style == "fix2":
        return f"{y}.{f:02d}"
    if style == "comma":
        return f"{y:,}.{f:02d}"
    if style == "yen":
        return f"￥{y:,}.{f:02d}"
    if style == "yuan":
        return f"{y}.{f:02d}元"
    if style == "fw":
        return money_min(c).translate(FW)
    if style == "fix3":
        return f"{y}.{f:02d}0"
    raise ValueError(style)


DATE_STYLES = ["iso", "slash", "dot", "cn"]


def fmt_date(d, style):
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


MONTH_STYLES = ["iso", "slash", "cn"]


def fmt_month(ym, style):
    y, m = ym
    if style == "iso":
        return f"{y}-{m:02d}"
    if style == "slash":
        return f"{y}/{m}"
    return f"{y}年{m}月"


PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`~ ")


def yq(s, rng=None, force=None):
    """YAML scalar: plain when safe, else double-quoted (JSON string is valid YAML)."""
    s = str(s)
    q = force
    if q is None:
        safe = (s and s[0] not in PLAIN_BAD_START and ": " not in s and " #" not in s
                and not s.endswith(":") and s == s.strip() and "\n" not in s and "\t" not in s)
        q = "plain" if safe else "double"
    if q == "plain":
        return s
    if q == "single":
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s, ensure_ascii=False)


def png_bytes(rng):
    w = h = 1
    raw = b"\x00" + bytes([rng.randrange(256), rng.randrange(256), rng.randrange(256)])

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_bytes(tag):
    return b"%PDF-1.4\n% " + tag.encode("ascii", "replace") + b"\n%%EOF\n"


# ---------------------------------------------------------------- generator


class Gen:
    def __init__(self, out, n_villages, n_records, seed):
        self.out = out
        self.nv = n_villages
        self.nr = n_records
        self.rng = random.Random(seed)
        self.stats = {
            "rows": {k: 0 for k in ["finance", "balances", "welfare", "assets", "resources", "contracts", "projects"]},
            "files": {k: 0 for k in ["finance", "balances", "welfare", "assets", "resources", "contracts", "projects"]},
            "encodings": {"utf-8": 0, "utf-8-sig": 0, "gb18030": 0, "xlsx": 0},
            "crlf_files": 0, "lf_files": 0, "files_with_empty_rows": 0, "multiline_cells": 0,
            "notices": 0, "attachments": 0, "villages": 0, "powers": 0, "services": 0,
            "money_styles": {}, "date_styles": {},
        }

    # ---- names
    def person(self):
        r = self.rng
        x = r.random()
        if x < 0.015:
            return r.choice(UYGHUR_A) + "·" + r.choice(UYGHUR_B)
        if x < 0.02:
            return r.choice(SURNAMES) + r.choice(RARE_GIVEN)
        if x < 0.35:
            return r.choice(SURNAMES) + r.choice(GIVEN)
        return r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN)

    def company(self):
        r = self.rng
        if r.random() < 0.2:
            return r.choice(FIXED_COMPANIES)
        return r.choice(["合阳县", "渭南市", "陕西"]) + r.choice(COMPANY_X) + r.choice(COMPANY_Y)

    def id_number(self, born_lo=1930, born_hi=2012):
        r = self.rng
        region = r.choice(["610524"] * 8 + ["610523", "610581", "610526", "410122"])
        y = r.randint(born_lo, born_hi)
        m = r.randint(1, 12)
        d = r.randint(1, dim(y, m))
        s17 = f"{region}{y:04d}{m:02d}{d:02d}{r.randint(0, 999):03d}"
        c = id_check(s17)
        if c == "X" and r.random() < 0.3:
            c = "x"
        return s17 + c

    def fill(self, tpl, ctx_year=2025):
        r = self.rng
        return tpl.format(
            y=ctx_year, q=r.randint(1, 4), m=r.randint(1, 12), k=r.randint(1, 9), n=r.randint(2, 480),
            spot=r.choice(SPOTS), group=r.choice(GROUPS), person=self.person(), person2=self.person(),
            company=self.company(), proj=r.choice(PROJ_WORDS))

    # ---- main
    def run(self):
        r = self.rng
        county = os.path.join(self.out, "heyang-xian")
        if os.path.exists(county):
            shutil.rmtree(county)
        os.makedirs(county)
        self.write_text(os.path.join(county, "county.yaml"), self.county_yaml(), r.random() < 0.3)

        counts = self.township_counts()
        sizes = self.village_sizes()
        vi = 0
        special_no_fin = r.randrange(self.nv) if self.nv >= 10 else -1
        special_no_bal = r.randrange(self.nv) if self.nv >= 10 else -1
        first_slugs = []
        for ti, (tslug, tname) in enumerate(TOWNSHIPS):
            tdir = os.path.join(county, tslug)
            os.makedirs(tdir)
            tcode = f"610524{100 + ti * 3:03d}"
            self.write_text(os.path.join(tdir, "township.yaml"), self.township_yaml(tname, tcode), r.random() < 0.3)
            used = set()
            for k in range(counts[ti]):
                # deliberately reuse a slug of township 0 in township 1 (unique only within parent)
                reuse = first_slugs[0] if (ti == 1 and k == 0 and first_slugs) else None
                size, kind = sizes[vi]
                slug, name, vtype = self.village_name(used, kind, reuse)
                used.add(slug)
                if ti == 0:
                    first_slugs.append((slug, name, vtype))
                vdir = os.path.join(tdir, slug)
                os.makedirs(vdir)
                vcode = tcode + f"{200 + k:03d}"
                self.village(vdir, name, vtype, vcode, size, kind,
                             no_fin=(vi == special_no_fin), no_bal=(vi == special_no_bal))
                vi += 1
        return self.stats

    def township_counts(self):
        r = self.rng
        n = self.nv
        T = len(TOWNSHIPS)
        if n >= 8 * T:
            lo, hi = 8, 32
            c = [r.randint(lo, hi) for _ in range(T)]
            while sum(c) != n:
                i = r.randrange(T)
                if sum(c) < n and c[i] < hi:
                    c[i] += 1
                elif sum(c) > n and c[i] > lo:
                    c[i] -= 1
            return c
        c = [1 if i < n else 0 for i in range(T)]
        for _ in range(n - sum(c)):
            c[min(int(r.random() ** 2 * T), T - 1)] += 1
        return c

    def village_sizes(self):
        """List of (total_rows, kind) per village, shuffled; kind in normal/large/tiny."""
        r = self.rng
        n = self.nv
        n_large = max(1, round(n * 0.03)) if n >= 5 else 0
        n_tiny = max(1, round(n * 0.03)) if n >= 5 else 0
        n_norm = n - n_large - n_tiny
        large = [r.randint(8000, 12000) for _ in range(n_large)]
        tiny = [r.randint(12, 48) for _ in range(n_tiny)]
        rest = self.nr - sum(large) - sum(tiny)
        raw = [r.uniform(1000, 3000) for _ in range(n_norm)]
        scale = rest / sum(raw) if raw else 1
        norm = [max(60, int(x * scale)) for x in raw]
        out = [(s, "large") for s in large] + [(s, "tiny") for s in tiny] + [(s, "normal") for s in norm]
        r.shuffle(out)
        return out

    def village_name(self, used, kind, reuse):
        r = self.rng
        if reuse:
            return reuse
        for _ in range(1000):
            a = r.choice(PLACE_SYL)
            b = r.choice(PLACE_SUF)
            shequ = kind == "large" or r.random() < 0.08
            digit = r.random() < 0.05
            base = a[0] + b[0]
            cname = a[1] + b[1]
            if digit:
                k = r.randint(1, 5)
                base += f"-{k}"
                cname += CN_NUM[k]
            slug = base + ("-shequ" if shequ else "-cun")
            name = cname + ("社区" if shequ else "村")
            if slug not in used:
                return slug, name, ("社区" if shequ else "村")
        raise RuntimeError("slug space exhausted")

    # ---- io
    def write_text(self, path, text, crlf=False, encoding="utf-8"):
        if crlf:
            text = text.replace("\n", "\r\n")
        with open(path, "wb") as f:
            f.write(text.encode(encoding))

    # ---- yaml docs
    def county_yaml(self):
        return (
            "# 合阳县 一点通 数据\n"
            "名称: 合阳县\n"
            "代码: \"610524\"\n"
            "简介: |\n"
            "  合阳县位于陕西省东部、渭南市东北部，东临黄河。\n\n"
            "  - 辖 **10** 个镇（街道）\n"
            "  - 特产：红提葡萄、苹果、花椒\n\n"
            "  详见[合阳县人民政府网](https://www.heyang.gov.cn/)。\n"
            "地址: 合阳县城关街道新华路1号\n"
            "电话: 0913-5512345\n"
            "网址: https://heyang.example.gov.cn/\n"
            "监督电话: 0913-12388\n"
            "举报网址: https://jubao.example.gov.cn/heyang\n"
            "个人信息公示天数: 400\n"
        )

    def township_yaml(self, name, code):
        r = self.rng
        style = r.choice(["plain", "double", "single"])
        lines = [f"名称: {name}", f"代码: {yq(code, force=style)}"]
        if r.random() < 0.6:
            lines.append(f"简介: {name}位于合阳县{r.choice(['东部', '西部', '南部', '北部', '中部'])}，辖{r.randint(8, 30)}个行政村（社区）。")
        if r.random() < 0.8:
            lines.append(f"地址: 合阳县{name}{r.choice(['政府街', '中心街', '人民路'])}{r.randint(1, 99)}号")
        if r.random() < 0.8:
            lines.append(f"电话: 0913-55{r.randint(10000, 99999)}")
        r.shuffle(lines)
        return "\n".join(lines) + "\n"

    def village_yaml(self, name, vtype, code, files, size):
        r = self.rng
        L = []
        L.append(f"名称: {name}")
        L.append(f"类型: {vtype}")
        if r.random() < 0.06:
            # a code that YAML would guess as a number, unquoted or double-quoted (spec: read
            # as text). It stays under its township's code (a village 代码 elsewhere is an
            # error); the draws of the earlier leading-zero variant are kept, so the rest of
            # the data is unchanged.
            _unused = "0" + code[1:] if r.random() < 0.5 else "0" + "".join(r.choice("01234567") for _ in range(11))
            L.append(f"代码: {yq(code, force=r.choice(['plain', 'double']))}")
        else:
            L.append(f"代码: {yq(code, force=r.choice(['plain', 'plain', 'double', 'single']))}")
        if r.random() < 0.7:
            L.append("简介: |")
            L.append(f"  {name}位于合阳县{r.choice(['东部塬区', '沿黄滩区', '北部山区', '县城近郊'])}，"
                     f"下辖{r.randint(3, 12)}个村民小组。")
            L.append("")
            L.append("  ## 主导产业")
            L.append("")
            for p in r.sample(["红提葡萄", "苹果", "花椒", "小麦", "玉米", "莲藕", "生猪养殖", "乡村旅游"], 3):
                L.append(f"  - {p}")
            L.append("")
            L.append(f"  更多信息见[乡村振兴专栏](https://www.heyang.gov.cn/xczx/{r.randint(100, 999)}.html)，"
                     f"或发邮件至 [村委会邮箱](mailto:cwh{r.randint(10, 99)}@example.com)。")
        hh = max(3, size // r.randint(6, 12))
        if r.random() < 0.9:
            L.append(f"户数: {hh}")
            L.append(f"人口: {hh * r.randint(3, 4) + r.randint(0, 9)}")
        if r.random() < 0.8:
            L.append(f"党员人数: {r.randint(8, 160)}")
        if r.random() < 0.8:
            L.append(f"面积: {r.choice([str(r.randint(2, 30)), f'{r.uniform(1, 30):.2f}', f'{r.uniform(1, 30):.1f}'])}")
        if r.random() < 0.8:
            L.append(f"耕地面积: {r.choice([str(r.randint(300, 9000)), f'{r.uniform(300, 9000):.1f}'])}")
        if r.random() < 0.9:
            L.append(f"地址: 合阳县{r.choice([t[1] for t in TOWNSHIPS])}{name}{r.choice(['村委会', '党群服务中心', '便民服务站'])}")
        if r.random() < 0.9:
            L.append(f"办公时间: {r.choice(['8:30-17:30', '8:30-17:30', '8:00-12:00,14:30-18:00', '9:00-17:00', '周一至周五 8:30-17:30'])}")
        if r.random() < 0.9:
            L.append(f"电话: {r.choice(['0913-55', '0913-56', '0913-57'])}{r.randint(10000, 99999)}")
        if r.random() < 0.3:
            L.append("村规民约: |")
            L.append("  1. 爱党爱国，遵纪守法；")
            L.append("  2. 移风易俗，红白喜事从简；")
            L.append("  3. 爱护公共设施，**不乱倒垃圾**。")
        if r.random() < 0.5:
            fn = r.choice(["village-office.png", "cunweihui.png", "村委会全景.png", "photo-01.png"])
            files[fn] = "png"
            L.append(f"照片: {yq(fn)}")
        if r.random() < 0.9:
            L.append("干部:")
            roles = [("党支部书记、村委会主任", "主持全面工作"), ("村委会副主任", "分管农业生产、产业发展"),
                     ("村务监督委员会主任", "村务监督"), ("村文书", "党务村务财务公开、档案管理"),
                     ("村会计", "财务核算、三资管理"), ("妇联主席", "妇女儿童、计划生育"),
                     ("治保主任", "综治维稳、人民调解")]
            for role, duty in roles[: r.randint(2, len(roles))]:
                L.append(f"  - 姓名: {self.person()}")
                L.append(f"    职务: {role}")
                if r.random() < 0.9:
                    L.append(f"    分工: {duty}")
                if r.random() < 0.9:
                    ph = r.choice([f"1{r.choice('3589')}{r.randint(100000000, 999999999)}",
                                   f"0913-55{r.randint(10000, 99999)}"])
                    L.append(f"    电话: {ph}")
        return "\n".join(L) + "\n"

    def powers_yaml(self):
        r = self.rng
        items = [("村级重大事项决策", "重大事项", ["党支部提议", "两委会商议", "党员大会审议", "村民代表会议决议", "决议公开", "实施结果公开"]),
                 ("村级工程项目建设", "工程项目", ["项目申报", "四议两公开", "招标或比选", "签订合同", "施工监督", "竣工验收", "结算公示"]),
                 ("低保申请初审", "民生服务", ["群众申请", "入户调查", "民主评议", "村级公示", "报镇审核"]),
                 ("集体资产资源发包", "三资管理", ["制定方案", "村民代表会议表决", "公开发包", "签订合同", "结果公示"]),
                 ("村级财务收支", "财务管理", ["经办人取得票据", "村务监督委员会审核", "村委会主任审批", "镇代理会计核算", "月度公开"]),
                 ("宅基地申请审核", "土地管理", ["农户申请", "村民小组会议讨论", "村级公示", "报镇审批"]),
                 ("发展党员", "党务", ["递交入党申请书", "确定积极分子", "培养考察", "确定发展对象", "支部大会讨论", "上级党委审批"])]
        out = []
        for name, cat, steps in r.sample(items, r.randint(2, len(items))):
            out.append(f"- 名称: {name}")
            if r.random() < 0.8:
                out.append(f"  类别: {cat}")
            if r.random() < 0.7:
                out.append(f"  依据: 《中华人民共和国村民委员会组织法》第{r.randint(20, 35)}条")
            if r.random() < 0.7:
                out.append(f"  责任主体: {r.choice(['村党支部', '村民委员会', '村务监督委员会', '村股份经济合作社'])}")
            if r.random() < 0.5:
                out.append("  流程: [" + ", ".join(steps) + "]")
            else:
                out.append("  流程:")
                out += [f"    - {s}" for s in steps]
            if r.random() < 0.6:
                out.append(f"  时限: {r.choice(['5个工作日', '即时办理', '30日内', '当月办结'])}")
            if r.random() < 0.6:
                out.append("  风险点:")
                out += [f"    - {s}" for s in ["未按程序决策", "暗箱操作、优亲厚友"][: r.randint(1, 2)]]
            if r.random() < 0.6:
                out.append("  防控措施:")
                out += [f"    - {s}" for s in ["严格落实四议两公开", "村务监督委员会全程监督", "结果张榜公示"][: r.randint(1, 3)]]
            if r.random() < 0.5:
                out.append("  监督电话: 0913-12388")
        return "\n".join(out) + "\n"

    def services_yaml(self):
        r = self.rng
        items = [("开具居住证明", ["身份证", "户口簿"], ["提出申请", "村委会核实", "开具证明"]),
                 ("城乡居民养老保险参保登记", ["身份证", "户口簿", "银行卡"], ["填写登记表", "信息录入", "报镇社保站"]),
                 ("低保申请", ["申请书", "身份证", "户口簿", "收入证明"], ["递交材料", "入户调查", "民主评议", "公示"]),
                 ("残疾人证代办", ["身份证", "近期免冠照片2张"], ["申请", "预约鉴定", "领证"]),
                 ("高龄津贴申领", ["身份证", "社保卡"], ["提交材料", "村级初审", "报镇审核"])]
        out = []
        for name, mats, steps in r.sample(items, r.randint(1, len(items))):
            out.append(f"- 名称: {name}")
            if r.random() < 0.8:
                out.append("  所需材料:")
                out += [f"    - {m}" for m in mats]
            if r.random() < 0.8:
                out.append("  办理流程: [" + ", ".join(steps) + "]")
            if r.random() < 0.7:
                out.append(f"  办理时限: {r.choice(['即时办结', '3个工作日', '15个工作日'])}")
            if r.random() < 0.7:
                out.append(f"  地点: 村党群服务中心{r.randint(1, 3)}号窗口")
            if r.random() < 0.7:
                out.append("  办公时间: 8:30-17:30")
            if r.random() < 0.7:
                out.append(f"  联系人: {self.person()}")
            if r.random() < 0.7:
                out.append(f"  电话: {r.choice(['12345', '0913-5512345', '13991350000'])}")
            if r.random() < 0.7:
                out.append(f"  预约方式: {r.choice(['电话预约', '微信群预约', 'https://zwfw.example.gov.cn/yuyue', '到村委会现场登记'])}")
        return "\n".join(out) + "\n"

    # ---- tables
    def write_table(self, vdir, stem, cols, rows, shuffle_cols=None, allow_multiline=False):
        """cols: canonical header list; rows: lists of typed values aligned with cols."""
        r = self.rng
        st = self.stats
        x = r.random()
        enc = "utf-8" if x < 0.60 else "utf-8-sig" if x < 0.75 else "gb18030" if x < 0.90 else "xlsx"
        st["encodings"][enc] += 1
        st["files"][stem] += 1
        st["rows"][stem] += len(rows)
        n = len(cols)
        order = list(range(n))
        if shuffle_cols or (shuffle_cols is None and r.random() < 0.4):
            r.shuffle(order)
        header = [cols[i] for i in order]
        if r.random() < 0.1:
            j = r.randrange(n)
            header[j] = r.choice([" ", "  ", "\t"]) + header[j] + r.choice(["", " "])
        mixed = r.random() < 0.08
        mstyle = r.choice(MONEY_STYLES)
        dstyle = r.choice(DATE_STYLES)
        mostyle = r.choice(MONTH_STYLES)
        st["money_styles"][("mixed" if mixed else mstyle)] = st["money_styles"].get(("mixed" if mixed else mstyle), 0) + 1
        st["date_styles"][("mixed" if mixed else dstyle)] = st["date_styles"].get(("mixed" if mixed else dstyle), 0) + 1
        pad = r.random() < 0.2
        empties = sorted(r.sample(range(1, len(rows)), min(len(rows) - 1, r.randint(1, 3)))) if (len(rows) > 3 and r.random() < 0.2) else []
        if empties:
            st["files_with_empty_rows"] += 1
        multiline = allow_multiline and enc != "xlsx" and r.random() < 0.05

        if enc == "xlsx":
            self.write_xlsx(os.path.join(vdir, stem + ".xlsx"), header, order, rows, mstyle, dstyle, mostyle,
                            mixed, pad, empties)
            return
        crlf = r.random() < 0.5
        st["crlf_files" if crlf else "lf_files"] += 1
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
        w.writerow(header)
        rnd = r.random
        choice = r.choice
        ei = 0
        ne = len(empties)
        for ri, row in enumerate(rows):
            if ei < ne and empties[ei] == ri:
                w.writerow([] if rnd() < 0.5 else [""] * n)
                ei += 1
            out = []
            for i in order:
                v = row[i]
                t = type(v)
                if t is str:
                    s = v
                elif t is Money:
                    s = fmt_money(v, choice(MONEY_STYLES) if mixed else mstyle)
                elif t is dt.date:
                    s = fmt_date(v, choice(DATE_STYLES) if mixed else dstyle)
                elif t is Month:
                    s = fmt_month(v, choice(MONTH_STYLES) if mixed else mostyle)
                elif v is None:
                    s = ""
                else:
                    s = str(v)
                if pad and s and rnd() < 0.03:
                    s = choice([" ", "  ", "\t"]) + s + choice(["", " ", "  "])
                out.append(s)
            if multiline and rnd() < 0.02:
                # a quoted cell with an embedded line break in a free-text column
                for k, i in enumerate(order):
                    if cols[i] in ("摘要", "备注") and out[k]:
                        out[k] = out[k].strip() + "\n（附说明一份）"
                        self.stats["multiline_cells"] += 1
                        break
            w.writerow(out)
        path = os.path.join(vdir, stem + ".csv")
        with open(path, "wb") as f:
            f.write(buf.getvalue().encode(enc))

    def write_xlsx(self, path, header, order, rows, mstyle, dstyle, mostyle, mixed, pad, empties):
        from openpyxl import Workbook
        r = self.rng
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(r.choice(["Sheet1", "明细", "数据"]))
        ws.append(header)
        real_dates = r.random() < 0.75
        real_money = r.random() < 0.7
        int_voucher = r.random() < 0.5
        vi = next((k for k, h in enumerate(header) if h.strip() == "凭证号"), -1)
        ei = 0
        ne = len(empties)
        for ri, row in enumerate(rows):
            if ei < ne and empties[ei] == ri:
                ws.append([None] * len(header) if r.random() < 0.5 else [""])
                ei += 1
            out = []
            for k, i in enumerate(order):
                v = row[i]
                t = type(v)
                if t is Money:
                    if real_money:
                        v = int(v) // 100 if v % 100 == 0 else int(v) / 100
                    else:
                        v = fmt_money(v, r.choice(MONEY_STYLES) if mixed else mstyle)
                elif t is dt.date:
                    if not real_dates:
                        v = fmt_date(v, r.choice(DATE_STYLES) if mixed else dstyle)
                elif t is Month:
                    v = fmt_month(v, r.choice(MONTH_STYLES) if mixed else mostyle)
                elif t is str:
                    if v == "":
                        v = None
                    elif k == vi and int_voucher and v.isdigit() and v[0] != "0":
                        v = int(v)
                    elif pad and r.random() < 0.03:
                        v = " " + v + " "
                out.append(v)
            ws.append(out)
        if r.random() < 0.3:
            ws2 = wb.create_sheet("说明")
            ws2.append(["本表由村会计填写，第一张工作表为正式数据。"])
            ws2.append(["填表人", self.person()])
        bio = io.BytesIO()
        wb.save(bio)
        self.normalise_zip(bio.getvalue(), path)

    @staticmethod
    def normalise_zip(data, path):
        zin = zipfile.ZipFile(io.BytesIO(data))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                b = zin.read(info.filename)
                if info.filename == "docProps/core.xml":
                    b = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-01T00:00:00Z", b)
                zi = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(zi, b)

    # ---- village
    def village(self, vdir, name, vtype, vcode, size, kind, no_fin=False, no_bal=False):
        r = self.rng
        self.stats["villages"] += 1
        files = {}  # filename -> kind (insertion ordered => deterministic)

        if kind == "tiny":
            fin_n = max(3, int(size * 0.55))
            wel_n = max(1, int(size * 0.35))
            other_n = 0
            start = month_add((2026, 10), -r.randint(1, 3))
            end = month_add(start, r.randint(0, 2))
        else:
            fin_n = int(size * 0.55)
            wel_n = int(size * 0.35)
            other_n = size - fin_n - wel_n
            start = month_add(FIRST_MONTH, r.randint(0, 17))
            end = month_add(LAST_MONTH, -r.randint(0, 13) if r.random() < 0.4 else 0)
        months = month_range(start, end)

        # finance + balances
        has_fin = not no_fin and fin_n > 0
        bal_months = []
        if has_fin:
            fin_rows_by_month = self.finance(vdir, fin_n, months, files)
        else:
            fin_rows_by_month = None
        if not no_bal:
            b0 = max(FIRST_MONTH, month_add(start, -r.randint(0, 2)))
            b1 = min(LAST_MONTH, month_add(end, r.randint(0, 1)))
            bal_months = month_range(b0, b1)
            self.balances(vdir, bal_months, fin_rows_by_month)
        other_n -= len(bal_months)

        if wel_n > 0 and r.random() < 0.97:
            self.welfare(vdir, wel_n, month_range(month_add(FIRST_MONTH, r.randint(0, 6)), end if kind == "tiny" else LAST_MONTH))

        if other_n > 4:
            w = [r.uniform(0.5, 1.5) for _ in range(4)]
            tot = sum(w)
            na, nrs, nc, npj = (max(1, int(other_n * x / tot)) for x in w)
            contract_ids = []
            if r.random() < 0.95:
                contract_ids = self.contracts(vdir, nc, files)
            if r.random() < 0.92:
                self.assets(vdir, na)
            if r.random() < 0.9:
                self.resources(vdir, nrs, contract_ids)
            if r.random() < 0.9:
                self.projects(vdir, npj, files)

        self.notices(vdir, r.randint(2, 15), files)

        if r.random() < 0.4:
            self.write_text(os.path.join(vdir, "powers.yaml"), self.powers_yaml(), r.random() < 0.3)
            self.stats["powers"] += 1
        if r.random() < 0.4:
            self.write_text(os.path.join(vdir, "services.yaml"), self.services_yaml(), r.random() < 0.3)
            self.stats["services"] += 1

        self.write_text(os.path.join(vdir, "village.yaml"), self.village_yaml(name, vtype, vcode, files, size),
                        r.random() < 0.3)

        if files:
            fdir = os.path.join(vdir, "files")
            os.makedirs(fdir)
            for fn, k in files.items():
                data = png_bytes(r) if k == "png" else pdf_bytes(f"{name} {fn}")
                with open(os.path.join(fdir, fn), "wb") as f:
                    f.write(data)
                self.stats["attachments"] += 1

    def rand_day(self, ym):
        y, m = ym
        return dt.date(y, m, self.rng.randint(1, dim(y, m)))

    def amount(self, lo_yuan, hi_yuan):
        r = self.rng
        v = int(lo_yuan * (hi_yuan / lo_yuan) ** r.random() * 100)
        x = r.random()
        if x < 0.35:
            v = (v // 100) * 100
        elif x < 0.5:
            v = (v // 10) * 10
        return Money(max(1, v))

    def finance(self, vdir, n, months, files):
        r = self.rng
        cols = ["日期", "凭证号", "类型", "科目", "摘要", "金额", "经手人", "审批人", "附件"]
        keep = {"凭证号": r.random() < 0.8, "经手人": r.random() < 0.75, "审批人": r.random() < 0.6,
                "附件": r.random() < 0.3}
        use = [c for c in cols if keep.get(c, True)]
        handlers = [self.person() for _ in range(3)]
        approver = self.person()
        long_p = r.uniform(0.02, 0.15)
        dates = sorted(self.rand_day(r.choice(months)) for _ in range(n))
        if r.random() < 0.1:
            r.shuffle(dates)  # order is free
        vstyle = r.randrange(4)
        rows = []
        by_month = {}
        att_count = 0
        vno = {}
        for d in dates:
            inc = r.random() < 0.35
            if inc:
                subj = r.choice(INCOME_SUBJ)
                text = self.fill(r.choice(INCOME_TPL[subj]), d.year)
                amt = self.amount(50, 400000)
            else:
                subj = r.choice(EXPENSE_SUBJ)
                text = self.fill(r.choice(EXPENSE_TPL[subj]), d.year)
                amt = self.amount(5, 150000)
            if r.random() < long_p:
                text += self.fill(r.choice(LONG_TAILS), d.year)
                if len(text) < 60:
                    text += self.fill(LONG_TAILS[0], d.year)
            key = (d.year, d.month)
            vno[key] = vno.get(key, 0) + 1
            seq = vno[key]
            vch = [f"记-{seq}", f"{d.year}{d.month:02d}{seq:03d}", str(seq), f"{d.month}-{seq:02d}"][vstyle]
            vals = {"日期": d, "凭证号": vch, "类型": "收入" if inc else "支出", "科目": subj, "摘要": text,
                    "金额": amt, "经手人": r.choice(handlers) if r.random() < 0.95 else "",
                    "审批人": approver if r.random() < 0.97 else "", "附件": ""}
            if keep["附件"] and r.random() < 0.02 and att_count < 40:
                att_count += 1
                fn = r.choice([f"fp-{d.year}{d.month:02d}-{seq:03d}.pdf", f"发票{d.year}-{d.month:02d}-{seq:03d}.pdf",
                               f"invoice_{d.isoformat()}_{seq}.PDF"])
                files[fn] = "pdf"
                vals["附件"] = fn
            rows.append([vals[c] for c in use])
            mb = by_month.setdefault(key, [0, 0])
            mb[0 if inc else 1] += int(amt)
        self.write_table(vdir, "finance", use, rows, shuffle_cols=True, allow_multiline=True)
        return by_month

    def balances(self, vdir, months, fin):
        cols = ["月份", "期初余额", "本月收入", "本月支出", "期末余额"]
        flows = []
        for ym in months:
            if fin is not None:
                inc, exp = fin.get(ym, [0, 0])
            else:
                inc = int(self.amount(1000, 300000))
                exp = int(self.amount(1000, 250000))
            flows.append((ym, inc, exp))
        bal = 0
        low = 0
        for _, inc, exp in flows:
            bal += inc - exp
            low = min(low, bal)
        opening = int(self.amount(20000, 3000000)) + (-low)
        rows = []
        bal = opening
        for ym, inc, exp in flows:
            close = bal + inc - exp
            assert close >= 0
            rows.append([Month(ym), Money(bal), Money(inc), Money(exp), Money(close)])
            bal = close
        self.write_table(vdir, "balances", cols, rows)

    def welfare(self, vdir, n, months):
        r = self.rng
        cols = ["项目", "姓名", "身份证号", "家庭人口", "金额", "发放日期", "发放方式", "备注"]
        keep = {"身份证号": r.random() < 0.85, "家庭人口": r.random() < 0.7, "发放方式": r.random() < 0.75,
                "备注": r.random() < 0.7}
        use = [c for c in cols if keep.get(c, True)]
        idx = {c: i for i, c in enumerate(use)}
        payday = r.randint(5, 25)
        method = r.choice(PAY_METHODS)
        n_month = int(n * 0.85)
        pool_n = max(1, n_month // max(1, len(months)))
        pool = []
        for _ in range(pool_n):
            proj = r.choice(WELFARE_MONTHLY)
            lo, hi = WELFARE_AMT[proj]
            pool.append((proj, self.person(),
                         self.id_number(1925, 1946) if proj == "高龄津贴" else self.id_number(),
                         r.randint(1, 7), Money(r.randint(lo // 100, hi // 100) * 100 + r.choice([0, 0, 0, 50]))))
        out = []

        def row(proj, name, idn, fam, amt, date):
            vals = {"项目": proj, "姓名": name, "身份证号": idn, "家庭人口": fam, "金额": amt, "发放日期": date,
                    "发放方式": method if r.random() < 0.9 else r.choice(PAY_METHODS), "备注": ""}
            if r.random() < 0.1:
                vals["备注"] = self.fill(r.choice(WELFARE_NOTES))
            if r.random() < 0.02:
                vals["身份证号"] = ""
            if r.random() < 0.03:
                vals["家庭人口"] = ""
            return [vals[c] for c in use]

        for ym in months:
            if len(out) >= n_month:
                break
            d = dt.date(ym[0], ym[1], min(payday, dim(*ym)))
            for p in pool:
                if r.random() < 0.03:
                    continue
                out.append(row(p[0], p[1], p[2], p[3], p[4], d))
        while len(out) < n:
            proj = r.choice(WELFARE_ONCE)
            lo, hi = WELFARE_AMT[proj]
            out.append(row(proj, self.person(), self.id_number(), r.randint(1, 8),
                           Money(r.randint(lo, hi)), self.rand_day(r.choice(months))))
        out = out[:n]
        di = idx["发放日期"]
        if r.random() < 0.7:
            out.sort(key=lambda x: x[di])
        self.write_table(vdir, "welfare", use, out, allow_multiline=True)

    def dates_span(self, lo=dt.date(2023, 1, 1), hi=dt.date(2026, 10, 31)):
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def assets(self, vdir, n):
        r = self.rng
        cols = ["编号", "名称", "类别", "数量", "单位", "原值", "购建日期", "位置", "状态", "承租方", "年收益"]
        prefix = r.choice(["ZC-", "ZC", "A", "资产-"])
        rows = []
        for i in range(n):
            name, unit, cat = r.choice(ASSET_NAMES)
            state = r.choice(ASSET_STATES) if cat == "经营性" else r.choice(["在用", "在用", "闲置", "报废"])
            tenant = (self.company() if r.random() < 0.5 else self.person()) if state == "出租" else ""
            income = self.amount(1000, 80000) if state == "出租" else (Money(0) if r.random() < 0.2 else "")
            rows.append([f"{prefix}{i + 1:04d}", name, cat, r.randint(1, 30) if r.random() < 0.9 else "", unit,
                         self.amount(300, 2000000), self.dates_span() if r.random() < 0.9 else "",
                         r.choice(GROUPS) + r.choice(SPOTS) if r.random() < 0.85 else "", state, tenant, income])
        self.write_table(vdir, "assets", cols, rows)

    def resources(self, vdir, n, contract_ids):
        r = self.rng
        cols = ["编号", "名称", "类型", "面积", "位置", "承包方", "合同编号", "开始日期", "结束日期", "年租金"]
        rows = []
        for i in range(n):
            t = r.choice(RES_TYPES)
            area = r.choice([str(r.randint(1, 300)), f"{r.uniform(0.3, 300):.2f}", f"{r.uniform(0.3, 300):.1f}"])
            leased = r.random() < 0.6
            s = self.dates_span() if leased else ""
            e = (s + dt.timedelta(days=365 * r.randint(1, 10) - 1)) if leased else ""
            rows.append([f"ZY{i + 1:04d}", f"{r.choice(SPOTS)}{t}{r.randint(1, 30)}号地块", t, area,
                         r.choice(GROUPS), (self.person() if r.random() < 0.7 else self.company()) if leased else "",
                         (r.choice(contract_ids) if contract_ids and r.random() < 0.5 else f"ZL-{r.randint(1, 999):03d}") if leased else "",
                         s, e, self.amount(200, 60000) if leased else ""])
        self.write_table(vdir, "resources", cols, rows)

    def contracts(self, vdir, n, files):
        r = self.rng
        cols = ["合同编号", "名称", "相对方", "类型", "金额", "签订日期", "开始日期", "结束日期", "状态", "附件"]
        att = r.random() < 0.6
        rows = []
        ids = []
        for i in range(n):
            typ = r.choice(CONTRACT_TYPES)
            name = {
                "发包": f"{r.choice(SPOTS)}集体耕地承包合同", "租赁": f"村集体{r.choice(['门面房', '仓库', '冷库'])}租赁合同",
                "工程": f"{r.choice(SPOTS)}{r.choice(PROJ_WORDS)}工程施工合同", "采购": f"{r.choice(['办公设备', '防汛物资', '健身器材'])}采购合同",
                "服务": f"{r.choice(['环境卫生保洁', '财务代理记账', '法律顾问'])}服务合同", "其他": "村集体合作协议",
            }[typ]
            signed = self.dates_span()
            start = signed + dt.timedelta(days=r.randint(0, 30))
            end = start + dt.timedelta(days=r.choice([0, r.randint(30, 365), r.randint(365, 3650)]))
            state = "已完成" if end < AS_OF and r.random() < 0.8 else r.choice(CONTRACT_STATES)
            cid = f"HT{signed.year}-{i + 1:03d}"
            ids.append(cid)
            fn = ""
            if att and r.random() < 0.3:
                fn = r.choice([f"contract-{cid.lower()}.pdf", f"合同{cid}.pdf"])
                files[fn] = "pdf"
            rows.append([cid, name, self.company() if r.random() < 0.7 else self.person(),
                         typ if r.random() < 0.95 else "", self.amount(500, 3000000), signed,
                         start if r.random() < 0.9 else "", end if r.random() < 0.9 else "",
                         state if r.random() < 0.95 else "", fn])
        use = cols if att else cols[:-1]
        rows = [row[: len(use)] for row in rows]
        self.write_table(vdir, "contracts", use, rows)
        return ids

    def projects(self, vdir, n, files):
        r = self.rng
        cols = ["项目编号", "名称", "类别", "资金来源", "预算金额", "已拨付金额", "实施单位", "开工日期",
                "计划完工日期", "实际完工日期", "进度", "状态", "备注", "附件"]
        rows = []
        for i in range(n):
            cat = r.choice(PROJ_CATS)
            state = r.choice(PROJ_STATES)
            budget = self.amount(5000, 5000000)
            start = self.dates_span(hi=dt.date(2026, 9, 30))
            plan = start + dt.timedelta(days=r.randint(30, 400))
            actual = ""
            if state == "计划中":
                prog, paid = 0, Money(0)
            elif state == "施工中":
                prog = r.randint(5, 95)
                paid = Money(int(budget) * prog // 100)
            else:
                prog = 100
                paid = Money(int(budget) * r.randint(80, 100) // 100)
                actual = min(start + dt.timedelta(days=r.randint(20, 420)), dt.date(2026, 10, 31))
            fn = ""
            if r.random() < 0.25:
                fn = r.choice([f"xm-{i + 1:03d}-yanshou.pdf", f"项目{i + 1}现场照片.png"])
                files[fn] = "png" if fn.endswith(".png") else "pdf"
            rows.append([f"XM-{start.year}-{i + 1:03d}", f"{r.choice(SPOTS)}{r.choice(PROJ_WORDS)}项目", cat,
                         r.choice(FUND_SOURCES), budget, paid if r.random() < 0.9 else "",
                         self.company() if r.random() < 0.8 else "村民委员会",
                         start if state != "计划中" else "", plan, actual, prog, state,
                         r.choice(["", "", "已完成招标", "“四议两公开”程序已履行", "受雨季影响工期顺延"]), fn])
        self.write_table(vdir, "projects", cols, rows, allow_multiline=True)

    def notices(self, vdir, n, files):
        r = self.rng
        ndir = os.path.join(vdir, "notices")
        os.makedirs(ndir)
        used = set()
        for i in range(n):
            cat = r.choice(["党务", "村务", "财务"])
            slug_t, title_t = r.choice(NOTICE_TOPICS[cat])
            d = self.dates_span()
            if i == 0 and r.random() < 0.3:
                d = dt.date(2026, 10, r.randint(20, 31))
            slug = f"{d.year}-{d.month:02d}-{slug_t}"
            k = 2
            while slug in used:
                slug = f"{d.year}-{d.month:02d}-{slug_t}-{k}"
                k += 1
            used.add(slug)
            title = f"{d.year}年{r.choice(['第一季度', '第二季度', '第三季度', '第四季度', str(d.month) + '月', '度'])}{title_t}"
            fm = ["---"]
            fm.append(f"标题: {yq(title, force=r.choice(['plain', 'plain', 'double']))}")
            fm.append(f"类别: {cat}" + (" # 党务、村务或财务" if r.random() < 0.2 else ""))
            fm.append(f"日期: {d.isoformat()}")
            x = r.random()
            if i == 0 and d >= dt.date(2026, 10, 20):
                # window running over the as-of date (公示中) or starting after it (未开始)
                s = d if r.random() < 0.7 else dt.date(2026, 12, 1)
                fm.append(f"公示开始: {s.isoformat()}")
                fm.append(f"公示结束: {(s + dt.timedelta(days=r.randint(40, 50))).isoformat()}")
            elif x < 0.45:
                s = d + dt.timedelta(days=r.randint(0, 2))
                e = s + dt.timedelta(days=r.choice([5, 7, 10, 15]))
                fm.append(f"公示开始: {s.isoformat()}")
                fm.append(f"公示结束: {e.isoformat()}")
            elif x < 0.55:
                fm.append(f"公示开始: {d.isoformat()}")
            elif x < 0.6:
                fm.append(f"公示结束: {(d + dt.timedelta(days=7)).isoformat()}")
            att = []
            if r.random() < 0.3:
                for j in range(r.randint(1, 2)):
                    fn = r.choice([f"{slug}-{j + 1}.pdf", f"{slug}-scan-{j + 1}.png", f"公示扫描件-{slug}-{j + 1}.pdf"])
                    if fn not in att:
                        att.append(fn)
                        files[fn] = "png" if fn.endswith(".png") else "pdf"
                if r.random() < 0.5:
                    fm.append("附件: [" + ", ".join(att) + "]")
                else:
                    fm.append("附件:")
                    fm += [f"  - {a}" for a in att]
            fm.append("---")
            body = [""]
            body.append(f"## {title_t}")
            body.append("")
            body.append(f"根据《{r.choice(['村民委员会组织法', '农村集体经济组织财务制度', '陕西省村务公开条例'])}》有关规定，"
                        f"经{r.choice(['村两委会议', '村民代表会议', '党员大会'])}研究，现将有关情况公示如下：")
            body.append("")
            for j in range(r.randint(2, 5)):
                body.append(f"{j + 1}. {self.person()}，{r.choice(GROUPS)}，{r.choice(['符合条件', '同意', '已完成', '按标准发放'])}")
            body.append("")
            if r.random() < 0.5:
                body.append("| 项目 | 金额（元） | 备注 |")
                body.append("|---|---:|---|")
                for _ in range(r.randint(2, 6)):
                    body.append(f"| {r.choice(PROJ_WORDS)} | {fmt_money(int(self.amount(100, 500000)), 'comma')} | {r.choice(['', '已支付', '待支付'])} |")
                body.append("")
            if r.random() < 0.5:
                body.append("### 监督方式")
                body.append("")
                body.append("- 电话：0913-12388")
                body.append("- 网上举报：[码上监督](https://jubao.example.gov.cn/heyang)")
                if r.random() < 0.3:
                    body.append("- 邮箱：[jiwei@example.com](mailto:jiwei@example.com)")
                body.append("")
            body.append(f"公示期间如有异议，请向村务监督委员会反映。*{self.person()}* 负责解释。")
            body.append("")
            body.append(f"{r.choice(['村党支部', '村民委员会', '村务监督委员会'])}")
            body.append(f"{d.year}年{d.month}月{d.day}日")
            text = "\n".join(fm + body) + "\n"
            self.write_text(os.path.join(ndir, slug + ".md"), text, r.random() < 0.2)
            self.stats["notices"] += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--villages", type=int, default=200)
    ap.add_argument("--records", type=int, default=470000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    os.makedirs(a.out, exist_ok=True)
    stats = Gen(a.out, a.villages, a.records, a.seed).run()
    stats["total_table_rows"] = sum(stats["rows"].values())
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(stats, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
