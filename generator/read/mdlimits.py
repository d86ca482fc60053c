"""Limits on the Markdown shapes whose cost grows faster than the text in Python-Markdown.

Python-Markdown works block by block (text between blank lines). Inside one block,
thousands of setext or ATX headings, tens of thousands of backslashes or of alternating
emphasis markers (``*a*a*a``), or a huge table cost time quadratic in the block; and an
unclosed ``[`` makes the link parser scan the rest of its block, so many blocks full of
``[`` add up. Text past one of these limits is refused with the line where it went past,
before it reaches the parser, so ``check`` of any notice under the size limit takes
seconds. The limits are far above real notices (measured on one core: a block at each
limit renders in at most about three seconds; see tests/test_clerk_messages.py).
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

MAX_BLOCK_LINES = 10_000
MAX_BLOCK_HEADINGS = 300
MAX_BLOCK_BACKSLASHES = 20_000
MAX_BLOCK_EMPHASIS = 5_000  # runs of * or _ (``***`` is one run)
# Σ over blocks of (unclosed ``[``) × (characters of the block): the link parser's work
MAX_BRACKET_WORK = 1_500_000
# and over the whole text (escapes and emphasis are stashed document-wide)
MAX_HEADINGS = 3_000
MAX_BACKSLASHES = 40_000
MAX_EMPHASIS = 40_000

_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_EMPHASIS_RUN = re.compile(r"[*_]+")
_BRACKET = re.compile(r"[\[\]]")

_ADVICE = "请把内容拆成几个公告，或删去多余的符号"


class _Block:
    """Counts for the block being read."""

    def __init__(self) -> None:
        self.lines = self.headings = self.backslashes = self.emphasis = 0
        self.chars = self.open_brackets = 0

    def bracket_work(self) -> int:
        return self.open_brackets * self.chars


def _add_line(block: _Block, line: str, after_text: bool) -> str | None:
    """Count ``line`` into ``block``; the message when a per-block limit is passed."""
    block.lines += 1
    block.chars += len(line) + 1
    if block.lines > MAX_BLOCK_LINES:
        return f"一段内容过长（超过 {MAX_BLOCK_LINES} 行没有空行），{_ADVICE}"
    if after_text and _SETEXT.match(line) or _ATX.match(line):
        block.headings += 1
        if block.headings > MAX_BLOCK_HEADINGS:
            return (f"标题行过多（一段里超过 {MAX_BLOCK_HEADINGS} 个 # 开头或 === / --- 下划线的行，"
                    f"中间没有空行），{_ADVICE}")
    block.backslashes += line.count("\\")
    if block.backslashes > MAX_BLOCK_BACKSLASHES:
        return f"反斜杠 \\ 过多（一段里超过 {MAX_BLOCK_BACKSLASHES} 个），{_ADVICE}"
    if "*" in line or "_" in line:
        block.emphasis += len(_EMPHASIS_RUN.findall(line))
        if block.emphasis > MAX_BLOCK_EMPHASIS:
            return f"* 和 _ 过多（一段里超过 {MAX_BLOCK_EMPHASIS} 处），{_ADVICE}"
    if "[" in line:
        for m in _BRACKET.finditer(line):
            if m.group() == "[":
                block.open_brackets += 1
            elif block.open_brackets:
                block.open_brackets -= 1
    elif "]" in line and block.open_brackets:
        block.open_brackets = max(0, block.open_brackets - line.count("]"))
    return None


def markdown_too_complex(text: str) -> tuple[int, str] | None:
    """(line relative to ``text``, Chinese message) at the first limit ``text`` passes, or
    None when it is within every limit."""
    block = _Block()
    work = 0
    totals = [0, 0, 0]  # headings, backslashes, emphasis of the blocks before
    after_text = False
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            work += block.bracket_work()
            totals = [totals[0] + block.headings, totals[1] + block.backslashes,
                      totals[2] + block.emphasis]
            block, after_text = _Block(), False
            if work > MAX_BRACKET_WORK:
                return number - 1, f"没有配对的方括号 [ 过多，{_ADVICE}"
            continue
        message = _add_line(block, line, after_text)
        if message is not None:
            return number, message
        if work + block.bracket_work() > MAX_BRACKET_WORK:
            return number, f"没有配对的方括号 [ 过多，{_ADVICE}"
        for total, now, limit, what in (
                (totals[0], block.headings, MAX_HEADINGS, "标题行"),
                (totals[1], block.backslashes, MAX_BACKSLASHES, "反斜杠 \\ "),
                (totals[2], block.emphasis, MAX_EMPHASIS, "* 和 _ ")):
            if total + now > limit:
                return number, f"{what}过多（全文超过 {limit} 个），{_ADVICE}"
        after_text = True
    return None
