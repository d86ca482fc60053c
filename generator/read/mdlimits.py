"""Limits on the Markdown constructs whose cost grows faster than the text in Python-Markdown.

Thousands of headings without blank lines, tens of thousands of backslashes, many ``[``
or emphasis markers, or a huge table make the parser take minutes on a notice well under
the size limit. A notice that goes past one of these limits is refused with the line
where it went past, before it reaches the parser, so ``check`` of any notice takes
seconds. The limits are far above what a real notice holds (measured: a notice at every
limit at once renders in about two seconds on one core).
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

MAX_LINES = 10_000
MAX_HEADINGS = 300
MAX_BACKSLASHES = 10_000
MAX_BRACKETS = 2_000
MAX_EMPHASIS = 10_000  # * and _

_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")

_ADVICE = "请把内容拆成几个公告，或删去多余的符号"


def markdown_too_complex(text: str) -> tuple[int, str] | None:
    """(line relative to ``text``, Chinese message) at the first limit ``text`` passes, or
    None when it is within every limit."""
    headings = brackets = emphasis = backslashes = 0
    blank = True
    for number, line in enumerate(text.split("\n"), 1):
        if number > MAX_LINES:
            return number, f"内容过长（超过 {MAX_LINES} 行），{_ADVICE}"
        if not line.strip():
            blank = True
            continue
        if not blank and _SETEXT.match(line) or _ATX.match(line):
            headings += 1
            if headings > MAX_HEADINGS:
                return number, f"标题行过多（超过 {MAX_HEADINGS} 个，# 开头或 === / --- 下划线的行），{_ADVICE}"
        blank = False
        backslashes += line.count("\\")
        if backslashes > MAX_BACKSLASHES:
            return number, f"反斜杠 \\ 过多（超过 {MAX_BACKSLASHES} 个），{_ADVICE}"
        brackets += line.count("[")
        if brackets > MAX_BRACKETS:
            return number, f"方括号 [ 过多（超过 {MAX_BRACKETS} 个），{_ADVICE}"
        emphasis += line.count("*") + line.count("_")
        if emphasis > MAX_EMPHASIS:
            return number, f"* 和 _ 过多（超过 {MAX_EMPHASIS} 个），{_ADVICE}"
    return None
