"""The Pagefind service client: documents in, a reproducible bundle out, or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import index
from generator.errors import ToolError


def _docs(n: int) -> list[tuple[str, bytes]]:
    return [(f"t/v{i}/index.html",
             f'<!doctype html><html lang="zh-CN"><body><main data-pagefind-body>'
             f"<h1>第{i}页</h1><p>修路 张三 {i}</p></main></body></html>".encode())
            for i in range(n)]


def test_bundle_is_written_and_reproducible(tmp_path: Path) -> None:
    pool = index.ServicePool()
    try:
        index.index_documents(_docs(30), tmp_path / "a", pool)
        index.index_documents(_docs(30), tmp_path / "b", pool)  # the same service, reused
    finally:
        pool.close()
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert (tmp_path / "a" / "pagefind-entry.json").is_file() and len(files_a) > 30
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_a_hung_pagefind_is_stopped_with_a_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(index, "TIMEOUT", 0.01)
    with pytest.raises(ToolError, match="超时"):
        index.index_documents(_docs(3000), tmp_path / "out")
