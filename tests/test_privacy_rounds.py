"""Issue 17, leftovers: the personal-number detector on hostile notices, a CSV near the size
limit checked in bounded memory, and withdrawn names in every published text.

No timing decides a test here: the detector's work is counted (``personal.WORK``), memory
is the peak a subprocess reports for itself.
"""

from __future__ import annotations

import datetime
import io
import random
import shutil
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from conftest import AS_OF, CASES
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import personal
from generator.read import tables
from generator.read.load import VillageSource, load_village
from generator.read.validate import Collector, scrub_body

ROOT = Path(__file__).resolve().parent.parent
V = "qinghe-xian/dongguan-zhen/liuzhuang-cun"

PROP = settings(max_examples=400, deadline=None, database=None)


# ----------------------------------------------------------------------------- detector
def _real_id(rng: random.Random) -> str:
    first17 = (f"{rng.choice([11, 32, 41, 44, 65])}{rng.randrange(10000):04d}"
               f"{rng.randrange(1940, 2020)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
               f"{rng.randrange(1000):03d}")
    return first17 + personal.id_check_digit(first17)


def _card(rng: random.Random) -> str:
    body = rng.choice("345689") + "".join(rng.choice("0123456789") for _ in range(rng.randrange(14, 18)))
    return next(body + c for c in "0123456789" if personal.luhn_ok(body + c))


@st.composite
def chains(draw: st.DrawFn) -> str:
    """Digit groups joined by separators: random digits, real IDs and cards cut into
    groups, dates and amounts, sometimes an X at the end or a letter run around."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["random", "id", "card", "date", "amount", "short"]))
        if kind == "id":
            s = _real_id(rng)
        elif kind == "card":
            s = _card(rng)
        elif kind == "date":
            s = f"{rng.randrange(1990, 2030)}{rng.randrange(1, 13):02d}{rng.randrange(1, 32):02d}"
        elif kind == "amount":
            s = str(rng.randrange(1, 10**6))
        elif kind == "short":
            s = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 3)))
        else:
            s = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 20)))
        cut = sorted(rng.sample(range(1, len(s)), min(len(s) - 1, rng.randrange(0, 6)))) if len(s) > 1 else []
        pieces = [s[a:b] for a, b in zip([0, *cut], [*cut, len(s)], strict=True)]
        parts.extend(pieces)
    seps = [" ", "-", ".", " - ", "\n", "\u3000", "  ", "--", ""]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice(seps) + p
    if draw(st.booleans()):
        out += rng.choice(["X", " X", "x", ""])
    return draw(st.sampled_from(["", "编号", "ab", "abcdefABCDEF0123456789abcdef"])) + out + \
        draw(st.sampled_from(["", "元", "ff", " 号"]))


def _plain_find(norm: str, secret: frozenset[str] | None) -> list[personal.Found]:
    out: list[personal.Found] = []
    for m in personal._CHAIN.finditer(norm):
        if m.end() - m.start() >= 16:
            out.extend(personal._chain_numbers_plain(norm, m, secret))
    return out


@PROP
@given(chains(), st.booleans())
def test_the_fast_detector_finds_what_the_plain_rule_finds(text: str, with_secret: bool) -> None:
    norm = personal.normalise(text)
    plain = fast = None
    if with_secret:  # an input's IDs, also found without or with a wrong check digit
        digits = "".join(c for c in norm if c.isdigit())
        ids = [digits[k:k + 17] + personal.id_check_digit(digits[k:k + 17])
               for k in range(0, max(len(digits) - 17, 0), 7)]
        plain = frozenset(map(personal.id_hash, ids))  # every group is tried
        fast = personal.Secrets.of_ids(ids)  # only where an ID's region code starts
        assert personal.find_numbers(norm, plain) == _plain_find(norm, plain), text
    assert personal.find_numbers(norm, fast) == _plain_find(norm, plain), text


_MAP_ALPHABET = list("0123456789 -.*_`~\\[]()!<>&;#xX名单公示") + [
    "<b>", "</b>", "&#52;", "&amp;", "](https://a.cn/1)", "\u200b", "\ufeff", "０", "９", "\u3000", "\n"]


@PROP
@given(st.lists(st.sampled_from(_MAP_ALPHABET), max_size=60), st.booleans())
def test_the_fast_source_map_equals_the_character_by_character_one(parts: list[str],
                                                                   markdown: bool) -> None:
    text = "".join(parts)
    norm, starts, ends = personal._source_map(text, markdown)
    pnorm, pstarts, pends = personal._source_map_plain(text, markdown)
    assert (norm, list(starts), list(ends)) == (pnorm, pstarts, pends)
    assert personal.scrub(text * 3, markdown=markdown) == _plain_scrub(text * 3, markdown)


def _plain_scrub(text: str, markdown: bool) -> tuple[str, list[personal.Found]]:
    """``personal.scrub`` made of the plain rules only."""
    if not personal.could_hold_number(text):
        return text, []
    norm, starts, ends = personal._source_map_plain(text, markdown)
    parts, done, last = [], [], 0
    for f in _plain_find(norm, None):
        a, b = starts[f.start], ends[f.end - 1]
        if a < last:
            continue
        parts += [text[last:a], f.masked.replace("*", "\\*") if markdown else f.masked]
        last = b
        done.append(personal.Found(f.kind, f.number, a, b))
    parts.append(text[last:])
    return ("".join(parts), done) if done else (text, [])


HOSTILE_BYTES = 2 * 1024 * 1024  # the notice size limit (read.load.MAX_TEXT_BYTES)


def _hostile(shape: str, size: int, seed: int = 7) -> str:
    """A notice body of one-digit groups: counting (``0 1 2 …``) or random digits, joined by
    one separator."""
    rng = random.Random(seed)
    sep = {"counting": " ", "dashes": "-", "random": " ", "lines": "\n", "dots": "."}[shape]
    n = size // (1 + len(sep))
    if shape == "random" or shape == "lines" or shape == "dots":
        digits = [rng.choice("0123456789") for _ in range(n)]
    else:
        digits = [str(i % 10) for i in range(n)]
    return sep.join(digits)


def _work(text: str) -> tuple[int, int]:
    """(detector steps, numbers found) for ``text`` scrubbed as a notice body."""
    before = personal.WORK[0]
    col = Collector()
    scrub_body(text, "n.md", 6, "正文", col)
    return personal.WORK[0] - before, len(col.problems)


def test_a_notice_of_one_digit_groups_costs_the_detector_almost_no_steps() -> None:
    """2 MB of ``0 1 2 3 …`` or ``0-1-2-3-…``: no group can start an ID or a card, so the
    detector takes no step per group (the plain rule took four per group, ~2 million steps
    and seconds of CPU, for a notice under the size limit)."""
    for shape in ("counting", "dashes"):
        text = _hostile(shape, HOSTILE_BYTES)
        work, found = _work(text)
        assert (work, found) == (0, 0), shape


def test_the_leak_guard_with_the_input_ids_takes_few_steps_on_such_a_page() -> None:
    """The leak guard also looks for the village's own IDs written without their check digit:
    it tries only the groups where one of their region codes starts (the plain rule tried
    every group: 5 seconds for a 2 MB page), and finds the ID all the same."""
    secret = personal.Secrets.of_ids(["410122198503150024", "110101199003070011"])
    page = _hostile("counting", HOSTILE_BYTES) + " 见 4101221985 0315002 号"
    before = personal.WORK[0]
    found = personal.scan_text(page, secret)
    assert [f.masked for f in found] == ["410122********0024"]
    assert personal.WORK[0] - before < 10


def test_the_detector_work_on_random_digits_is_small_and_linear() -> None:
    """Random one-digit groups do hold IDs and cards by chance (they are masked as the plain
    rule masks them); the steps stay a small fraction of the groups and grow with the size
    of the text, not faster."""
    for shape in ("random", "lines", "dots"):
        small = _hostile(shape, HOSTILE_BYTES // 4, seed=3)
        large = _hostile(shape, HOSTILE_BYTES, seed=3)
        w1, _ = _work(small)
        w4, found = _work(large)
        groups = large.count(large[1]) + 1
        assert found > 0, shape  # by chance: the same the plain rule finds (property test)
        assert w4 < groups // 200, (shape, w4, groups)
        assert w4 < 6 * w1 + 100, (shape, w1, w4)


# ----------------------------------------------------------------------------- large CSV
def _villages() -> list[Path]:
    """Every village folder of the test cases and of the demo county."""
    roots = [*sorted(CASES.glob("*/data")), ROOT / "villages"]
    return sorted({p.parent for root in roots for p in root.glob("*/*/*/village.yaml")})


def _source(vdir: Path) -> VillageSource:
    return VillageSource(vdir.parents[1].name, vdir.parent.name, vdir.name, vdir.resolve())


def test_streamed_check_reports_what_the_whole_table_reports(monkeypatch) -> None:
    """``check`` reads the tables in chunks and keeps no rows; with chunks of two rows (every
    rule crosses a chunk: duplicates, unique codes, balances against the ledger, title rows,
    totals rows, broken records), every village of the test cases and the demo county gets
    the same problems, in the same order, as when the whole table is read at once."""
    villages = _villages()
    assert len(villages) > 100
    whole = {v: load_village(_source(v)).problems for v in villages}
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)
    differ = [v for v in villages if load_village(_source(v), keep_rows=False).problems != whole[v]]
    assert differ == []
    assert any(p.message.startswith("与第") for ps in whole.values() for p in ps)  # duplicates seen
    assert any("不能重复" in p.message for ps in whole.values() for p in ps)
    assert any("的支出合计" in p.message for ps in whole.values() for p in ps)


PEAK = '''
import sys
from generator.cli import main

def peak_bytes() -> int:
    """Peak resident memory of this process, on every system."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaNonPagedPoolUsage", ctypes.c_size_t), ("PagefileUsage", ctypes.c_size_t),
                        ("PeakPagefileUsage", ctypes.c_size_t)]
        c = Counters()
        c.cb = ctypes.sizeof(c)
        ctypes.windll.psapi.GetProcessMemoryInfo(ctypes.windll.kernel32.GetCurrentProcess(),
                                                 ctypes.byref(c), c.cb)
        return c.PeakWorkingSetSize
    if sys.platform.startswith("linux"):
        # this process's own high-water mark: ru_maxrss also counts the RSS of the process
        # that started it (Linux records the old memory's peak when a process execs)
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024

code = main(sys.argv[1:])
print(f"PEAK {peak_bytes()}")
sys.exit(code)
'''


def _large_finance(path: Path, megabytes: int) -> int:
    """A finance.csv of about ``megabytes`` MB (every row different; the ledger of a county
    office's decade); returns its number of rows."""
    target = megabytes * 1024 * 1024
    size = rows = 0
    start = datetime.date(2020, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("日期,凭证号,类型,科目,摘要,金额,经手人,审批人\n")
        while size < target:
            d = start + datetime.timedelta(days=(rows // 300) % 2000)
            line = (f"{d.isoformat()},记-{rows:07d},{'收入' if rows % 3 == 0 else '支出'},管理费用,"
                    f"支付村部电费及办公用品第{rows}笔,{(rows * 37) % 100000 / 100 + 1:.2f},王会计,李书记\n")
            f.write(line)
            size += len(line.encode())
            rows += 1
        # two problems far into the file: a row entered twice, a bad date
        f.write(line)
        f.write("2025-02-30,记-x,支出,管理费用,最后一笔,1.00,王会计,李书记\n")
    return rows


LARGE_MB = 24
PEAK_LIMIT = 200 * 1024 * 1024


def test_a_large_csv_is_checked_in_bounded_memory(tmp_path: Path) -> None:
    """A finance.csv of 24 MB is checked in a subprocess that reports its own peak memory:
    under 200 MB (the interpreter and the generator alone take about 40 MB). Reading
    the whole table into rows, cells and validated values took about 18 times the file
    (543 MB for 30 MB, 2.4 GB for 150 MB); and the problems far into the file are still
    found, located."""
    data = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", data)
    village = data / V
    (village / "balances.csv").unlink()
    rows = _large_finance(village / "finance.csv", LARGE_MB)
    proc = subprocess.run([sys.executable, "-c", PEAK, "check", "--data", str(data), "--as-of", AS_OF],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 1, proc.stderr
    assert f"{V}/finance.csv:{rows + 3}: 日期: " in proc.stderr
    assert f"{V}/finance.csv:{rows + 2}: 文件: 警告: 与第 {rows + 1} 行完全相同" in proc.stderr
    peak = int(proc.stdout.split("PEAK ")[1])
    assert peak < PEAK_LIMIT, f"check of a {LARGE_MB} MB CSV peaked at {peak // 2**20} MB"


# ----------------------------------------------------------------------------- withdrawn names
# tests/files/withdrawn-name.pdf: Chromium's print of "高龄津贴名单：欧阳过期甲、张近期"
CADRE_TOO = "司马过期乙"  # an expired recipient who is also a cadre: the name stays


def _docx(paragraphs: list[list[str]]) -> bytes:
    """A minimal .docx whose paragraphs are made of the given runs (a name in two runs is a
    name whose formatting changes in the middle)."""
    import zipfile

    body = "".join("<w:p>" + "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs) + "</w:p>"
                   for runs in paragraphs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                   f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return buf.getvalue()


@pytest.fixture(scope="module")
def withdrawn(tmp_path_factory: pytest.TempPathFactory):
    from test_privacy import OLD_NAMES, RECENT_NAMES, write_privacy_tree

    from generator.cli import main

    old, recent = OLD_NAMES[0], RECENT_NAMES[0]
    root = tmp_path_factory.mktemp("withdrawn")
    data = write_privacy_tree(root)
    v = data / V
    files = v / "files"
    files.mkdir()
    (files / "mingdan.txt").write_text(f"高龄津贴名单\n{old}、{recent}、{CADRE_TOO}\n", "utf-8")
    (files / "mingdan.csv").write_bytes(f"姓名,金额\n{recent},500\n{old},100\n".encode("gb18030"))
    (files / "hetong.docx").write_bytes(_docx([["承包方：", old, "（签字）"], [f"见证人：{CADRE_TOO}"]]))
    (files / "split.docx").write_bytes(_docx([["承包方：" + old[:2], old[2:]]]))
    shutil.copy(ROOT / "tests" / "files" / "withdrawn-name.pdf", files / "mingdan.pdf")
    y = (v / "village.yaml").read_text("utf-8")
    (v / "village.yaml").write_text(y + f"干部:\n  - 姓名: {CADRE_TOO}\n    职务: 委员\n", "utf-8")
    (v / "contracts.csv").write_text(
        "合同编号,名称,相对方,金额,签订日期,附件\n"
        f"HT-1,鱼塘承包合同,{old},3000.00,2023-03-01,hetong.docx\n"
        f"HT-2,{recent}承包果园合同,{recent},2000.00,2023-04-01,split.docx\n"
        f"HT-3,村部维修合同,{CADRE_TOO},1000.00,2023-05-01,mingdan.pdf\n", "utf-8")
    (v / "assets.csv").write_text(
        "编号,名称,类别,状态,承租方\n"
        f"ZC-1,门面房,经营性,出租,{old}\n"
        f"ZC-2,仓库,经营性,出租,{recent}\n", "utf-8")
    (v / "resources.csv").write_text(
        "编号,名称,类型,面积,承包方\n"
        f"ZY-1,东坡地,耕地,12,{old}\n"
        f"ZY-2,西坡地,耕地,8,{CADRE_TOO}\n", "utf-8")
    (v / "notices" / "ming-dan.md").write_text(
        "---\n标题: 高龄津贴名单\n类别: 村务\n日期: 2026-10-02\n附件: [mingdan.txt, mingdan.csv]\n---\n"
        "名单见附件。\n", "utf-8")
    out = root / "site"
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF, "--jobs", "1"])
    return data, out, code, err.getvalue(), old, recent


def _site_texts(site: Path) -> dict[str, str]:
    from generator.publish import leakguard

    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file() and p.suffix not in (".pdf", ".docx"):
            raw = leakguard._decode(p, p.read_bytes())
            out[p.relative_to(site).as_posix()] = raw.decode("utf-8", "replace").replace("\u200b", "")
    return out


def test_withdrawn_names_are_masked_in_contracts_assets_resources_and_search(withdrawn) -> None:
    _data, out, code, err, old, recent = withdrawn
    assert code == 0, err
    texts = _site_texts(out)
    assert [n for n, t in texts.items() if old in t.replace(" ", "")] == []
    masked = old[0] + "**"
    pages = {n: t for n, t in texts.items() if n.startswith(V) and n.endswith(".html")}
    # the 三资 page: the contract's 相对方, the asset's 承租方, the resource's 承包方
    assert pages[f"{V}/assets/index.html"].count(masked) >= 3
    for stem in ("contracts", "assets", "resources"):
        assert masked in texts[f"{V}/assets/{stem}.csv"] and masked in texts[f"{V}/assets/{stem}.json"]
    # namesakes that are published anyway stay: a cadre, a current recipient
    everything = "\n".join(pages.values())
    assert f"{recent}承包果园合同" in everything and CADRE_TOO in everything
    assert any(masked in t.replace(" ", "") for n, t in texts.items() if n.endswith(".pf_fragment"))


def test_withdrawn_names_are_masked_inside_text_and_office_attachments(withdrawn) -> None:
    import zipfile

    _data, out, _code, err, old, recent = withdrawn
    masked = old[0] + "**"
    files = out / V / "files"
    txt = (files / "mingdan.txt").read_text("utf-8")
    assert txt == f"高龄津贴名单\n{masked}、{recent}、{CADRE_TOO}\n"
    assert (files / "mingdan.csv").read_bytes() == f"姓名,金额\n{recent},500\n{masked},100\n".encode("gb18030")
    with zipfile.ZipFile(files / "hetong.docx") as z:
        body = z.read("word/document.xml").decode()
    assert old not in body and masked in body and CADRE_TOO in body
    assert f"{V}/files/mingdan.txt:2: 附件: 警告: 含有个人信息公示期已过的领取人姓名，已显示为“{masked}”" in err
    assert f"{V}/files/hetong.docx:1: 附件: 警告: word/document.xml 中含有个人信息公示期已过的领取人姓名" in err
    assert f"{V}/contracts.csv:2: 相对方: 警告: 含有个人信息公示期已过的领取人姓名" in err
    assert f"{V}/assets.csv:2: 承租方: 警告: " in err and f"{V}/resources.csv:2: 承包方: 警告: " in err
    assert old not in err


def test_an_attachment_that_cannot_be_masked_is_not_published(withdrawn) -> None:
    """A PDF's text cannot be rewritten, nor a name Word split over two runs: such a file is
    not published, its record no longer links to it, and the warning says why and where."""
    _data, out, code, err, old, _recent = withdrawn
    assert code == 0, err
    masked = old[0] + "**"
    files = out / V / "files"
    assert not (files / "mingdan.pdf").exists() and not (files / "split.docx").exists()
    assert (files / "hetong.docx").exists()
    assert (f"{V}/files/mingdan.pdf:1: 附件: 警告: 第 1 页含有个人信息公示期已过的领取人姓名“{masked}”，"
            "无法在文件中打码，这个附件不再公开（请换成打码后的文件）") in err
    assert f"{V}/files/split.docx:1: 附件: 警告: word/document.xml 中含有个人信息公示期已过的领取人姓名" in err
    pages = "\n".join(p.read_text("utf-8") for p in (out / V).rglob("*.html"))
    assert "mingdan.pdf" not in pages and "split.docx" not in pages and "hetong.docx" in pages
