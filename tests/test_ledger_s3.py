"""``build --previous s3://bucket/prefix``: a fresh machine continues the change log that
``deploy`` published to S3 (a real ``rclone serve s3`` on 127.0.0.1, as in test_deploy)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_deploy import Store, aws_env, s3_endpoint, store  # noqa: F401 - fixtures
from test_ledger import COUNTY, V1, build, edit, make_data, page


def test_previous_from_s3_continues_the_log(cli, store: Store, tmp_path: Path,  # noqa: F811
                                            monkeypatch: pytest.MonkeyPatch):
    data = make_data(tmp_path / "data")
    published = tmp_path / "published"
    assert build(cli, data, published, "2026-11-01").code == 0
    cp1 = tmp_path / "cp1.json"
    shutil.copyfile(published / COUNTY / "ledger" / "checkpoint.json", cp1)
    r = cli("deploy", "--out", published, "--to", store.to("site"), "--endpoint-url",
            store.endpoint, "--quiet")
    assert r.code == 0, r.err
    edit(data)
    monkeypatch.setenv("AWS_ENDPOINT_URL", store.endpoint)
    fresh = tmp_path / "fresh"
    r = build(cli, data, fresh, "2026-11-20", "--previous", store.to("site"))
    assert r.code == 0, r.err
    cp2 = json.loads(page(fresh, f"{COUNTY}/ledger/checkpoint.json"))
    assert cp2["size"] == json.loads(cp1.read_text())["size"] + 4
    assert "金额：<del>3,000.00</del> → <ins>300.00</ins>" in page(fresh, f"{V1}/changes/index.html")
    assert cli("verify", "--checkpoint", cp1, "--site", fresh, "--county", COUNTY).code == 0
    # a prefix with no log: exit 3, nothing written
    nothing = tmp_path / "nothing"
    r = build(cli, data, nothing, "2026-11-20", "--previous", store.to("elsewhere"))
    assert r.code == 3 and "没有找到" in r.err
    assert not nothing.exists()
