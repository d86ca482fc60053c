"""tools/synth.py: deterministic synthetic data in the DATA-FORMAT.md layout."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from tool_loader import load_tool

ROOT = Path(__file__).resolve().parents[1]
SYNTH = ROOT / "tools" / "synth.py"
TINY = ["--counties", "1", "--townships", "2", "--villages", "2", "--records", "200"]
RECORD_FILES = ("finance", "welfare", "assets", "resources", "contracts", "projects")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


synth = load_tool("synth")


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _yuan(text: str) -> Decimal:
    value = Decimal(text)
    assert value >= 0 and value == value.quantize(Decimal("0.01")), text
    return value


def _villages(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/*/*/village.yaml"))


def _assert_reconciles(village: Path) -> None:
    totals: dict[str, list[Decimal]] = {}
    for row in _rows(village / "finance.csv"):
        dt.date.fromisoformat(row["日期"])
        pair = totals.setdefault(row["日期"][:7], [Decimal(0), Decimal(0)])
        pair[0 if row["类型"] == "收入" else 1] += _yuan(row["金额"])
        assert row["类型"] in ("收入", "支出")
    balances = _rows(village / "balances.csv")
    assert len(balances) == 24
    previous_close = None
    previous_month = None
    for row in balances:
        year, month = map(int, row["月份"].split("-"))
        if previous_month is not None:
            assert (year * 12 + month) - previous_month == 1, row
        previous_month = year * 12 + month
        opening, income, expense, closing = (
            _yuan(row[k]) for k in ("期初余额", "本月收入", "本月支出", "期末余额"))
        assert opening + income - expense == closing, row
        if previous_close is not None:
            assert opening == previous_close, row
        previous_close = closing
        assert [income, expense] == totals.get(row["月份"], [Decimal(0), Decimal(0)]), row
    # Every ledger month is covered by a balance row.
    assert set(totals) <= {row["月份"] for row in balances}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SYNTH), *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    result = _run("--out", str(out), *TINY)
    assert result.returncode == 0, result.stderr
    assert "村 4" in result.stdout and "记录" in result.stdout and "字节" in result.stdout
    return out


def test_layout_and_slugs(tiny: Path) -> None:
    villages = _villages(tiny)
    assert [v.relative_to(tiny).as_posix() for v in villages] == [
        "county-01/town-01/village-001", "county-01/town-01/village-002",
        "county-01/town-02/village-001", "county-01/town-02/village-002",
    ]
    county = (tiny / "county-01" / "county.yaml").read_text(encoding="utf-8")
    assert "个人信息公示天数: 730" in county
    assert "网址: https://ydt-01.example.gov.cn/" in county
    assert "监督电话:" in county
    county_code = county.split('代码: "')[1][:6]
    assert county_code.isdigit()
    for village in villages:
        names = {p.name for p in village.iterdir()}
        assert {"village.yaml", "powers.yaml", "services.yaml", "balances.csv", "notices",
                *(f"{s}.csv" for s in RECORD_FILES)} == names
        notices = list((village / "notices").glob("*.md"))
        assert 5 <= len(notices) <= 7
        for notice in notices:
            text = notice.read_text(encoding="utf-8")
            assert text.startswith("---\n标题: ") and "\n类别: " in text
            assert notice.stem == notice.stem.lower() and notice.stem.isascii()
        town = (village.parent / "township.yaml").read_text(encoding="utf-8")
        town_code = town.split('代码: "')[1][:9]
        code = (village / "village.yaml").read_text(encoding="utf-8").split('代码: "')[1][:12]
        assert code.isdigit() and town_code.isdigit()
        assert code.startswith(town_code) and town_code.startswith(county_code)


def test_byte_identical_across_runs(tiny: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert _run("--out", str(again), *TINY).returncode == 0
    first, second = _tree(tiny), _tree(again)
    assert len(first) > 40
    assert first == second


def test_other_seed_differs(tiny: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert _run("--out", str(other), *TINY, "--seed", "2").returncode == 0
    assert _tree(tiny) != _tree(other)


def test_single_village_regenerates_identically(tiny: Path, tmp_path: Path) -> None:
    opts = synth.Options(counties=1, townships=2, villages=2, records=200)
    synth.generate_village(tmp_path, opts, 0, 1, 1)
    alone = tmp_path / "county-01" / "town-02" / "village-002"
    full = tiny / "county-01" / "town-02" / "village-002"
    assert _tree(alone) == _tree(full)


def test_balances_reconcile_with_ledger(tiny: Path) -> None:
    for village in _villages(tiny):
        _assert_reconciles(village)
        months = [row["月份"] for row in _rows(village / "balances.csv")]
        assert months[0] == "2024-11" and months[-1] == "2026-10"  # 24 months before as-of


def test_id_numbers_have_valid_check_digits(tiny: Path) -> None:
    ids = [row["身份证号"] for v in _villages(tiny) for row in _rows(v / "welfare.csv")]
    ids = [i for i in ids if i]
    assert len(ids) > 100
    for number in ids:
        assert len(number) == 18 and number[:17].isdigit(), number
        total = sum(int(c) * w for c, w in zip(number[:17], WEIGHTS, strict=True))
        assert number[17].upper() == "10X98765432"[total % 11], number


def test_welfare_rows_look_real(tiny: Path) -> None:
    rows = [row for v in _villages(tiny) for row in _rows(v / "welfare.csv")]
    allowed = {"低保", "特困供养", "临时救助", "高龄津贴", "残疾人两项补贴",
               "耕地地力保护补贴", "危房改造补助", "其他"}
    assert {row["项目"] for row in rows} <= allowed
    as_of = dt.date(2026, 11, 28)
    ages = [(as_of - dt.date.fromisoformat(row["发放日期"])).days for row in rows]
    assert min(ages) > 0
    expired = sum(age > 730 for age in ages)
    assert 0.15 * len(rows) < expired < 0.6 * len(rows)  # some, not all, past the 730 days
    for row in rows:
        _yuan(row["金额"])
        assert 2 <= len(row["姓名"]) <= 12


def test_names_include_compound_surnames_and_dots() -> None:
    import random

    r = random.Random(7)
    names = [synth.person_name(r) for _ in range(5000)]
    assert any("·" in n for n in names)
    assert any(n[:2] in synth.COMPOUND_SURNAMES for n in names)
    assert any(len(n) == 2 for n in names) and any(len(n) == 3 for n in names)


def test_lower_case_x_occurs() -> None:
    first17 = next(f"41012119800101{k:03d}" for k in range(1000)
                   if synth.id_check_digit(f"41012119800101{k:03d}") == "X")
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    assert "10X98765432"[total % 11] == "X"
    opts = synth.Options(records=3000)
    ident = synth.village_identities(opts, 0, 0)[0]
    rows = synth._VillageGen(opts, ident).welfare()
    assert any(row[2].endswith("x") for row in rows)
    assert any(row[2].endswith("X") for row in rows)


def test_record_split_roughly_matches(tiny: Path) -> None:
    counts = {s: sum(len(_rows(v / f"{s}.csv")) for v in _villages(tiny)) for s in RECORD_FILES}
    total = sum(counts.values())
    assert 4 * 200 * 0.9 <= total <= 4 * 200 * 1.1
    expected = {"finance": 0.55, "welfare": 0.35, "assets": 0.03, "resources": 0.02,
                "contracts": 0.03, "projects": 0.02}
    for name, share in expected.items():
        assert abs(counts[name] / total - share) < 0.02 + share * 0.2, (name, counts)


def test_edit_village_changes_only_that_village(tiny: Path, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    target = data / "county-01" / "town-01" / "village-002"
    before = _tree(data)
    finance_before = _rows(target / "finance.csv")
    result = _run("--edit-village", str(target))
    assert result.returncode == 0, result.stderr
    after = _tree(data)
    changed = {k for k in before if before[k] != after.get(k)} | (after.keys() - before.keys())
    assert changed == {"county-01/town-01/village-002/finance.csv",
                       "county-01/town-01/village-002/balances.csv"}
    finance_after = _rows(target / "finance.csv")
    assert len(finance_after) == len(finance_before) + 3
    assert sum(a != b for a, b in zip(finance_before, finance_after, strict=False)) == 1
    _assert_reconciles(target)

    # Deterministic: the same edit on a fresh copy gives the same bytes.
    copy = tmp_path / "copy"
    shutil.copytree(tiny, copy)
    assert _run("--edit-village", str(copy / "county-01/town-01/village-002")).returncode == 0
    assert _tree(copy) == after
    # A second edit keeps changing it and keeps it reconciled.
    assert _run("--edit-village", str(target)).returncode == 0
    assert _tree(data) != after
    _assert_reconciles(target)


def _as_clerk_wrote_it(village: Path) -> None:
    """Rewrite a synthetic village's ledger and balances the way Excel on a Chinese Windows
    saves them: GB18030, CRLF, ``2025/3/5`` dates, ``￥1,234.50`` money, ``2025年3月`` months."""
    def rewrite(name: str, cell) -> None:
        path = village / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        out = [rows[0]] + [[cell(rows[0][i], v) for i, v in enumerate(r)] for r in rows[1:]]
        text = "".join(",".join(f'"{c}"' if "," in c else c for c in r) + "\r\n" for r in out)
        path.write_bytes(text.encode("gb18030"))

    def money(v: str) -> str:
        yuan, _, fen = v.partition(".")
        return f"￥{int(yuan):,}.{fen or '00'}"

    def finance(col: str, v: str) -> str:
        if col == "日期":
            d = dt.date.fromisoformat(v)
            return f"{d.year}/{d.month}/{d.day}"
        return money(v) if col == "金额" else v

    def balances(col: str, v: str) -> str:
        return f"{int(v[:4])}年{int(v[5:7])}月" if col == "月份" else money(v)

    rewrite("finance.csv", finance)
    rewrite("balances.csv", balances)


def test_edit_village_keeps_a_clerk_file_as_written(tiny: Path, tmp_path: Path) -> None:
    """Held-out data is not this tool's: the benchmark's one-village edit must still produce
    valid data, in the file's own encoding and line ends, changing only a few 摘要."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    target = data / "county-01" / "town-01" / "village-002"
    _as_clerk_wrote_it(target)
    balances_before = (target / "balances.csv").read_bytes()
    raw_before = (target / "finance.csv").read_bytes()
    result = _run("--edit-village", str(target))
    assert result.returncode == 0, result.stderr
    assert "更正 3 条" in result.stdout
    raw_after = (target / "finance.csv").read_bytes()
    assert (target / "balances.csv").read_bytes() == balances_before
    assert raw_after.count(b"\r\n") == raw_before.count(b"\r\n")
    before = list(csv.reader(raw_before.decode("gb18030").splitlines()))
    after = list(csv.reader(raw_after.decode("gb18030").splitlines()))
    col = before[0].index("摘要")
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 3
    for b, a in changed:
        assert a[col] == b[col] + "（更正）"
        assert a[:col] + a[col + 1:] == b[:col] + b[col + 1:]
    # The edited data still passes the generator's check (amounts untouched: balances hold).
    check = subprocess.run(
        [sys.executable, "build.py", "check", "--data", str(data), "--as-of", "2026-11-28"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    # Seeded by the file: a second edit changes it again.
    assert _run("--edit-village", str(target)).returncode == 0
    assert (target / "finance.csv").read_bytes() != raw_after


def test_refuses_non_empty_out(tiny: Path) -> None:
    result = _run("--out", str(tiny), *TINY)
    assert result.returncode == 2
    assert "非空" in result.stderr


def test_village_cpu_reports_every_stage(tiny: Path) -> None:
    """tools/village_cpu.py (the per-stage CPU probe) runs on synthetic data and prints a
    line for each stage and the total."""
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "village_cpu.py"), "--data", str(tiny),
                          "--villages", "2", "--passes", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "2 个村" in lines[0]
    for stage in ("load", "pages", "downloads", "leak guard", "search documents", "search keys",
                  "change log", "total"):
        assert any(line.split()[0:len(stage.split())] == stage.split() for line in lines[1:]), stage


def test_timeline_shows_each_step_of_a_build(tiny: Path, tmp_path: Path) -> None:
    """tools/timeline.py (when each step of a build starts and ends) builds the data and
    prints its steps in time order, the county tail's among them."""
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "timeline.py"), "build", "--data", str(tiny),
                          "--out", str(tmp_path / "site"), "--as-of", "2026-11-28", "--quiet",
                          "--jobs", "1"],  # every step in this process, whatever the start method
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    times = [float(line.split()[0]) for line in lines]
    assert times == sorted(times)
    steps = {" ".join(line.split()[2:4]) for line in lines}
    for step in ("> _county_tail", "< _county_tail", "> publish", "> _county_directory",
                 "> process_village", "> swap_in"):
        assert step in steps, step
    assert lines[-1].split()[2] == "end"
    assert (tmp_path / "site" / "index.html").is_file()


def test_clerk_style_generator_writes_data_the_checker_accepts(tmp_path: Path) -> None:
    """tools/synth_clerk.py (written from DATA-FORMAT.md alone: GB18030, BOM, CRLF, .xlsx,
    every money/date/month style) is valid data: ``check`` passes with no warning, and the
    same seed gives the same bytes."""
    out = []
    for name in ("a", "b"):
        data = tmp_path / name
        gen = subprocess.run([sys.executable, str(ROOT / "tools" / "synth_clerk.py"), "--out", str(data),
                              "--villages", "6", "--records", "6000"],
                             capture_output=True, text=True, check=False)
        assert gen.returncode == 0, gen.stderr
        out.append(_tree(data))
    assert out[0] == out[1]
    names = set(out[0])
    assert any(n.endswith(".xlsx") for n in names) and any("/notices/" in n for n in names)
    check = subprocess.run([sys.executable, "build.py", "check", "--data", str(tmp_path / "a"),
                            "--as-of", "2026-11-28"], cwd=ROOT, capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "警告" not in check.stdout + check.stderr
