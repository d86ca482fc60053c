"""The record schema, declared once, as data.

Every file a clerk edits is described here: its Chinese field labels, the
attribute name used in code, the value type, whether it is required, the
allowed words and a help text.  The validator, the data dictionary page and
the open-data downloads all read this one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

# value kinds understood by generator.validate
TEXT = "text"  # one line of text (scanned for personal data when free_text)
MARKDOWN = "markdown"  # clerk-written Markdown, sanitized
MONEY = "money"  # yuan, 2 decimals
DATE = "date"
MONTH = "month"
INT = "int"
NUMBER = "number"  # non-negative decimal
IDNO = "id"  # 身份证号, masked on publication
ENUM = "enum"
FILE = "file"  # a file name in files/
FILES = "files"  # a list of file names in files/
TEXTLIST = "textlist"  # a YAML list of strings
URL = "url"  # http(s) URL
RECORDS = "records"  # a YAML list of mappings (sub-schema)


@dataclass(frozen=True)
class Field:
    label: str
    attr: str
    kind: str = TEXT
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    unit: str = ""
    lo: int | None = None
    hi: int | None = None
    digits: int | None = None  # exact number of digits (administrative codes)
    unique: bool = False
    free_text: bool = False  # scan for ID / bank card numbers and mask them
    sub: tuple[Field, ...] = ()  # for RECORDS


@dataclass(frozen=True)
class FileSpec:
    stem: str
    label: str
    shape: str  # "table" (csv/xlsx), "mapping" (yaml mapping), "list" (yaml list of mappings)
    fields: tuple[Field, ...]
    help: str = ""

    def by_label(self) -> dict[str, Field]:
        return {f.label: f for f in self.fields}


F = Field

_ADMIN_COMMON = (
    F("名称", "name", required=True, help="显示名称，如 青禾县 / 东关镇"),
    F("简介", "intro", MARKDOWN, free_text=True, help="Markdown 格式的简介"),
    F("地址", "address", help="办公地址"),
    F("电话", "phone", help="对外公开的办公电话"),
)

COUNTY = FileSpec(
    "county", "县（市、区）信息", "mapping",
    (
        _ADMIN_COMMON[0],
        F("代码", "code", required=True, digits=6, help="6 位行政区划代码"),
        *_ADMIN_COMMON[1:],
        F("网址", "url", URL, help="本县网站的公开网址，用于二维码、网站地图和订阅"),
        F("监督电话", "hotline", required=True, help="监督举报电话，每页都显示，如 0371-12388"),
        F("举报网址", "report_url", URL, help="网上举报平台（码上监督）网址，显示为“我要监督”"),
        F("个人信息公示天数", "privacy_days", INT, lo=1, unit="天",
          help="惠民资金发放日期早于构建日期这么多天的记录，不再公开姓名和身份证号，只公开人数和金额"),
        F("重大事项金额", "major_amount", MONEY, unit="元",
          help="达到此金额的支出须经“四议两公开”（内部比对的“拆分支付”规则使用），默认 5000 元"),
        F("财务公开期限日", "deadline_day", INT, lo=1, hi=28, unit="日",
          help="每月收支明细和资金余额应在下月这一天之前公开，默认 10"),
        F("修改已公开记录提示天数", "stale_edit_days", INT, lo=1, unit="天",
          help="修改公开已超过这么多天的记录，在更新记录中标为“修改旧记录”，默认 30"),
    ),
    help="县级站点的基本信息",
)

CITY = FileSpec(
    "city", "市（城市门户）信息", "mapping",
    (
        F("名称", "name", required=True, help="城市门户显示的名称，如 郑州市"),
        F("网址", "url", URL, help="城市门户（网站根目录）的公开网址"),
        F("监督举报电话", "hotline", help="全市监督举报电话，显示在城市首页和全市搜索页，如 0371-12388"),
        F("举报网址", "report_url", URL, help="全市网上举报平台网址，显示为“我要监督”"),
    ),
    help="数据文件夹顶层的 city.yaml（可选）：城市门户首页 index.html 和全市搜索 search/ 的名称与举报渠道",
)

TOWNSHIP = FileSpec(
    "township", "乡镇（街道）信息", "mapping",
    (
        _ADMIN_COMMON[0],
        F("代码", "code", required=True, digits=9, help="9 位乡级行政区划代码"),
        *_ADMIN_COMMON[1:],
    ),
)

CADRE = (
    F("姓名", "name", required=True),
    F("职务", "title", help="如 党支部书记、村委会主任"),
    F("分工", "duty"),
    F("电话", "phone", help="公开的值班电话，按原样公开"),
)

VILLAGE = FileSpec(
    "village", "村居概况", "mapping",
    (
        F("名称", "name", required=True, help="如 刘庄村"),
        F("类型", "kind", ENUM, required=True, choices=("村", "社区")),
        F("代码", "code", required=True, digits=12, help="12 位行政区划代码"),
        F("简介", "intro", MARKDOWN, free_text=True),
        F("户数", "households", INT, lo=0, unit="户"),
        F("人口", "population", INT, lo=0, unit="人"),
        F("党员人数", "party_members", INT, lo=0, unit="人"),
        F("面积", "area", NUMBER, unit="平方千米"),
        F("耕地面积", "farmland", NUMBER, unit="亩"),
        F("地址", "address"),
        F("办公时间", "hours"),
        F("电话", "phone"),
        F("村规民约", "rules", MARKDOWN, free_text=True),
        F("照片", "photo", FILE, help="files/ 中的照片文件名"),
        F("干部", "cadres", RECORDS, sub=CADRE, help="村两委干部：姓名、职务、分工、电话"),
    ),
)

POWERS = FileSpec(
    "powers", "权责清单", "list",
    (
        F("名称", "name", required=True),
        F("类别", "category"),
        F("依据", "basis", free_text=True, help="政策依据"),
        F("责任主体", "owner"),
        F("流程", "steps", TEXTLIST, required=True, help="办理流程，每步一行，页面上画成流程图"),
        F("时限", "time_limit"),
        F("风险点", "risks", TEXTLIST, free_text=True),
        F("防控措施", "measures", TEXTLIST, free_text=True),
        F("监督电话", "phone"),
    ),
)

SERVICES = FileSpec(
    "services", "预约办事", "list",
    (
        F("名称", "name", required=True),
        F("所需材料", "materials", TEXTLIST),
        F("办理流程", "steps", TEXTLIST),
        F("办理时限", "time_limit"),
        F("地点", "place"),
        F("办公时间", "hours"),
        F("联系人", "contact"),
        F("电话", "phone"),
        F("预约方式", "booking", help="文字说明或网址"),
    ),
)

FINANCE = FileSpec(
    "finance", "财务收支明细", "table",
    (
        F("日期", "date", DATE, required=True),
        F("凭证号", "voucher"),
        F("类型", "kind", ENUM, required=True, choices=("收入", "支出")),
        F("科目", "subject", required=True, help="如 经营收入、补助收入、管理费用、公益支出"),
        F("摘要", "memo", required=True, free_text=True),
        F("金额", "amount", MONEY, required=True, unit="元"),
        F("经手人", "handler"),
        F("审批人", "approver"),
        F("附件", "attachment", FILE, help="files/ 中的票据扫描件"),
    ),
)

BALANCES = FileSpec(
    "balances", "资金月度余额", "table",
    (
        F("月份", "month", MONTH, required=True),
        F("期初余额", "opening", MONEY, required=True, unit="元"),
        F("本月收入", "income", MONEY, required=True, unit="元"),
        F("本月支出", "expense", MONEY, required=True, unit="元"),
        F("期末余额", "closing", MONEY, required=True, unit="元"),
    ),
    help="各月连续；期初余额 + 本月收入 − 本月支出 = 期末余额",
)

ASSETS = FileSpec(
    "assets", "资产台账", "table",
    (
        F("编号", "code", required=True, unique=True),
        F("名称", "name", required=True),
        F("类别", "category", ENUM, required=True, choices=("经营性", "非经营性")),
        F("数量", "quantity", NUMBER),
        F("单位", "unit"),
        F("原值", "value", MONEY, unit="元"),
        F("购建日期", "acquired", DATE),
        F("位置", "location"),
        F("状态", "status", ENUM, choices=("在用", "闲置", "出租", "报废")),
        F("承租方", "lessee"),
        F("年收益", "income", MONEY, unit="元"),
    ),
)

RESOURCES = FileSpec(
    "resources", "资源台账", "table",
    (
        F("编号", "code", required=True, unique=True),
        F("名称", "name", required=True),
        F("类型", "kind", ENUM, required=True,
          choices=("耕地", "林地", "园地", "水面", "草地", "建设用地", "未利用地", "其他")),
        F("面积", "area", NUMBER, required=True, unit="亩"),
        F("位置", "location"),
        F("承包方", "contractor"),
        F("合同编号", "contract_no"),
        F("开始日期", "start", DATE),
        F("结束日期", "end", DATE),
        F("年租金", "rent", MONEY, unit="元"),
    ),
)

CONTRACTS = FileSpec(
    "contracts", "合同", "table",
    (
        F("合同编号", "code", required=True, unique=True),
        F("名称", "name", required=True),
        F("相对方", "party", required=True),
        F("类型", "kind", ENUM, choices=("发包", "租赁", "工程", "采购", "服务", "其他")),
        F("金额", "amount", MONEY, required=True, unit="元"),
        F("签订日期", "signed", DATE, required=True),
        F("开始日期", "start", DATE),
        F("结束日期", "end", DATE),
        F("状态", "status", ENUM, choices=("履行中", "已完成", "已终止")),
        F("附件", "attachment", FILE),
    ),
)

WELFARE = FileSpec(
    "welfare", "惠民资金发放明细", "table",
    (
        F("项目", "program", ENUM, required=True,
          choices=("低保", "特困供养", "临时救助", "高龄津贴", "残疾人两项补贴",
                   "耕地地力保护补贴", "危房改造补助", "其他")),
        F("姓名", "name", required=True),
        F("身份证号", "idno", IDNO, help="公开时只显示前 6 位和后 4 位"),
        F("家庭人口", "household", INT, lo=1, unit="人"),
        F("金额", "amount", MONEY, required=True, unit="元"),
        F("发放日期", "paid", DATE, required=True),
        F("发放方式", "method"),
        F("备注", "note", free_text=True),
    ),
)

PROJECTS = FileSpec(
    "projects", "民生项目", "table",
    (
        F("项目编号", "code", required=True, unique=True),
        F("名称", "name", required=True),
        F("类别", "category", ENUM,
          choices=("道路", "水利", "饮水", "环境整治", "教育", "医疗", "文化", "其他")),
        F("资金来源", "source"),
        F("预算金额", "budget", MONEY, required=True, unit="元"),
        F("已拨付金额", "paid", MONEY, unit="元"),
        F("实施单位", "builder"),
        F("开工日期", "start", DATE),
        F("计划完工日期", "planned_end", DATE),
        F("实际完工日期", "actual_end", DATE),
        F("进度", "progress", INT, lo=0, hi=100, unit="%"),
        F("状态", "status", ENUM, choices=("计划中", "施工中", "已完工", "已验收")),
        F("备注", "note", free_text=True),
        F("附件", "attachment", FILE),
    ),
)

NOTICE = FileSpec(
    "notices", "公告公示", "mapping",
    (
        F("标题", "title", required=True, free_text=True),
        F("类别", "category", ENUM, required=True, choices=("党务", "村务", "财务")),
        F("日期", "date", DATE, required=True),
        F("公示开始", "start", DATE),
        F("公示结束", "end", DATE),
        F("附件", "attachments", FILES),
    ),
    help="notices/ 下的 .md 文件：开头是 --- 包围的字段，之后是 Markdown 正文",
)

TABLES: dict[str, FileSpec] = {
    s.stem: s for s in (FINANCE, BALANCES, ASSETS, RESOURCES, CONTRACTS, WELFARE, PROJECTS)
}
ALL_SPECS: tuple[FileSpec, ...] = (
    COUNTY, TOWNSHIP, VILLAGE, POWERS, FINANCE, BALANCES, ASSETS, RESOURCES, CONTRACTS,
    WELFARE, PROJECTS, SERVICES, NOTICE,
)

KIND_LABELS = {
    TEXT: "文字", MARKDOWN: "Markdown 文字", MONEY: "金额", DATE: "日期", MONTH: "月份",
    INT: "整数", NUMBER: "数字", IDNO: "身份证号（公开时打码）", ENUM: "限定选项", FILE: "附件文件名",
    FILES: "附件文件名列表", TEXTLIST: "列表", URL: "网址", RECORDS: "列表（每项含多个字段）",
}


# What each kind accepts, as a clerk reads it (the 说明 sheet and the dictionary page).
ACCEPTED: dict[str, str] = {
    TEXT: "文字",
    MONEY: "金额（元），如 1234.5、1,234.50、￥1,234.50、1234.50元；最多两位小数，不能为负数",
    DATE: "日期，如 2025-03-05、2025/3/5、2025.3.5、2025年3月5日，或 Excel 日期格式",
    MONTH: "月份，如 2025-03、2025/3、2025年3月",
    INT: "整数",
    NUMBER: "数字（可带小数），不能为负数",
    IDNO: "18 位身份证号（最后一位可以是 X），校验位必须正确；网站上只显示前 6 位和后 4 位",
    ENUM: "只能填列出的选项之一（Excel 模板里有下拉列表）",
    MARKDOWN: "Markdown 文字：空一行分段，**两个星号**加粗，“- ”开头是列表；HTML 不会生效",
    TEXTLIST: "列表：每项一行，以“- ”（减号加空格）开头",
    FILE: "files/ 文件夹里的文件名，如 fapiao-2026-10-018.pdf",
    FILES: "files/ 文件夹里的文件名，多个用“；”分隔",
    URL: "以 http:// 或 https:// 开头的网址",
}


def column_help(f: Field) -> str:
    """One line on what a column takes: its kind's accepted forms, unit, limits, choices."""
    parts = [ACCEPTED.get(f.kind, KIND_LABELS.get(f.kind, ""))]
    if f.choices:
        parts.append("可选：" + "、".join(f.choices))
    if f.unit and f.kind not in (MONEY,):
        parts.append(f"单位：{f.unit}")
    if f.lo is not None or f.hi is not None:
        lo = "" if f.lo is None else f"不小于 {f.lo}"
        hi = "" if f.hi is None else f"不大于 {f.hi}"
        parts.append("，".join(x for x in (lo, hi) if x))
    if f.unique:
        parts.append("本村内不能重复")
    return "；".join(p for p in parts if p)
