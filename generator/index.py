"""Run the Pagefind extended binary over a written county folder."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from .errors import ToolError

log = logging.getLogger(__name__)


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as e:
        raise ToolError("找不到 Pagefind 扩展版（中文分词需要它）。请运行：python -m pip install 'pagefind[extended]'") from e
    return Path(get_executable())


def run_pagefind(site: Path, *, glob: str | None = None, output_subdir: str = "pagefind",
                 output_path: Path | None = None) -> None:
    """Index ``site`` (one county folder) into ``site/<output_subdir>``, or into
    ``output_path`` when given."""
    exe = pagefind_executable()
    out = output_path.absolute() if output_path is not None else site / output_subdir
    cmd = [str(exe), "--site", str(site), "--silent"]
    cmd += ["--output-path", str(out)] if output_path is not None else ["--output-subdir", output_subdir]
    if glob:
        cmd += ["--glob", glob]
    log.debug("running %s", cmd)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except OSError as e:
        raise ToolError(f"无法运行 Pagefind（{exe}）：{e}") from e
    except subprocess.TimeoutExpired as e:
        raise ToolError("Pagefind 建立搜索索引超时") from e
    if proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip()[-2000:]
        raise ToolError(f"Pagefind 建立搜索索引失败（退出码 {proc.returncode}）：{msg}")
    # Pagefind writes filter values in hash-map order: make the bundle reproducible
    from .pagefind_canon import canonicalize

    canonicalize(out)
