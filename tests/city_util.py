"""Three small counties for the city portal tests (copies of tests/cases/ok-minimal with their
own slugs, names, codes and one memo each that only that county has)."""

from __future__ import annotations

import shutil
from pathlib import Path

TESTS = Path(__file__).resolve().parent
MINIMAL = TESTS / "cases" / "ok-minimal" / "data" / "qinghe-xian"

# slug, name, 6-digit code, township slug, township name, village slug, village name, memo
COUNTIES = (
    ("beihe-xian", "北河县", "419902", "beiguan-zhen", "北关镇", "beipo-cun", "北坡村", "购买锄头镰刀"),
    ("nanshan-qu", "南山区", "419903", "nanling-xiang", "南岭乡", "longwang-cun", "龙王村",
     "修缮龙王庙屋顶"),
    ("xiling-shi", "西岭市", "419904", "xihu-jiedao", "西湖街道", "hehua-cun", "荷花村", "清理荷花塘淤泥"),
)
CITY_YAML = "名称: 河岭市\n监督举报电话: 0379-12388\n举报网址: https://jubao.heling.example.gov.cn/\n"


def make_counties(data: Path, *, city: bool = True) -> list[str]:
    """Write the three counties (and city.yaml) into ``data``; returns their slugs."""
    data.mkdir(parents=True, exist_ok=True)
    for slug, name, code, tslug, tname, vslug, vname, memo in COUNTIES:
        county = data / slug
        shutil.rmtree(county, ignore_errors=True)
        village = county / tslug / vslug
        shutil.copytree(MINIMAL / "dongguan-zhen" / "liuzhuang-cun", village)
        (county / "county.yaml").write_text(
            f"名称: {name}\n代码: '{code}'\n监督电话: 0379-6{code[-1]}12388\n"
            f"网址: https://ydt.{slug}.example.gov.cn/\n", "utf-8")
        (county / tslug / "township.yaml").write_text(f"名称: {tname}\n代码: {code}100\n", "utf-8")
        (village / "village.yaml").write_text(
            f"名称: {vname}\n类型: 村\n代码: {code}100201\n办公时间: 8:30-17:30\n", "utf-8")
        fin = village / "finance.csv"
        fin.write_text(fin.read_text("utf-8").replace("支付村部电费", memo), "utf-8")
    if city:
        (data / "city.yaml").write_text(CITY_YAML, "utf-8")
    return [c[0] for c in COUNTIES]
