"""Where a published county site is read from: a folder, an http(s) URL or s3://bucket/prefix.

A source reads files by their path below the county folder (``ledger/checkpoint.json``).
``read`` returns None for a file that is not there; anything else that goes wrong (the
host does not answer, the bucket is refused) is a ToolError (exit 3).
"""

from __future__ import annotations

import logging
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from generator.errors import ToolError

log = logging.getLogger(__name__)

CHECKPOINT = "ledger/checkpoint.json"
TIMEOUT = 30


class Source:
    label: str

    def read(self, rel: str) -> bytes | None:
        raise NotImplementedError

    def copy(self, rel: str, dst: Path) -> bool:
        """Put the file ``rel`` at ``dst`` (a hard link where possible); False when missing."""
        data = self.read(rel)
        if data is None:
            return False
        with open(dst, "wb") as f:
            f.write(data)
        return True


class FolderSource(Source):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.root / rel).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise ToolError(f"读取以前的更新记录 {self.root / rel} 失败：{e.strerror}") from e

    def copy(self, rel: str, dst: Path) -> bool:
        src = self.root / rel
        if not src.is_file():
            return False
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
        return True


class HttpSource(Source):
    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.label = self.base

    def read(self, rel: str) -> bytes | None:
        url = urllib.parse.urljoin(self.base, urllib.parse.quote(rel))
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as r:  # noqa: S310 - http(s) only
                return r.read()
        except urllib.error.HTTPError as e:
            if e.code in (403, 404, 410):
                return None
            raise ToolError(f"读取以前公开的更新记录 {url} 失败：HTTP {e.code}") from e
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            reason = getattr(e, "reason", e)
            raise ToolError(f"连接不上 {url}（{reason}），无法读取以前公开的更新记录") from e


class S3Source(Source):
    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlparse(url)
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        self.label = url
        try:
            import boto3
            import botocore.exceptions as bexc
        except ImportError as e:  # pragma: no cover - boto3 is a dependency
            raise ToolError('读取 s3:// 需要 boto3：请先安装：pip install "yidiantong[deploy]"') from e
        self._errors = (bexc.BotoCoreError, bexc.ClientError)
        self._client = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))

    def read(self, rel: str) -> bytes | None:
        key = f"{self.prefix}/{rel}" if self.prefix else rel
        try:
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self._errors as e:
            code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                return None
            raise ToolError(f"读取 {self.label}/{rel} 失败：{e}") from e


def _candidates(spec: str, county: str) -> list[Source]:
    if spec.startswith(("http://", "https://")):
        return [HttpSource(spec), HttpSource(spec.rstrip("/") + f"/{county}/")]
    if spec.startswith("s3://"):
        return [S3Source(spec), S3Source(spec.rstrip("/") + f"/{county}")]
    return [FolderSource(Path(spec)), FolderSource(Path(spec) / county)]


def find_source(spec: str, county: str) -> Source | None:
    """The first of ``spec`` and ``spec/<county>`` that holds the county's log
    (``ledger/checkpoint.json``), or None (also for a folder that does not exist)."""
    for c in _candidates(spec, county):
        if c.read(CHECKPOINT) is not None:
            return c
    return None


def open_source(spec: str, county: str) -> Source:
    """The published county site ``spec`` names: the county's own folder / URL, or the site
    above it (then ``<county>/`` is added). ToolError when neither holds a checkpoint."""
    if not spec.startswith(("http://", "https://", "s3://")) and not Path(spec).is_dir():
        raise ToolError(f"--previous 指定的文件夹 {spec} 不存在")
    found = find_source(spec, county)
    if found is not None:
        return found
    raise ToolError(f"在 {spec} 没有找到 {county} 的更新记录（{CHECKPOINT}）；"
                    "如果确实要重新开始记录，请加 --new-ledger")
