"""Recognise the file a clerk meant when a file in a village folder has the wrong name.

Excel and Windows suggest names such as ``finance (1).csv``, ``finance - 副本.csv`` or
``财务收支明细.xlsx``; Notepad saves ``公告.md.txt``. Such a file is never published, so a
name that clearly means a known file is an error naming the intended file (nothing a
clerk meant to publish may disappear behind 检查通过). Matching ignores case on every
platform, so ``Finance.csv`` gives the same message on Windows, macOS and Linux.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

TABLE_SUFFIXES = (".csv", ".xlsx")
# spreadsheet formats the reader cannot open: saved by old Excel or by WPS
OLD_SHEET_SUFFIXES = (".xls", ".et", ".wps", ".xlsm", ".xlsb", ".ods", ".numbers")
YAML_SUFFIXES = (".yaml", ".yml")
WORD_SUFFIXES = (".docx", ".doc", ".wps", ".rtf", ".odt", ".pages")

# copy marks Windows, Excel, WPS and macOS add to a name: "(1)", " - 副本", " copy", "_副本2"
_COPY_MARK = re.compile(
    r"(?:\s*[-_]?\s*(?:副本|copy|拷贝)\s*[(（]?\d*[)）]?|\s*[(（]\d+[)）])$",
    re.IGNORECASE,
)
# Chinese words that clearly mean one file, most specific first ("资金月度余额" is balances,
# "惠民资金" is welfare although both say 资金)
_CHINESE: tuple[tuple[str, str], ...] = (
    ("余额", "balances"),
    ("惠民", "welfare"),
    ("补贴", "welfare"),
    ("低保", "welfare"),
    ("救助", "welfare"),
    ("项目", "projects"),
    ("合同", "contracts"),
    ("资产", "assets"),
    ("资源", "resources"),
    ("权责", "powers"),
    ("权力", "powers"),
    ("办事", "services"),
    ("服务", "services"),
    ("财务", "finance"),
    ("收支", "finance"),
    ("明细账", "finance"),
    ("概况", "village"),
)
_YAML_STEMS = frozenset({"village", "powers", "services"})

MSG_OLD_SHEET = "是旧版 Excel 或 WPS 表格格式，不能读取：请在 Excel 里另存为 .xlsx 或 .csv（文件名 {name}）"
MSG_CASE = "文件名应为 {name}（大小写不同），请改名"  # the same words as for county.yaml
MSG_RENAME = "文件名不对，这个文件不会发布：请改名为 {name}"
MSG_RENAME_BOTH = "文件名不对，这个文件不会发布：{name} 已经存在，请把这个文件的内容合并进去后删除这个文件"


@dataclass(frozen=True)
class Misnamed:
    """A file whose name means ``intended``; ``message`` says what to do."""

    name: str
    intended: str
    message: str


def _base_stem(stem: str) -> str:
    """The stem without copy marks, lower case: ``Finance - 副本 (2)`` → ``finance``."""
    prev = None
    stem = stem.strip()
    while prev != stem:
        prev = stem
        stem = _COPY_MARK.sub("", stem).strip()
    return stem.lower()


def intended_stem(stem: str, known: frozenset[str]) -> str | None:
    """The known stem that ``stem`` means (case, copy marks, Chinese names), or None."""
    base = _base_stem(stem)
    if base in known:
        return base
    for word, target in _CHINESE:
        if word in base and target in known:
            return target
    return None


def _split(name: str) -> tuple[str, str]:
    """(stem, suffix) with the suffix lower-cased; ``a.md.txt`` → (``a.md``, ``.txt``)."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:].lower()


def village_file(name: str, present: frozenset[str], tables: frozenset[str]) -> Misnamed | None:
    """What an unknown file ``name`` in a village folder was meant to be, if that is clear.

    ``present`` are the names in the folder; ``tables`` the table stems (finance, …).
    """
    stem, suffix = _split(name)
    inner = _split(stem)[1]
    if inner in TABLE_SUFFIXES + YAML_SUFFIXES + OLD_SHEET_SUFFIXES and (
            suffix == ".txt" or suffix == inner):
        stem, suffix = _split(stem)  # finance.csv.txt, finance.csv.csv (hidden extensions)
    known = tables | _YAML_STEMS
    target = intended_stem(stem, known)
    if target is None:
        return None
    if target in tables:
        if suffix in OLD_SHEET_SUFFIXES:
            intended = f"{target}.xlsx"
            return Misnamed(name, intended, MSG_OLD_SHEET.format(name=intended))
        if suffix not in TABLE_SUFFIXES and suffix != ".txt":
            return None
        intended = f"{target}{suffix if suffix in TABLE_SUFFIXES else '.csv'}"
    else:
        if suffix not in YAML_SUFFIXES + (".txt",):
            return None
        intended = f"{target}.yaml"
    if intended in present:
        return Misnamed(name, intended, MSG_RENAME_BOTH.format(name=intended))
    if name.lower() == intended:
        return Misnamed(name, intended, MSG_CASE.format(name=intended))
    return Misnamed(name, intended, MSG_RENAME.format(name=intended))


# folders clerks name in their own words: the folder they mean
_FOLDERS = {"notice": "notices", "公告": "notices", "公示": "notices", "公告公示": "notices",
            "file": "files", "附件": "files"}


def village_folder(name: str) -> str | None:
    """The folder (notices, files) a folder of a village was meant to be, or None."""
    lower = name.strip().lower()
    if lower in ("notices", "files"):
        return lower
    return _FOLDERS.get(lower)


def notice_file(name: str) -> tuple[str | None, str] | None:
    """For a file in ``notices/`` that is not ``*.md``: (intended name or None, message);
    None when the file is not a notice a clerk meant to publish (a picture, say)."""
    if name.endswith(".md"):
        return None
    stem, suffix = _split(name)
    if suffix == ".md":  # .MD
        intended = f"{stem}.md"
        return intended, f"文件名不对，这个公告不会发布：请改名为 {intended}"
    if suffix == ".txt":
        inner, inner_suffix = _split(stem)
        base = inner if inner_suffix in (".md", ".markdown") else stem
        intended = f"{base}.md"
        return intended, (f"文件名不对，这个公告不会发布：请改名为 {intended}"
                          "（记事本另存为时，“保存类型”选“所有文件”）")
    if suffix in (".markdown", ".mdown"):
        intended = f"{stem}.md"
        return intended, f"文件名不对，这个公告不会发布：请改名为 {intended}"
    if suffix in WORD_SUFFIXES:
        return None, "Word 文件不能作为公告发布：请把内容另存为 .md 纯文本文件（可用记事本），附件请放在 files/ 里"
    return None
