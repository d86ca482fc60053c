"""YAML with text-only scalars and line numbers (generator.yamltext)."""

from __future__ import annotations

import time

import pytest

from generator.errors import Problem
from generator.read.yamltext import (
    YList,
    YMap,
    front_matter_unclosed,
    load_yaml,
    split_front_matter,
)

ANCHOR_MESSAGE = "不支持 YAML 锚点和引用（& 和 *），请直接写出内容"


def load_ok(text: str) -> object:
    data, problems = load_yaml(text, "c/v/village.yaml")
    assert problems == []
    return data


def test_every_scalar_stays_text():
    data = load_ok(
        "代码: 0371\n"
        "办公时间: 8:30\n"
        "是否: 是\n"
        "a: no\n"
        "b: on\n"
        "c: yes\n"
        "d: 1.50\n"
        "e: null\n"
        "f: ~\n"
        "g: 2025-03-05\n"
        "空:\n"
        "h: '引号'\n"
    )
    assert data == {
        "代码": "0371",
        "办公时间": "8:30",
        "是否": "是",
        "a": "no",
        "b": "on",
        "c": "yes",
        "d": "1.50",
        "e": "null",
        "f": "~",
        "g": "2025-03-05",
        "空": "",
        "h": "引号",
    }
    assert all(type(v) is str for v in data.values())


def test_line_numbers_of_mappings_keys_and_items():
    text = (
        "# 村居概况\n"  # 1
        "名称: 刘庄村\n"  # 2
        "干部:\n"  # 3
        "  - 姓名: 张三\n"  # 4
        "    职务: 书记\n"  # 5
        "\n"  # 6
        "  - 姓名: 李四\n"  # 7
        "标签: [a, b]\n"  # 8
    )
    data = load_ok(text)
    assert isinstance(data, YMap)
    assert data.line == 2
    assert data.key_lines == {"名称": 2, "干部": 3, "标签": 8}
    cadres = data["干部"]
    assert isinstance(cadres, YList)
    assert cadres.item_lines == [4, 7]
    first = cadres[0]
    assert isinstance(first, YMap)
    assert first.line == 4
    assert first.key_lines == {"姓名": 4, "职务": 5}
    assert data["标签"] == ["a", "b"] and data["标签"].item_lines == [8, 8]


def test_empty_document_and_bom():
    assert load_yaml("", "x.yaml") == (None, [])
    assert load_yaml("# 只有注释\n", "x.yaml") == (None, [])
    data, problems = load_yaml("\ufeff名称: 东关镇\n", "x.yaml")
    assert data == {"名称": "东关镇"} and problems == []


def test_syntax_error_names_the_line_where_the_parser_stopped():
    data, problems = load_yaml("名称: 刘庄村\n电话: [0371, 12388\n地址: 村委会\n", "c/v.yaml")
    assert data is None
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.field) == ("c/v.yaml", 3, "YAML")
    assert problem.message.startswith("YAML 格式错误：")
    assert "did not find expected" in problem.message


def test_colon_in_value_error_explains_quotes():
    _data, problems = load_yaml("名称: 刘庄村\n办公时间: 上午: 8:30\n", "v.yaml")
    assert [(p.line, p.field) for p in problems] == [(2, "YAML")]
    assert "加引号" in problems[0].message


def test_tab_indentation_is_explained():
    _data, problems = load_yaml("干部:\n\t- 张三\n", "v.yaml")
    assert [(p.line, p.field) for p in problems] == [(2, "YAML")]
    assert "Tab" in problems[0].message


def test_billion_laughs_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    data, problems = load_yaml("\n".join(lines) + "\n", "v.yaml")
    assert time.perf_counter() - start < 0.5
    assert data is None
    assert problems == [Problem("v.yaml", 1, "YAML", ANCHOR_MESSAGE)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: *x\n", 2),
        ("base: &base {a: 1}\n", 1),
        ("- <<: {a: 1}\n  b: 2\n", 1),
    ],
)
def test_anchors_aliases_and_merge_keys_are_refused(text, line):
    assert load_yaml(text, "v.yaml") == (None, [Problem("v.yaml", line, "YAML", ANCHOR_MESSAGE)])


def test_quoted_merge_key_is_just_text():
    assert load_ok("'<<': x\n") == {"<<": "x"}


def test_duplicate_key_is_reported_and_first_value_kept():
    data, problems = load_yaml("名称: 刘庄村\n代码: 1\n名称: 王庄村\n", "v.yaml")
    assert problems == [Problem("v.yaml", 3, "名称", "重复的键")]
    assert data == {"名称": "刘庄村", "代码": "1"}


def test_non_text_key_is_an_error():
    data, problems = load_yaml("名称: a\n? [x, y]\n: 1\n", "v.yaml")
    assert [(p.line, p.field) for p in problems] == [(2, "YAML")]
    assert "键必须是文字" in problems[0].message
    assert data == {"名称": "a"}


def test_several_documents_are_an_error():
    data, problems = load_yaml("名称: a\n---\n名称: b\n", "v.yaml")
    assert data is None
    assert [(p.line, p.field) for p in problems] == [(2, "YAML")]
    assert "只能有一个" in problems[0].message


def test_depth_limit():
    ok = "[" * 20 + "x" + "]" * 20
    assert load_yaml(ok, "v.yaml")[1] == []
    data, problems = load_yaml("[" * 21 + "x" + "]" * 21, "v.yaml")
    assert data is None
    assert [(p.line, p.field) for p in problems] == [(1, "YAML")]
    assert "嵌套" in problems[0].message
    start = time.perf_counter()
    assert load_yaml("[" * 100_000, "v.yaml")[0] is None
    assert time.perf_counter() - start < 1


def test_node_limit_is_located_and_quick():
    text = "".join(f"- {i}\n" for i in range(100_010))
    start = time.perf_counter()
    data, problems = load_yaml(text, "v.yaml")
    assert time.perf_counter() - start < 5
    assert data is None
    assert [(p.line, p.field) for p in problems] == [(100_000, "YAML")]
    assert "过多" in problems[0].message


def test_front_matter_split_keeps_file_lines():
    text = "---\n标题: 公示\n日期: 2025-04-02\n---\n正文第一行\n\n第三行\n"
    front, body, body_line = split_front_matter(text)
    assert front == "标题: 公示\n日期: 2025-04-02\n"
    assert body == "正文第一行\n\n第三行\n"
    assert body_line == 5
    # yaml_text starts on the file's line 2: one leading newline gives file lines.
    data, problems = load_yaml("\n" + front, "n.md")
    assert problems == []
    assert data.key_lines == {"标题": 2, "日期": 3}


def test_front_matter_absent_or_unclosed():
    assert split_front_matter("正文\n") == (None, "正文\n", 1)
    assert split_front_matter("---- 标题\n") == (None, "---- 标题\n", 1)
    assert not front_matter_unclosed("正文\n")
    unclosed = "---\n标题: 公示\n正文\n"
    assert split_front_matter(unclosed) == (None, unclosed, 1)
    assert front_matter_unclosed(unclosed)
    assert not front_matter_unclosed("---\n标题: a\n---\n")


def test_front_matter_with_crlf_and_empty_block():
    front, body, body_line = split_front_matter("---\r\n标题: a\r\n---\r\n正文\r\n")
    assert load_yaml(front, "n.md")[0] == {"标题": "a"}
    assert body.strip() == "正文" and body_line == 4
    assert split_front_matter("---\n---\n正文") == ("", "正文", 3)
