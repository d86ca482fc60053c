"""Problems found in clerk data, and the exceptions that map to exit codes.

Every problem a clerk sees has the form ``path:line: field: 中文说明``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.personal import mask_all

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_TOOL = 3

# A message about a check that depends on a value reported elsewhere ("可能是因为 finance.csv
# 第 5 行的日期有误") carries this; such messages are printed after the root causes.
KNOCK_ON = "可能是因为"

# characters that would break a problem's one line (a header cell with a line break in it,
# a quoted value with a tab): written as escapes, "a\\nb"
_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    if _BREAKS.search(text) is None:
        return text
    return _BREAKS.sub(lambda m: _ESCAPES.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in the data. ``path`` is relative to the data folder."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = False

    def __post_init__(self) -> None:
        # the one place every message passes: a quoted value, a file or column name never
        # shows a full ID or card number (whoever built the message), nor breaks the line
        for name in ("path", "field", "message"):
            text = getattr(self, name)
            masked = one_line(mask_all(text))
            if masked is not text:
                object.__setattr__(self, name, masked)

    def __str__(self) -> str:
        prefix = "警告: " if self.warning else ""
        if self.field == "文件夹":
            return f"{self.path}: 文件夹: {prefix}{self.message}"
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


class BadValue(ValueError):
    """A single value could not be parsed; the message is Chinese, without location."""


class DataErrors(Exception):
    """The data has errors; ``problems`` lists all of them (warnings may be included)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(not p.warning for p in problems)} 处数据错误")
        self.problems = problems

    def __reduce__(self):  # raised in a worker process, re-raised in the build's
        return (DataErrors, (self.problems,))


class UsageError(Exception):
    """Wrong command-line usage (exit 2)."""


class ToolError(Exception):
    """An external tool or the environment failed (exit 3); message is plain Chinese."""
