"""YAML where every scalar stays text, with line numbers.

Clerks write ``代码: 0371`` and ``办公时间: 8:30``; YAML's own typing would turn those
into 249 and 510. Here every scalar is a ``str`` (typing belongs to the schema), and
every mapping and sequence remembers the lines it came from.

The document is built straight from PyYAML's event stream (libyaml when available),
so nothing is ever expanded: anchors, aliases and ``<<`` merge keys are refused the
moment they appear, and depth and node-count limits stop hostile input early.
"""

from __future__ import annotations

import logging
import re

import yaml

from generator.errors import Problem

logger = logging.getLogger(__name__)

MAX_DEPTH = 20
MAX_NODES = 100_000

FIELD = "YAML"
MSG_ANCHOR = "不支持 YAML 锚点和引用（& 和 *），请直接写出内容"
MSG_DUPLICATE = "重复的键"
MSG_KEY_NOT_TEXT = "键必须是文字，不能是列表或映射"
MSG_MULTI_DOC = "一个文件只能有一个 YAML 文档（多了一个 ---）"
MSG_TOO_DEEP = f"YAML 嵌套超过 {MAX_DEPTH} 层"
MSG_TOO_MANY = f"YAML 内容过多（超过 {MAX_NODES} 项）"

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class YMap(dict[str, object]):
    """A YAML mapping: ``line`` is where it starts, ``key_lines[key]`` where each key is."""

    line: int
    key_lines: dict[str, int]

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.key_lines = {}


class YList(list[object]):
    """A YAML sequence: ``line`` is where it starts, ``item_lines[i]`` where item i is."""

    line: int
    item_lines: list[int]

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.item_lines = []


# Short Chinese explanations for the parser's usual complaints (matched in order).
_EXPLAIN: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "这里不能有冒号（值里有冒号时请给整个值加引号）"),
    ("could not find expected ':'", "缺少冒号，或缩进不对"),
    ("found unexpected end of stream", "引号或括号没有配对"),
    ("found unknown escape character", "双引号里的反斜杠 \\ 用法不对（可改用单引号）"),
    ("did not find expected key", "缩进没有对齐"),
    ("did not find expected '-' indicator", "列表的 - 没有对齐"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有配对"),
    ("did not find expected ',' or '}'", "花括号 { } 没有配对"),
    ("expected <block end>", "缩进没有对齐"),
    ("control characters are not allowed", "含有不可见的控制字符"),
    ("cannot start any token", "这个字符不能放在开头（请给整个值加引号）"),
    ("exceeded maximum nesting depth", f"嵌套层数过多（最多 {MAX_DEPTH} 层）"),
)
_DEFAULT_EXPLAIN = "请检查缩进、冒号和引号"
_TAB_EXPLAIN = "不能用 Tab 缩进，请改用空格"


def _explain(problem: str) -> str:
    for needle, text in _EXPLAIN:
        if needle in problem:
            return text
    return _DEFAULT_EXPLAIN


class _Stop(Exception):
    """Fatal problem: stop reading, return no data."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


_NO_KEY = object()  # the pending key of a mapping whose key was not text


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.root: object | None = None
        self.has_root = False
        self.nodes = 0
        self.documents = 0
        # Each frame: [container, pending_key, pending_key_line]; pending_key None = expect key.
        self.stack: list[list[object]] = []

    def stop(self, line: int, message: str, field: str = FIELD) -> _Stop:
        return _Stop(Problem(self.path, line, field, message))

    def feed(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise self.stop(line, MSG_ANCHOR)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.stop(line, MSG_MULTI_DOC)
            return
        if isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                raise self.stop(line, MSG_ANCHOR)
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise self.stop(line, MSG_TOO_MANY)
        if isinstance(event, yaml.ScalarEvent):
            is_merge = event.value == "<<" and bool(event.implicit[0])  # plain, unquoted
            self.attach(event.value, line, is_merge)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(self.stack) >= MAX_DEPTH:
                raise self.stop(line, MSG_TOO_DEEP)
            node: object = YMap(line) if isinstance(event, yaml.MappingStartEvent) else YList(line)
            self.stack.append([node, None, 0])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            node = self.stack.pop()[0]
            assert isinstance(node, YMap | YList)
            self.attach(node, node.line, False)

    def attach(self, value: object, line: int, is_merge: bool) -> None:
        if not self.stack:
            self.root, self.has_root = value, True
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, YList):
            container.append(value)
            container.item_lines.append(line)
            return
        assert isinstance(container, YMap)
        if frame[1] is None:  # this is a key
            if is_merge:
                raise self.stop(line, MSG_ANCHOR)
            if isinstance(value, str):
                frame[1], frame[2] = value, line
            else:
                self.problems.append(Problem(self.path, line, FIELD, MSG_KEY_NOT_TEXT))
                frame[1], frame[2] = _NO_KEY, line
            return
        key, key_line = frame[1], frame[2]
        frame[1] = None
        if key is _NO_KEY:
            return
        assert isinstance(key, str) and isinstance(key_line, int)
        if key in container:
            self.problems.append(Problem(self.path, key_line, key, MSG_DUPLICATE))
            return
        container[key] = value
        container.key_lines[key] = key_line


def _leading_space(text: str, line: int) -> str:
    lines = text.split("\n", line)
    if line - 1 >= len(lines):
        return ""
    content = lines[line - 1]
    return content[: len(content) - len(content.lstrip(" \t"))]


def _line_of_position(text: str, position: int) -> int:
    return text.count("\n", 0, max(0, position)) + 1


def load_yaml(text: str, path: str) -> tuple[object | None, list[Problem]]:
    """Parse ``text`` (the content of ``path``) with every scalar as ``str``.

    Returns ``(data, problems)``. ``data`` is a :class:`YMap`, :class:`YList`, a
    ``str`` or None (an empty document). Syntax errors, anchors/aliases, several
    documents, too deep or too large input give ``(None, [problem])``; duplicate
    keys and non-text keys are reported but the rest of the data is returned.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    builder = _Builder(path)
    loader = _Loader(text)
    try:
        while loader.check_event():
            builder.feed(loader.get_event())
    except _Stop as stop:
        return None, [*builder.problems, stop.problem]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = exc.problem or exc.context or "unknown"
        explain = _explain(detail)
        if "\t" in _leading_space(text, line):
            explain = _TAB_EXPLAIN
        message = f"YAML 格式错误：{explain}（{detail}）"
        found = clerk_hint(text, line)
        if found is not None:
            line, message = found[0], f"YAML 格式错误：{found[1]}"
        return None, [*builder.problems, Problem(path, line, FIELD, message)]
    except yaml.reader.ReaderError as exc:
        line = _line_of_position(text, exc.position)
        message = f"YAML 格式错误：{_explain(exc.reason)}（{exc.reason}）"
        return None, [*builder.problems, Problem(path, line, FIELD, message)]
    finally:
        loader.dispose()
    return (builder.root if builder.has_root else None), builder.problems


# what clerks type that YAML cannot read, each with a plain hint
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[ \t]*\u3000"), "行首有中文全角空格，缩进请用英文半角空格"),
    (re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"\[{]+\s*："),
     "请把中文冒号“：”改成英文冒号加空格（如“户数: 298”）"),
    (re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"\[{]+:[^\s/]"), "冒号后面要加一个空格（如“户数: 298”）"),
)
_HINT_LOOKBACK = 3  # the parser stops on the line after the mistake, or a little later


def clerk_hint(text: str, line: int) -> tuple[int, str] | None:
    """(line, hint) for a typical clerk's mistake at or shortly before the line where the
    parser stopped: a full-width colon, no space after a colon, full-width spaces as
    indentation. None when there is none."""
    lines = text.split("\n")
    for ln in range(min(line, len(lines)), max(0, line - _HINT_LOOKBACK - 1), -1):
        for pattern, hint in _HINTS:
            if pattern.search(lines[ln - 1]):
                return ln, hint
    return None


_FENCE = re.compile(r"---[ \t]*\r?\n?")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split a notice into ``(yaml_text, body, body_first_line)``.

    When the text starts with a ``---`` line and a later line is ``---``,
    ``yaml_text`` is the lines between (its line 1 is the file's line 2, so load it
    with a one-line offset, e.g. ``load_yaml("\\n" + yaml_text, path)``), ``body`` is
    what follows the closing line, and ``body_first_line`` is the file line where the
    body starts.

    Otherwise — no opening ``---``, or an opening ``---`` never closed — the result is
    ``(None, text, 1)``; :func:`front_matter_unclosed` tells the two apart so the
    caller can say "缺少结束的 ---".
    """
    found = _split(text)
    if found is None:
        return None, _strip_bom(text), 1
    return found


def front_matter_unclosed(text: str) -> bool:
    """True when the text opens a front matter block with ``---`` but never closes it."""
    return _opens(_strip_bom(text)) is not None and _split(text) is None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _opens(text: str) -> int | None:
    """End offset of an opening ``---`` line, or None."""
    first = _FENCE.match(text)
    if first is None:
        return None
    if first.end() < len(text) and not first.group(0).endswith("\n"):
        return None  # "---abc" is not a fence
    return first.end()


def _split(text: str) -> tuple[str, str, int] | None:
    text = _strip_bom(text)
    start = _opens(text)
    if start is None:
        return None
    parts = text[start:].split("\n")
    for index, part in enumerate(parts):
        if part.rstrip(" \t\r") == "---":
            yaml_text = "".join(p + "\n" for p in parts[:index])
            body = "\n".join(parts[index + 1 :])
            return yaml_text, body, index + 3
    return None
