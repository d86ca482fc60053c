"""Publish a built site to S3-compatible object storage (``build.py deploy``).

Only what changed is uploaded, and finding out costs only the listing: each deploy
leaves a manifest in the bucket (``<prefix>/.ydt-manifest.json.gz``) with, for every
object it wrote, the ETag the store gave it, its SHA-256 (when the ETag is not the MD5 of
the bytes) and the Content-Type / Cache-Control it was sent with. An object whose listed
ETag and size are still the ones in the manifest is compared with the local file from
the manifest alone (MD5 or SHA-256, and the headers the rules give now, so a header fix
converges too); any other object — put there by another tool or an older version, or
changed since — is compared through a HEAD request (the SHA-256 kept in its
``x-amz-meta-sha256`` metadata, else the MD5 ETag of single-part uploads, and its
headers). An unchanged redeploy therefore makes only LIST requests and one GET.
Objects under the prefix that the site no longer has are deleted, but only after every
upload, and never more than ``max_deletes`` without ``force``. Changing an object's
headers with another tool without changing its bytes is not noticed (the listing does
not show headers): delete the manifest to have every object checked again.

Credentials never reach the output, also with ``--debug``: the SDK's own debug logs
(which print the access key id, the signature and the session token) stay quiet, every
log line and error message passes through :func:`redact`, and an endpoint URL is shown
without its ``user:password@``.

The upload order keeps the live site consistent while a deploy runs: assets and
search-index pieces first, then downloads and feeds, then Pagefind's entry files,
then HTML pages deepest-first, then the county homes, then the root ``index.html``.
Each phase finishes before the next starts, so an interrupted deploy leaves only
unreferenced new files behind, and running it again converges.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from generator.errors import ToolError, UsageError

logger = logging.getLogger(__name__)

WORKERS = 8
CHUNK = 1024 * 1024
DELETE_BATCH = 1000  # the S3 DeleteObjects limit
SHA256_META = "sha256"  # stored as x-amz-meta-sha256
MANIFEST_NAME = ".ydt-manifest.json.gz"  # at the top of the prefix; never a site file
MANIFEST_VERSION = 1
INSTALL_HINT = '请先安装：pip install "yidiantong[deploy]"'
# The SDK's loggers: at DEBUG they print the access key id, signatures and the session token.
SDK_LOGGERS = ("boto3", "botocore", "s3transfer", "urllib3")

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
    """What a deploy will do; ``phases`` run one after another, in order. ``known`` holds
    the manifest entries of the objects that stay; ``previous`` those of the manifest read."""

    target: Target
    phases: tuple[tuple[Upload, ...], ...]
    deletions: tuple[str, ...]
    unchanged: int
    known: tuple[tuple[str, _Known], ...] = ()
    previous: tuple[tuple[str, _Known], ...] = ()

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


@dataclass(frozen=True)
class _Known:
    """What the manifest says about an object this tool wrote: the ETag the store gave it
    (``sha256`` is empty when that ETag was the MD5 of the bytes) and the headers sent."""

    etag: str
    size: int
    sha256: str
    content_type: str
    cache_control: str


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


# ---------------------------------------------------------------- secrets


def mask_url(url: str | None) -> str:
    """``url`` as it may be shown: a ``user:password@`` in it becomes ``***:***@``."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(r"\1***:***@", url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc="***:***@" + host))


_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]*@")
_SECRET_FIELDS = re.compile(
    r"(?i)((?:authorization|x-amz-security-token|x-amz-credential|x-amz-signature|"
    r"aws_session_token|aws_secret_access_key|aws_access_key_id|credential|signature|"
    r"security-token)['\"]?\s*[:=]\s*['\"]?)[^'\",\s&}]+")
_known_secrets: set[str] = set()


def _remember_secrets(*values: str | None) -> None:
    _known_secrets.update(v for v in values if v and len(v) >= 4)


def redact(text: str) -> str:
    """``text`` without credentials: the access key id, secret and session token in use (and
    those in the environment), ``Authorization``/signature/token fields, an URL's password."""
    env = (os.environ.get(n) for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"))
    for secret in sorted(_known_secrets | {v for v in env if v and len(v) >= 4}, key=len,
                         reverse=True):
        text = text.replace(secret, "***")
    text = _USERINFO.sub(r"\1***:***@", text)
    return _SECRET_FIELDS.sub(r"\1***", text)


class _Redactor(logging.Filter):
    """Applies :func:`redact` to a log record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: show its template only
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


@contextmanager
def _guarded_logs() -> Iterator[None]:
    """While deploying: the SDK loggers no lower than INFO, and every handler of the root
    logger redacts what it writes."""
    redactor = _Redactor()
    handlers = list(logging.getLogger().handlers)
    levels = {}
    for name in SDK_LOGGERS:
        sdk = logging.getLogger(name)
        levels[name] = sdk.level
        if sdk.getEffectiveLevel() < logging.INFO:
            sdk.setLevel(logging.INFO)
    for handler in handlers:
        handler.addFilter(redactor)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redactor)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


# ---------------------------------------------------------------- storage


def _sdk() -> tuple[ModuleType, ModuleType]:
    """boto3 and botocore.exceptions, which only ``deploy`` needs (the ``deploy`` extra)."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError as exc:
        raise ToolError(f"发布到对象存储需要 boto3，当前环境没有安装。{INSTALL_HINT}") from exc
    return boto3, botocore.exceptions


def _make_client(endpoint_url: str | None) -> Any:
    """A boto3 S3 client that fails fast on an unreachable endpoint."""
    boto3, _ = _sdk()
    from botocore.config import Config

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
    client = session.client("s3", endpoint_url=endpoint_url, config=config)
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        _remember_secrets(parts.username, parts.password)
    credentials = session.get_credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        _remember_secrets(frozen.access_key, frozen.secret_key, frozen.token)
    return client


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
    """Translate a boto3 failure into a plain Chinese ToolError (never with credentials)."""
    _, exceptions = _sdk()
    where = mask_url(endpoint_url) or "默认的 AWS 地址"
    (NoCredentialsError, PartialCredentialsError, ProfileNotFound, EndpointConnectionError,
     ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError, ClientError, BotoCoreError) = (
        exceptions.NoCredentialsError, exceptions.PartialCredentialsError,
        exceptions.ProfileNotFound, exceptions.EndpointConnectionError,
        exceptions.ConnectTimeoutError, exceptions.ReadTimeoutError,
        exceptions.ConnectionClosedError, exceptions.ClientError, exceptions.BotoCoreError)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ToolError(f"找不到对象存储的访问密钥。{_CREDENTIAL_HINT}")
    if isinstance(exc, ProfileNotFound):
        return ToolError(redact(f"AWS_PROFILE 指定的配置不存在：{exc}。{_CREDENTIAL_HINT}"))
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
        return ToolError(redact(f"对象存储 {where} 报错（{code}）：{message}"))
    if isinstance(exc, BotoCoreError):
        return ToolError(redact(f"访问对象存储 {where} 失败：{exc}"))
    return ToolError(redact(f"部署失败：{exc}"))


def _is_manifest(key: str) -> bool:
    """A deploy manifest: this target's or one of a deploy to a prefix below it."""
    return key.rpartition("/")[2] == MANIFEST_NAME


def _list_remote(client: Any, target: Target) -> tuple[dict[str, _Remote], bool]:
    """The objects under the prefix (manifests aside), and whether this target's manifest
    is there."""
    remote: dict[str, _Remote] = {}
    manifest_key, has_manifest = target.key(MANIFEST_NAME), False
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=target.bucket, Prefix=target.list_prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.endswith("/"):
                continue  # a "folder" marker, not a file
            if _is_manifest(key):
                has_manifest = has_manifest or key == manifest_key
                continue
            remote[key] = _Remote(
                size=int(obj.get("Size", 0)), etag=str(obj.get("ETag", "")).strip('"')
            )
    return remote, has_manifest


def _read_manifest(client: Any, target: Target) -> dict[str, _Known]:
    """The manifest's entries by relative path ({} when unreadable)."""
    raw = client.get_object(Bucket=target.bucket, Key=target.key(MANIFEST_NAME))["Body"].read()
    try:
        data = json.loads(gzip.decompress(raw))
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(f"version {data.get('version')!r}")
        headers = [tuple(h) for h in data["headers"]]
        known = {rel: _Known(etag, int(size), sha, *headers[h])
                 for rel, (etag, size, h, sha) in data["objects"].items()}
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError) as exc:
        logger.warning("%s: 部署清单无法读取（%s），逐个核对对象", target.key(MANIFEST_NAME), exc)
        return {}
    return known


def manifest_bytes(entries: dict[str, _Known]) -> bytes:
    """The manifest for ``entries``: gzip'd JSON, the same bytes for the same entries."""
    headers = sorted({(k.content_type, k.cache_control) for k in entries.values()})
    index = {h: i for i, h in enumerate(headers)}
    objects = {rel: [k.etag, k.size, index[(k.content_type, k.cache_control)], k.sha256]
               for rel, k in sorted(entries.items())}
    text = json.dumps({"version": MANIFEST_VERSION, "headers": [list(h) for h in headers],
                       "objects": objects}, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), 6, mtime=0)


def _known(upload: Upload, etag: str) -> _Known:
    """The manifest entry for ``upload`` stored under ``etag``."""
    return _Known(etag, upload.size, "" if etag.lower() == upload.md5 else upload.sha256,
                  upload.content_type, upload.cache_control)


def _compare(
    client: Any, target: Target, rel: str, path: Path, remote: _Remote | None,
    known: _Known | None = None,
) -> tuple[Upload | None, _Known | None]:
    """The upload needed for one file (None if the remote object is already right), and
    the manifest entry of an object that is right."""
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
        return upload, None
    if remote.size != size:
        return _with_reason(upload, "changed"), None
    if known is not None and known.etag == remote.etag and known.size == size:
        # the object this tool wrote (the store gives a new ETag to any other write)
        same = known.etag.lower() == md5 if not known.sha256 else known.sha256 == sha
        if not same:
            return _with_reason(upload, "changed"), None
        if (known.content_type, known.cache_control) != (upload.content_type,
                                                         upload.cache_control):
            return _with_reason(upload, "headers"), None
        return None, known
    try:
        head = client.head_object(Bucket=target.bucket, Key=key)
    except _sdk()[1].ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            return upload, None  # deleted since we listed it
        raise
    meta = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
    etag = str(head.get("ETag", "")).strip('"')
    if SHA256_META in meta:
        same = meta[SHA256_META].lower() == sha
    else:
        same = "-" not in etag and etag.lower() == md5
    if not same:
        return _with_reason(upload, "changed"), None
    headers_ok = (
        _norm_header(head.get("ContentType")) == _norm_header(upload.content_type)
        and _norm_header(head.get("CacheControl")) == _norm_header(upload.cache_control)
        and not head.get("ContentEncoding")
    )
    if not headers_ok:
        return _with_reason(upload, "headers"), None
    return None, _known(upload, remote.etag)


def _with_reason(upload: Upload, reason: str) -> Upload:
    return Upload(**{**upload.__dict__, "reason": reason})


def _put(client: Any, bucket: str, upload: Upload) -> str:
    """Upload one file; the ETag the store gave it."""
    with upload.path.open("rb") as body:
        response = client.put_object(
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
    return str((response or {}).get("ETag", "")).strip('"')


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
    remote, has_manifest = _list_remote(client, target)
    known = _read_manifest(client, target) if has_manifest else {}
    local = [(rel, path) for rel, path in _walk(root) if not _is_manifest(rel)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(
            pool.map(
                lambda item: _compare(
                    client, target, item[0], item[1], remote.get(target.key(item[0])),
                    known.get(item[0]),
                ),
                local,
            )
        )
    uploads = [u for u, _ in results if u is not None]
    staying = tuple((rel, k) for (rel, _), (_, k) in zip(local, results, strict=True)
                    if k is not None)
    local_keys = {target.key(rel) for rel, _ in local}
    deletions = tuple(sorted(set(remote) - local_keys))
    return Plan(
        target=target,
        phases=_group_phases(uploads, whole_site=whole_site),
        deletions=deletions,
        unchanged=len(results) - len(uploads),
        known=staying,
        previous=tuple(sorted(known.items())),
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
    _, exceptions = _sdk()
    with _guarded_logs():
        return _deploy(root, target, exceptions, whole_site=county is None,
                       endpoint_url=endpoint_url, dry_run=dry_run, max_deletes=max_deletes,
                       force=force, echo=echo)


def _deploy(root: Path, target: Target, exceptions: ModuleType, *, whole_site: bool,
            endpoint_url: str | None, dry_run: bool, max_deletes: int, force: bool,
            echo: Callable[[str], None]) -> DeployResult:
    sdk_errors = (exceptions.BotoCoreError, exceptions.ClientError)
    try:
        client = _make_client(endpoint_url)
    except ValueError as exc:  # botocore: "Invalid endpoint: …"
        raise UsageError(f"--endpoint-url “{mask_url(endpoint_url)}” 不是有效的网址。") from exc
    except sdk_errors as exc:
        raise _tool_error(exc, target, endpoint_url) from exc
    try:
        plan = plan_deploy(client, root, target, whole_site=whole_site)
    except sdk_errors as exc:
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
    known = dict(plan.known)
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for phase in plan.phases:
                # list() waits for the whole phase before the next one starts.
                etags = list(pool.map(lambda u: _put(client, target.bucket, u), phase))
                known.update((u.rel, _known(u, etag)) for u, etag in zip(phase, etags, strict=True)
                             if etag)  # no ETag given: checked by a HEAD next time
        if plan.deletions:
            _delete(client, target.bucket, plan.deletions)
        if known != dict(plan.previous):
            client.put_object(Bucket=target.bucket, Key=target.key(MANIFEST_NAME),
                              Body=manifest_bytes(known), ContentType="application/gzip",
                              CacheControl="no-store")
    except sdk_errors as exc:
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
