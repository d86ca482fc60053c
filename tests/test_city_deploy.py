"""``deploy`` works on a merged city site as on one build: the same objects in a real S3
server (rclone serve s3 on 127.0.0.1, the fixtures of test_deploy)."""

from __future__ import annotations

from pathlib import Path

from city_util import COUNTIES, make_counties
from test_deploy import Store, aws_env, quiet, s3_endpoint, store  # noqa: F401 - fixtures

from generator.cli import main
from generator.publish.deploy import deploy

AS_OF = "2026-11-28"


def test_merged_city_site_deploys_the_same_objects_as_one_build(store: Store,  # noqa: F811
                                                                tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_counties(data)
    shards = []
    for slug, *_ in COUNTIES:
        shards.append(tmp_path / "shards" / slug)
        assert main(["build", "--data", str(data), "--county", slug, "--out", str(shards[-1]),
                     "--as-of", AS_OF, "--jobs", "1", "--quiet"]) == 0
    assert main(["merge", *map(str, shards), "--data", str(data), "--out",
                 str(tmp_path / "merged"), "--quiet"]) == 0
    assert main(["build", "--data", str(data), "--out", str(tmp_path / "whole"), "--as-of", AS_OF,
                 "--jobs", "1", "--quiet"]) == 0
    deploy(tmp_path / "merged", store.to("merged"), endpoint_url=store.endpoint, echo=quiet)
    deploy(tmp_path / "whole", store.to("whole"), endpoint_url=store.endpoint, echo=quiet)
    merged = {k.removeprefix("merged/"): v for k, v in store.objects("merged/").items()}
    whole = {k.removeprefix("whole/"): v for k, v in store.objects("whole/").items()}
    assert merged == whole
    assert "index.html" in merged and "search/index.html" in merged
    assert f"{COUNTIES[0][0]}/data/summary.json" in merged
