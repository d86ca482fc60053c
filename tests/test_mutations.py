"""Clerk data the tests never saw: the golden data, damaged the ways files get damaged.

Each seed copies tests/golden/data, damages one to three of its text files (a cell
replaced by an odd value, a stray quote or line break, a column dropped or doubled, a
header renamed, a file cut short, re-encoded or given other line endings) and runs
``check``; when ``check`` passes, ``build`` must pass too. Never an internal error or a
traceback; every message one ``path:line: field: 说明`` line. The seeds are fixed, so a
failure reproduces with its seed number. Longer runs of the same damage (thousands of
seeds) found two faults, each now tested on its own: a number a notice shows apart that
the search directory joined (tests/test_search_directory.py), and a header cell with a line
break that split a message (tests/cases/header-cell-line-break).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, GOLDEN

ODD = ["", " ", "\u3000", "１２３", "1e400", "-0", "NaN", "inf", "9" * 400, "2026-02-30",
       "2026/13/01", "0000-00-00", "9999-12-31", "=cmd|' /C calc'!A0", "\u202e", "a" * 3000,
       "０３７１-１２３４５６７８", "(300)", "￥300", "300元", "3.000,00", "41012219900101123X",
       "6222021234567890128", "\x00", "\ufeff", "<script>alert(1)</script>", "../../etc/passwd",
       'a"b', "a\nb", "二零二六年十一月", "12:30", "true", "~", "[]", "{}", "- a", "*a", "&a",
       "!!python/object:os.system", "2026-13", "50%", "150", "1" * 19, "javascript:alert(1)",
       "files/../../x.pdf", "files/nothing.pdf", "FAPIAO-0305.PDF", "410122,19850315,0024"]
BREAKS = ['"', ",", "\n", "\r", "\x00", "\ufeff", "\t", ":", "-", "#", "|", "\u200b", "\r\n"]
MESSAGE = re.compile(r"^qinghe-xian/\S.*?(:\d+)?: .+: ")


def _cell(line: str, csv: bool, rnd: random.Random) -> str:
    parts = line.split(",") if csv else line.split(": ", 1)
    value = rnd.choice(ODD)
    if csv and any(c in value for c in ',"\n'):
        value = '"' + value.replace('"', '""') + '"'
    parts[rnd.randrange(len(parts))] = value
    return ("," if csv else ": ").join(parts)


def damage(text: str, csv: bool, rnd: random.Random) -> str:
    lines = text.split("\n")
    op = rnd.randrange(9)
    if op == 0:  # a cell or a value replaced
        i = rnd.randrange(len(lines))
        lines[i] = _cell(lines[i], csv, rnd)
    elif op == 1:  # a character inserted
        pos = rnd.randrange(len(text) + 1)
        return text[:pos] + rnd.choice(BREAKS) + text[pos:]
    elif op == 2:  # a line doubled or dropped
        i = rnd.randrange(len(lines))
        if rnd.random() < 0.5:
            lines.insert(i, lines[i])
        else:
            del lines[i]
    elif op == 3:  # cut short
        return text[:rnd.randrange(len(text) + 1)]
    elif op == 4 and csv:  # a column dropped or doubled
        k = rnd.randrange(lines[0].count(",") + 1)
        double = rnd.random() < 0.5
        for i, line in enumerate(lines):
            cells = line.split(",")
            if k < len(cells):
                cells[k:k + 1] = [cells[k]] * (2 if double else 0)
            lines[i] = ",".join(cells)
    elif op == 5:  # more on a line
        i = rnd.randrange(len(lines))
        lines[i] += ("," + rnd.choice(ODD)) if csv else rnd.choice(
            ["\nx: 1", "\n- a", "\n  nested: [1, 2]", "\n名称: [a, b]", "\n名称: &x a\n简介: *x"])
    elif op == 6:  # a header renamed
        names = lines[0].split(",") if csv else [lines[0]]
        lines[0] = lines[0].replace(rnd.choice(names), rnd.choice(ODD), 1)
    elif op == 7:  # other separators between cells
        return text.replace(",", rnd.choice([", ", " ,", ",\t", "，"]), rnd.randrange(1, 6))
    else:  # other line endings
        return text.replace("\n", rnd.choice(["\r\n", "\r", "\n\n"]))
    return "\n".join(lines)


def encode(text: str, rnd: random.Random) -> bytes:
    r = rnd.random()
    if r < 0.05:
        return text.encode("gbk", "replace")
    if r < 0.08:
        return text.encode("utf-16")
    if r < 0.1:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("seed", range(120))
def test_damaged_data_gets_located_messages_never_an_internal_error(seed: int, cli,
                                                                    tmp_path: Path) -> None:
    rnd = random.Random(seed)
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "data", data)
    files = sorted(p for p in data.rglob("*") if p.suffix in (".csv", ".yaml", ".md"))
    for _ in range(rnd.choice([1, 1, 2, 3])):
        path = rnd.choice(files)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gbk", "replace")
        path.write_bytes(encode(damage(text, path.suffix == ".csv", rnd), rnd))
    run = cli("check", "--data", data, "--as-of", AS_OF)
    assert run.code in (0, 1), run.err
    assert "程序内部错误" not in run.err and "Traceback" not in run.err
    for line in run.err.splitlines():
        if line.startswith("qinghe-xian/"):
            assert MESSAGE.match(line), line
    if run.code == 0:  # what check accepts, build publishes
        built = cli("build", "--data", data, "--out", tmp_path / "site", "--as-of", AS_OF,
                    "--jobs", "1", "--quiet")
        assert built.code == 0, built.err
