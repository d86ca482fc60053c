"""Publish a built site to S3-compatible object storage (``build.py deploy``).

Only what changed is uploaded: each local file is compared with the remote object
by the SHA-256 kept in the object's ``x-amz-meta-sha256`` metadata (falling back to
the MD5 ETag of single-part uploads), and by its Content-Type / Cache-Control, so a
header fix converges too. Objects under the prefix that the site no longer has are
deleted, but only after every upload, and never more than ``max_deletes`` without
``force``.

The upload order keeps the live site consistent while a deploy runs: assets and
search-index pieces first, then downloads and feeds, then Pagefind's entry files,
then HTML pages deepest-first, then the county homes, then the root ``index.html``.
Each phase finishes before the next starts, so an interrupted deploy leaves only
unreferenced new files behind, and running it again converges.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from generator.errors import ToolError, UsageError

logger = logging.getLogger(__name__)

WORKERS = 8
CHUNK = 1024 * 1024
DELETE_BATCH = 1000  # the S3 DeleteObjects limit
SHA256_META = "sha256"  # stored as x-amz-meta-sha256

SHORT_CACHE = "public, max-age=300, must-revalidate"
LONG_CACHE = "public, max-age=31536000, immutable"

# Content-Type by lower-case extension (without the dot). Unknown → octet-stream.
CONTENT_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "pdf": "application/pdf",
    "wasm": "application/wasm",
    "webmanifest": "application/manifest+json",
    "woff2": "font/woff2",
    "woff": "font/woff",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    # Pagefind's own binary formats.
    "pf_meta": "application/octet-stream",
    "pf_index": "application/octet-stream",
    "pf_fragment": "application/octet-stream",
    "pf_filter": "application/octet-stream",
    "pagefind": "application/octet-stream",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Files the browser fetches as the page's own assets (uploaded in the first phase).
ASSET_EXTENSIONS = frozenset(
    {"css", "js", "mjs", "svg", "png", "jpg", "jpeg", "gif", "webp", "ico", "woff", "woff2", "wasm"}
)
# Always revalidated, even if their names look fingerprinted.
ALWAYS_SHORT_EXTENSIONS = frozenset({"html", "htm", "xml", "atom", "rss", "txt", "json"})
PAGEFIND_IMMUTABLE_EXTENSIONS = frozenset({"pf_fragment", "pf_index", "pf_meta", "pf_filter"})
PAGEFIND_IMMUTABLE_DIRS = frozenset({"fragment", "index", "filter"})
# Pagefind names its WebAssembly ``wasm.<language>.pagefind`` — by language, not by
# content — and pagefind.js fetches it without a cache-busting query, so a Pagefind
# upgrade would pair a new pagefind.js with a year-old cached wasm. Kept short.
PAGEFIND_WASM_IMMUTABLE = False
# Pagefind files that name the current index: they go with the pages.
PAGEFIND_ENTRY_FILES = frozenset({"pagefind-entry.json", "pagefind.js"})

_FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_SLUG_BAD = re.compile(r"[/\\]|^\.{1,2}$|^$")

REASON_TEXT = {"new": "新增", "changed": "内容变化", "headers": "响应头变化"}


@dataclass(frozen=True)
class Target:
    """Where to deploy: ``s3://bucket/prefix`` (prefix has no leading/trailing slash)."""

    bucket: str
    prefix: str

    def key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    @property
    def list_prefix(self) -> str:
        return f"{self.prefix}/" if self.prefix else ""

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


@dataclass(frozen=True)
class Upload:
    """One object to upload, with the reason (``new``, ``changed`` or ``headers``)."""

    rel: str
    key: str
    path: Path
    size: int
    sha256: str
    md5: str
    content_type: str
    cache_control: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """What a deploy will do; ``phases`` run one after another, in order."""

    target: Target
    phases: tuple[tuple[Upload, ...], ...]
    deletions: tuple[str, ...]
    unchanged: int

    @property
    def uploads(self) -> tuple[Upload, ...]:
        return tuple(u for phase in self.phases for u in phase)

    @property
    def bytes(self) -> int:
        return sum(u.size for u in self.uploads)


@dataclass(frozen=True)
class DeployResult:
    """What was (or, with ``dry_run``, would be) uploaded and deleted — keys, in order."""

    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int
    bytes_uploaded: int
    dry_run: bool = False


@dataclass(frozen=True)
class _Remote:
    size: int
    etag: str


# ---------------------------------------------------------------- pure rules


def parse_target(to: str) -> Target:
    """Parse ``s3://bucket[/prefix]``; raise UsageError (Chinese) if malformed."""
    hint = "--to 的格式应为 s3://存储桶名/前缀，例如 s3://ydt-site/xian"
    if not to.startswith("s3://"):
        raise UsageError(f"--to 写的是 “{to}”，不是 s3:// 开头。{hint}")
    bucket, _, prefix = to[len("s3://") :].partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise UsageError(
            f"存储桶名 “{bucket}” 不合规：只能用小写字母、数字、点和连字符，长 3–63 个字符。{hint}"
        )
    prefix = prefix.strip("/")
    if prefix:
        parts = prefix.split("/")
        if any(p in ("", ".", "..") for p in parts) or "\\" in prefix:
            raise UsageError(f"前缀 “{prefix}” 不合规：不能含空段、“.” 或 “..”。{hint}")
    return Target(bucket=bucket, prefix=prefix)


def _ext(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def content_type_for(rel: str) -> str:
    """The Content-Type for a file, from :data:`CONTENT_TYPES`."""
    return CONTENT_TYPES.get(_ext(PurePosixPath(rel).name), DEFAULT_CONTENT_TYPE)


def _in_pagefind(rel: str) -> bool:
    return "pagefind" in PurePosixPath(rel).parts[:-1]


def _pagefind_subdir(rel: str) -> str | None:
    parts = PurePosixPath(rel).parts
    for i, part in enumerate(parts[:-2]):
        if part == "pagefind":
            return parts[i + 1]
    return None


def is_immutable(rel: str) -> bool:
    """True for fingerprinted assets and Pagefind's content-addressed index pieces."""
    name = PurePosixPath(rel).name
    ext = _ext(name)
    if ext in ALWAYS_SHORT_EXTENSIONS or name.startswith("pagefind-ui."):
        return False
    if name in PAGEFIND_ENTRY_FILES and _in_pagefind(rel):
        return False
    if ext in PAGEFIND_IMMUTABLE_EXTENSIONS:
        return True
    if ext == "pagefind" and name.startswith("wasm."):
        return PAGEFIND_WASM_IMMUTABLE
    if _pagefind_subdir(rel) in PAGEFIND_IMMUTABLE_DIRS:
        return True
    return bool(_FINGERPRINT.search(name))


def cache_control_for(rel: str) -> str:
    return LONG_CACHE if is_immutable(rel) else SHORT_CACHE


def phase_of(rel: str, *, whole_site: bool) -> tuple[int, int]:
    """Sort key of the upload phase a file belongs to (lower goes first).

    ``whole_site`` is True when the deployed root is the whole ``--out`` folder, whose
    top-level folders are counties; otherwise the deployed root is one county.
    """
    path = PurePosixPath(rel)
    ext = _ext(path.name)
    depth = len(path.parts) - 1
    if ext in ("html", "htm"):
        if rel == "index.html":
            return (6, 0)
        if whole_site and depth == 1 and path.name == "index.html":
            return (5, 0)
        return (4, -depth)
    if _in_pagefind(rel):
        return (3, 0) if path.name in PAGEFIND_ENTRY_FILES else (1, 0)
    if ext in ASSET_EXTENSIONS or "assets" in path.parts[:-1]:
        return (1, 0)
    return (2, 0)


# ---------------------------------------------------------------- local files


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file below ``root`` as (posix relative path, path), sorted."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(filenames):
            path = base / name
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


def _hash_file(path: Path) -> tuple[str, str, int]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), md5.hexdigest(), size


def _norm_header(value: str | None) -> str:
    return (value or "").replace(" ", "").lower()


# ---------------------------------------------------------------- storage


def _make_client(endpoint_url: str | None) -> Any:
    """A boto3 S3 client that fails fast on an unreachable endpoint."""
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        max_pool_connections=WORKERS * 2,
        # The CRC32 trailers boto3 ≥1.36 adds by default are refused by several
        # S3-compatible services; send checksums only where the API needs them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, config=config)


_CREDENTIAL_HINT = (
    "请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY，"
    "或用 AWS_PROFILE 指定 ~/.aws/credentials 里的一组配置。"
)
_DENIED_CODES = frozenset(
    {
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "AccessDenied",
        "403",
        "InvalidToken",
        "ExpiredToken",
        "InvalidSecurity",
        "AuthorizationHeaderMalformed",
    }
)


def _tool_error(exc: Exception, target: Target, endpoint_url: str | None) -> ToolError:
    """Translate a boto3 failure into a plain Chinese ToolError."""
    where = endpoint_url or "默认的 AWS 地址"
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ToolError(f"找不到对象存储的访问密钥。{_CREDENTIAL_HINT}")
    if isinstance(exc, ProfileNotFound):
        return ToolError(f"AWS_PROFILE 指定的配置不存在：{exc}。{_CREDENTIAL_HINT}")
    if isinstance(
        exc,
        EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError,
    ):
        return ToolError(f"连接不上对象存储 {where}：请检查网络和 --endpoint-url 是否正确。")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in _DENIED_CODES:
            return ToolError(
                f"对象存储拒绝了访问密钥（{code}）：请检查 AWS_ACCESS_KEY_ID 和 "
                f"AWS_SECRET_ACCESS_KEY（或 AWS_PROFILE）是否正确，以及这组密钥能否写入存储桶 {target.bucket}。"
            )
        if code in ("NoSuchBucket", "404"):
            return ToolError(
                f"存储桶 {target.bucket} 不存在：请先在对象存储的控制台创建它，或检查 --to 是否写错。"
            )
        message = error.get("Message", "") or str(exc)
        return ToolError(f"对象存储 {where} 报错（{code}）：{message}")
    if isinstance(exc, BotoCoreError):
        return ToolError(f"访问对象存储 {where} 失败：{exc}")
    return ToolError(f"部署失败：{exc}")


def _list_remote(client: Any, target: Target) -> dict[str, _Remote]:
    remote: dict[str, _Remote] = {}
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=target.bucket, Prefix=target.list_prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.endswith("/"):
                continue  # a "folder" marker, not a file
            remote[key] = _Remote(
                size=int(obj.get("Size", 0)), etag=str(obj.get("ETag", "")).strip('"')
            )
    return remote


def _compare(
    client: Any, target: Target, rel: str, path: Path, remote: _Remote | None
) -> Upload | None:
    """The upload needed for one file, or None if the remote object is already right."""
    sha, md5, size = _hash_file(path)
    key = target.key(rel)
    upload = Upload(
        rel=rel,
        key=key,
        path=path,
        size=size,
        sha256=sha,
        md5=md5,
        content_type=content_type_for(rel),
        cache_control=cache_control_for(rel),
        reason="new",
    )
    if remote is None:
        return upload
    if remote.size != size:
        return _with_reason(upload, "changed")
    try:
        head = client.head_object(Bucket=target.bucket, Key=key)
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            return upload  # deleted since we listed it
        raise
    meta = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
    etag = str(head.get("ETag", "")).strip('"')
    if SHA256_META in meta:
        same = meta[SHA256_META].lower() == sha
    else:
        same = "-" not in etag and etag.lower() == md5
    if not same:
        return _with_reason(upload, "changed")
    headers_ok = (
        _norm_header(head.get("ContentType")) == _norm_header(upload.content_type)
        and _norm_header(head.get("CacheControl")) == _norm_header(upload.cache_control)
        and not head.get("ContentEncoding")
    )
    return None if headers_ok else _with_reason(upload, "headers")


def _with_reason(upload: Upload, reason: str) -> Upload:
    return Upload(**{**upload.__dict__, "reason": reason})


def _put(client: Any, bucket: str, upload: Upload) -> None:
    with upload.path.open("rb") as body:
        client.put_object(
            Bucket=bucket,
            Key=upload.key,
            Body=body,
            ContentLength=upload.size,
            ContentMD5=base64.b64encode(bytes.fromhex(upload.md5)).decode("ascii"),
            ContentType=upload.content_type,
            CacheControl=upload.cache_control,
            Metadata={SHA256_META: upload.sha256},
        )
    logger.debug("uploaded %s (%s)", upload.key, upload.reason)


def _delete(client: Any, bucket: str, keys: tuple[str, ...]) -> None:
    for start in range(0, len(keys), DELETE_BATCH):
        batch = keys[start : start + DELETE_BATCH]
        response = client.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
        )
        errors = response.get("Errors") or []
        if errors:
            first = errors[0]
            raise ToolError(
                f"删除 {len(errors)} 个旧文件失败，例如 {first.get('Key')}："
                f"{first.get('Code')} {first.get('Message', '')}。上传已完成，重新运行可再次尝试删除。"
            )


# ---------------------------------------------------------------- plan & run


def _resolve_root(out: Path, county: str | None) -> Path:
    if not out.is_dir():
        raise UsageError(
            f"输出文件夹 {out} 不存在：请先运行 python build.py 生成网站，或检查 --out。"
        )
    if county is None:
        return out
    if _SLUG_BAD.search(county):
        raise UsageError(f"--county 的值 “{county}” 不是一个县的文件夹名。")
    root = out / county
    if not root.is_dir():
        raise UsageError(
            f"输出文件夹 {out} 里没有 {county}/：请先生成这个县的网站，或检查 --county 是否写错。"
        )
    return root


def _group_phases(uploads: Iterable[Upload], *, whole_site: bool) -> tuple[tuple[Upload, ...], ...]:
    groups: dict[tuple[int, int], list[Upload]] = {}
    for upload in uploads:
        groups.setdefault(phase_of(upload.rel, whole_site=whole_site), []).append(upload)
    return tuple(tuple(sorted(groups[k], key=lambda u: u.rel)) for k in sorted(groups))


def plan_deploy(client: Any, root: Path, target: Target, *, whole_site: bool) -> Plan:
    """Compare ``root`` with the objects under ``target`` (reads only)."""
    remote = _list_remote(client, target)
    local = list(_walk(root))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(
            pool.map(
                lambda item: _compare(
                    client, target, item[0], item[1], remote.get(target.key(item[0]))
                ),
                local,
            )
        )
    uploads = [u for u in results if u is not None]
    local_keys = {target.key(rel) for rel, _ in local}
    deletions = tuple(sorted(set(remote) - local_keys))
    return Plan(
        target=target,
        phases=_group_phases(uploads, whole_site=whole_site),
        deletions=deletions,
        unchanged=len(results) - len(uploads),
    )


def _echo_plan(plan: Plan, echo: Callable[[str], None]) -> None:
    for upload in plan.uploads:
        echo(f"上传 {upload.key}（{REASON_TEXT[upload.reason]}，{upload.size:,} 字节）")
    for key in plan.deletions:
        echo(f"删除 {key}")


def _summary(plan: Plan) -> str:
    return (
        f"上传 {len(plan.uploads)} 个文件（共 {plan.bytes:,} 字节），"
        f"删除 {len(plan.deletions)} 个，{plan.unchanged} 个未变"
    )


def _too_many_deletes(plan: Plan, max_deletes: int) -> str:
    return (
        f"这次部署要删除 {plan.target} 下的 {len(plan.deletions)} 个文件，超过了上限 {max_deletes} 个，"
        f"所以什么都没有改动。请先用 --dry-run 查看要删除的文件，确认无误后加 --force 再运行"
        f"（或用 --max-deletes 调高上限）。"
    )


def deploy(
    out: Path,
    to: str,
    *,
    county: str | None = None,
    endpoint_url: str | None = None,
    dry_run: bool = False,
    max_deletes: int = 256,
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> DeployResult:
    """Publish ``out`` (or ``out/<county>``) under ``to`` = ``s3://bucket/prefix``."""
    target = parse_target(to)
    root = _resolve_root(Path(out), county)
    if max_deletes < 0:
        raise UsageError("--max-deletes 不能是负数。")
    whole_site = county is None
    try:
        client = _make_client(endpoint_url)
        plan = plan_deploy(client, root, target, whole_site=whole_site)
    except (BotoCoreError, ClientError) as exc:
        raise _tool_error(exc, target, endpoint_url) from exc
    except OSError as exc:
        raise ToolError(f"读取 {root} 里的文件失败：{exc}") from exc

    refused = len(plan.deletions) > max_deletes and not force
    if dry_run:
        echo(f"预演（--dry-run），不做任何改动：{root} → {target}")
        _echo_plan(plan, echo)
        echo(f"共计：{_summary(plan)}")
        if refused:
            echo("注意：" + _too_many_deletes(plan, max_deletes))
        return DeployResult(
            uploaded=tuple(u.key for u in plan.uploads),
            deleted=plan.deletions,
            unchanged=plan.unchanged,
            bytes_uploaded=plan.bytes,
            dry_run=True,
        )
    if refused:
        raise ToolError(_too_many_deletes(plan, max_deletes))

    echo(f"部署 {root} → {target}：{_summary(plan)}")
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for phase in plan.phases:
                # list() waits for the whole phase before the next one starts.
                list(pool.map(lambda u: _put(client, target.bucket, u), phase))
        if plan.deletions:
            _delete(client, target.bucket, plan.deletions)
    except (BotoCoreError, ClientError) as exc:
        err = _tool_error(exc, target, endpoint_url)
        raise ToolError(f"{err} 部署中断，线上网站仍可访问；问题解决后重新运行即可补全。") from exc
    except OSError as exc:
        raise ToolError(f"读取 {root} 里的文件失败：{exc}。部署中断，重新运行即可补全。") from exc
    echo(f"部署完成：{_summary(plan)}")
    return DeployResult(
        uploaded=tuple(u.key for u in plan.uploads),
        deleted=plan.deletions,
        unchanged=plan.unchanged,
        bytes_uploaded=plan.bytes,
    )
