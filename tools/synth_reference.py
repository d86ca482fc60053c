#!/usr/bin/env python3
"""Deterministic synthetic reference tables for the audit (``build.py audit --reference``).

    python tools/synth_reference.py --data DATA --out REFDIR [--county SLUG]
        [--deaths 100000] [--payroll 300000] [--companies 50000] [--share 0.01] [--seed 1]

Writes 死亡人员.csv, 财政供养人员.csv, 干部及亲属.csv, 企业登记.csv and 补助标准.csv (UTF-8)
at realistic sizes (the defaults: what a county discipline commission can obtain). A share
of the rows (``--share``, default 1 %) is drawn from the ID numbers found in the data folder's
welfare.csv files and from its contracts' 相对方, so the rules have real matches to join;
the rest are fresh, valid ID numbers (many with the same names: namesakes). Stdlib only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import logging
import random
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰桂兰志强海燕"
_UNITS = ("县教育局", "县卫健委", "县水利局", "县农业农村局", "县人民医院", "县第一中学", "乡镇政府",
          "县财政局", "县公安局", "县自然资源局")
_RELATIONS = ("配偶", "子女", "父母", "兄弟姐妹", "配偶父母")
STANDARDS = (("低保", "980.00"), ("特困供养", "1200.00"), ("临时救助", "5000.00"),
             ("高龄津贴", "300.00"), ("残疾人两项补贴", "200.00"))


def check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def new_id(r: random.Random, area: str) -> str:
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=r.randrange(75 * 365))
    first17 = f"{area}{birth:%Y%m%d}{r.randrange(1000):03d}"
    return first17 + check_digit(first17)


def name(r: random.Random) -> str:
    return r.choice(_SURNAMES) + "".join(r.choice(_GIVEN) for _ in range(r.choice((1, 2))))


def scan(data: Path, county: str | None) -> tuple[list[str], list[str], list[str], str]:
    """ID numbers of welfare rows, contract parties and village codes found in ``data``."""
    ids: set[str] = set()
    parties: set[str] = set()
    codes: list[str] = []
    area = "419901"
    for cdir in sorted(p for p in data.iterdir() if p.is_dir()):
        if county and cdir.name != county:
            continue
        for vdir in sorted(p for p in cdir.glob("*/*") if p.is_dir()):
            y = vdir / "village.yaml"
            if y.is_file():
                for ln in y.read_text(encoding="utf-8").splitlines():
                    if ln.startswith("代码:"):
                        codes.append(ln.split(":", 1)[1].strip().strip("'\""))
            w = vdir / "welfare.csv"
            if w.is_file():
                with open(w, encoding="utf-8-sig", newline="") as fh:
                    for row in csv.DictReader(fh):
                        if len(row.get("身份证号") or "") == 18:
                            ids.add(row["身份证号"].upper())
            c = vdir / "contracts.csv"
            if c.is_file():
                with open(c, encoding="utf-8-sig", newline="") as fh:
                    parties.update(row["相对方"] for row in csv.DictReader(fh) if row.get("相对方"))
    if ids:
        area = sorted(ids)[0][:6]
    return sorted(ids), sorted(parties), codes, area


def write(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def generate(data: Path, out: Path, county: str | None, deaths: int, payroll: int,
             companies: int, share: float, seed: int) -> dict[str, int]:
    r = random.Random(int.from_bytes(hashlib.sha256(f"ref-{seed}".encode()).digest()[:8], "big"))
    ids, parties, codes, area = scan(data, county)
    out.mkdir(parents=True, exist_ok=True)

    def drawn(n: int) -> list[str]:
        k = min(len(ids), int(n * share))
        return r.sample(ids, k) + [new_id(r, area) for _ in range(n - k)]

    start = dt.date(2020, 1, 1)
    write(out / "死亡人员.csv", ("姓名", "身份证号", "死亡日期"),
          [(name(r), i, (start + dt.timedelta(days=r.randrange(6 * 365))).isoformat())
           for i in drawn(deaths)])
    write(out / "财政供养人员.csv", ("姓名", "身份证号", "单位"),
          [(name(r), i, r.choice(_UNITS)) for i in drawn(payroll)])
    cadre_rows: list[tuple[str, ...]] = []
    cadre_ids: list[str] = []
    for code in codes:
        for _ in range(5):  # 村两委 members
            cid = new_id(r, area)
            cadre_ids.append(cid)
            cadre_rows.append((code, name(r), cid, "", "", ""))
            for _ in range(r.randint(1, 3)):
                rid = r.choice(ids) if ids and r.random() < share else new_id(r, area)
                cadre_ids.append(rid)
                cadre_rows.append((code, cadre_rows[-1][1], cid, name(r), rid, r.choice(_RELATIONS)))
    write(out / "干部及亲属.csv", ("村", "干部姓名", "干部身份证号", "亲属姓名", "亲属身份证号", "关系"),
          cadre_rows)
    company_rows = []
    for n in range(companies):
        if parties and r.random() < share:
            cname = r.choice(parties)
        else:
            cname = f"{r.choice(_SURNAMES)}{r.choice(_GIVEN)}{n:05d}商贸有限公司"
        legal = r.choice(cadre_ids) if cadre_ids and r.random() < share else new_id(r, area)
        holders = ";".join(new_id(r, area) for _ in range(r.randint(0, 3)))
        code = f"91{area}MA{n:08d}"
        company_rows.append((cname, code, name(r), legal, holders))
    write(out / "企业登记.csv", ("企业名称", "统一社会信用代码", "法定代表人", "法定代表人身份证号",
                               "股东身份证号"), company_rows)
    write(out / "补助标准.csv", ("项目", "月标准金额上限"), list(STANDARDS))
    return {"死亡人员": deaths, "财政供养人员": payroll, "干部及亲属": len(cadre_rows),
            "企业登记": companies, "welfare IDs seen": len(ids)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="synthetic data folder (tools/synth.py)")
    p.add_argument("--out", type=Path, required=True, help="reference folder to write")
    p.add_argument("--county", default=None, help="draw IDs from this county only")
    p.add_argument("--deaths", type=int, default=100_000)
    p.add_argument("--payroll", type=int, default=300_000)
    p.add_argument("--companies", type=int, default=50_000)
    p.add_argument("--share", type=float, default=0.01, help="share of rows drawn from the data")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    counts = generate(a.data, a.out, a.county, a.deaths, a.payroll, a.companies, a.share, a.seed)
    print(", ".join(f"{k}: {v:,}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
