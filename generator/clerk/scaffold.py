"""``new``: a new village folder whose ``village.yaml`` passes ``check`` at once.

The file carries the required keys filled in and every optional key as a commented example,
so a clerk fills it by deleting ``#`` signs rather than by looking up key names.
"""

from __future__ import annotations

import logging
from pathlib import Path

from generator.errors import UsageError
from generator.read.validate import SLUG
from generator.read.yamltext import load_yaml

log = logging.getLogger(__name__)

VILLAGE_YAML = """\
# 村居概况。以 # 开头的行不会被读取：要填写哪一项，就删掉那一行开头的 # 和空格。
# 冒号用英文半角“:”，冒号后面空一格；不要用 Tab 缩进。
名称: {name}
类型: {kind}            # 村 或 社区
代码: {code}  # 12 位行政区划代码
# 简介: 本村位于……（可以写多段，见下面“村规民约”的写法）
# 户数: 298
# 人口: 1036
# 党员人数: 42
# 面积: 3.6           # 平方千米
# 耕地面积: 2150      # 亩
# 地址: 青禾县东关镇{name}村委会
# 办公时间: 8:30-17:30
# 电话: 0371-12345678  # 对外公开的办公电话
# 照片: cunbu.jpg     # 放在 files/ 文件夹里的照片
# 村规民约: |
#   一、爱党爱国，遵纪守法。
#   二、移风易俗，红白事从简。
# 干部:
#   - 姓名: 王建国
#     职务: 党支部书记、村委会主任
#     分工: 全面工作
#     电话: 0371-12345678  # 公开的值班电话，会原样公开
"""


def _yaml_fields(path: Path) -> dict[str, str]:
    """The 名称 and 代码 of a county/township/village YAML file, those it has readable."""
    try:
        data, problems = load_yaml(path.read_text(encoding="utf-8-sig"), path.name)
    except (OSError, UnicodeDecodeError):
        return {}
    if problems or not hasattr(data, "get"):
        return {}
    return {k: str(data.get(k)) for k in ("名称", "代码") if data.get(k) is not None}  # type: ignore[union-attr]


def new_village(data: Path, where: str, name: str, code: str, kind: str | None = None) -> Path:
    """Create ``data/<county>/<township>/<village>/village.yaml``; refuse (UsageError, in
    Chinese) anything ``check`` would refuse: bad slugs, a missing county or township, a
    code that is not 12 digits or not under the township's, a name or code another village
    of the county already has, an existing folder."""
    parts = [p for p in where.replace("\\", "/").strip("/").split("/") if p]
    if len(parts) != 3:
        raise UsageError(f"“{where}”应写成 县/乡镇/村，例如 qinghe-xian/dongguan-zhen/liuzhuang-cun")
    for p in parts:
        if not SLUG.match(p):
            raise UsageError(f"文件夹名“{p}”不合规：只能用小写英文字母、数字和 -（如拼音 liuzhuang-cun）")
    county, town, slug = parts
    cdir, tdir = data / county, data / county / town
    if not (cdir / "county.yaml").is_file():
        raise UsageError(f"{data}/{county}/county.yaml 不存在：请先建好县的文件夹")
    if not (tdir / "township.yaml").is_file():
        raise UsageError(f"{data}/{county}/{town}/township.yaml 不存在：请先建好乡镇的文件夹")
    vdir = tdir / slug
    if vdir.exists():
        raise UsageError(f"{vdir} 已经存在，没有改动它")
    name = name.strip()
    if not name:
        raise UsageError("--name 不能为空")
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        raise UsageError(f"代码“{code}”应为 12 位数字（村级行政区划代码）")
    town_code = _yaml_fields(tdir / "township.yaml").get("代码")
    if town_code and not code.startswith(town_code):
        raise UsageError(f"代码“{code}”不在本乡镇的代码 {town_code} 之下（前 9 位应相同）")
    for other in sorted(cdir.glob("*/*/village.yaml")):
        rel = other.parent.relative_to(data).as_posix()
        fields = _yaml_fields(other)
        if fields.get("名称") == name:
            raise UsageError(f"本县的 {rel} 已经叫“{name}”：请换一个名称，或改那个村的文件夹")
        if fields.get("代码") == code:
            raise UsageError(f"本县的 {rel} 已经用了代码 {code}")
    kind = kind or ("社区" if name.endswith("社区") else "村")
    vdir.mkdir(parents=True)
    (vdir / "village.yaml").write_bytes(
        VILLAGE_YAML.format(name=name, kind=kind, code=code).encode("utf-8"))
    log.debug("created %s", vdir)
    return vdir
