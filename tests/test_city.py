"""The city portal: city.yaml, the city home made from the county folders, and shards built
separately (as the CI examples in docs/ci/ do, one process and one folder per job) merged
into the same bytes as one build of all the counties."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from city_util import COUNTIES, make_counties

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-28"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(got: Path, want: Path) -> None:
    a, b = tree(got), tree(want)
    assert sorted(a) == sorted(b), "files only on one side: " + str(sorted(set(a) ^ set(b))[:20])
    differ = [p for p in a if a[p] != b[p]]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:10]}"


# ----------------------------------------------------------------------------- CI example
def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)  # the generator under test, wherever the job runs
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def _checkout(job: Path, data: Path) -> None:
    """What actions/checkout gives a job: the repository (build.py) and its villages/."""
    job.mkdir(parents=True)
    shutil.copyfile(ROOT / "build.py", job / "build.py")
    shutil.copytree(data, job / "villages")


def _expand(text: str, ctx: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1).strip()
        assert key in ctx, f"the test does not know ${{{{ {key} }}}}"
        return ctx[key]

    return re.sub(r"\$\{\{([^}]*)\}\}", sub, text)


def _run_steps(steps: list[dict], job: Path, ctx: dict[str, str], env: dict[str, str],
               artifacts: dict[str, Path]) -> None:
    """A GitHub Actions job's steps, in order, in ``job``: ``run`` steps in bash (except the
    deploy, which has an ``if:`` on the branch, and ``pip install``: the test's environment
    has the project installed); upload/download-artifact as the runner does them."""
    for step in steps:
        uses = step.get("uses", "")
        if uses.startswith("actions/upload-artifact"):
            w = step["with"]
            artifacts[_expand(w["name"], ctx)] = job / _expand(w["path"], ctx)
        elif uses.startswith("actions/download-artifact"):
            w = step["with"]
            pattern = re.compile(w["pattern"].replace("*", ".*") + "$")
            for name, src in artifacts.items():
                if pattern.match(name):  # one folder per artifact, named after it
                    shutil.copytree(src, job / w["path"] / name)
        elif "run" in step and "if" not in step and "pip install" not in step["run"]:
            subprocess.run(["bash", "-e", "-c", _expand(step["run"], ctx)], cwd=job, env=env,
                           check=True, capture_output=True)


def test_github_actions_matrix_run_locally_equals_one_build(tmp_path: Path) -> None:
    """docs/ci/github-actions.yml, job by job: plan lists the counties, one county job per
    county (its own process and folder), the merge job joins their artifacts. The merged
    site is byte-identical to one build of all three counties."""
    data = tmp_path / "data"
    slugs = make_counties(data)
    flow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text("utf-8"))
    jobs = flow["jobs"]
    env = _env()
    artifacts: dict[str, Path] = {}

    plan = tmp_path / "plan"
    _checkout(plan, data)
    output = tmp_path / "plan-output"
    output.write_text("")
    _run_steps(jobs["plan"]["steps"], plan, {}, {**env, "GITHUB_OUTPUT": str(output)}, artifacts)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    counties = json.loads(outputs["counties"])
    assert counties == slugs  # the plan found every county (and not city.yaml)
    as_of = outputs["as_of"]
    needs = {"needs.plan.outputs.as_of": as_of, "needs.plan.outputs.counties": outputs["counties"]}

    for county in counties:  # the matrix: one job each
        job = tmp_path / f"county-{county}"
        _checkout(job, data)
        _run_steps(jobs["county"]["steps"], job, {**needs, "matrix.county": county}, env,
                   artifacts)
        assert (job / "shards" / county / county / "data" / "summary.json").is_file()
    assert sorted(artifacts) == [f"shard-{c}" for c in counties]

    merge = tmp_path / "merge"
    _checkout(merge, data)
    _run_steps(jobs["merge"]["steps"], merge, {}, env, artifacts)

    whole = tmp_path / "whole"
    _checkout(whole, data)
    subprocess.run([sys.executable, "build.py", "build", "--data", "villages", "--out", "site",
                    "--as-of", as_of, "--quiet"], cwd=whole, env=env, check=True,
                   capture_output=True)
    assert_same_tree(merge / "site", whole / "site")
    home = (merge / "site" / "index.html").read_text("utf-8")
    for _slug, name, *_ in COUNTIES:
        assert name in home


def test_county_tails_in_workers_equal_the_tails_in_one_process(tmp_path: Path) -> None:
    """With workers, each county's tail (change log, county pages, search directory, leak
    guard) and the city's search directory run in worker processes, interleaved with the
    other counties' villages; with ``--jobs 1`` all of it runs in the build's own process.
    Same site, byte for byte."""
    data = tmp_path / "data"  # two counties of two townships (two search bundles each)
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(data),
                    "--counties", "2", "--townships", "2", "--villages", "2", "--records", "200"],
                   check=True, capture_output=True)
    for jobs in ("1", "2"):
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--data", str(data),
                        "--out", str(tmp_path / f"site-{jobs}"), "--as-of", AS_OF, "--jobs", jobs,
                        "--quiet"], env=_env(), check=True, capture_output=True)
    assert_same_tree(tmp_path / "site-2", tmp_path / "site-1")
    assert (tmp_path / "site-2" / "search" / "dir" / "meta.json").is_file()


def test_gitlab_matrix_lists_the_repository_counties_and_its_script_runs(tmp_path: Path) -> None:
    """docs/ci/gitlab-ci.yml: its COUNTY list is the demo data's counties; the county job's
    and the merge job's script lines run as written (separate folders, artifacts kept at
    their paths as GitLab does) and give the site of one build."""
    flow = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text("utf-8"))
    matrix = flow["county"]["parallel"]["matrix"][0]["COUNTY"]
    demo = sorted(p.name for p in (ROOT / "villages").iterdir() if (p / "county.yaml").is_file())
    assert matrix == demo
    env = {**_env(), "CI_PIPELINE_CREATED_AT": f"{AS_OF}T08:00:00Z", "CI_COMMIT_BRANCH": "feature",
           "CI_DEFAULT_BRANCH": "main"}
    merge = tmp_path / "merge"
    _checkout(merge, ROOT / "villages")
    for county in matrix:
        job = tmp_path / f"county-{county}"
        _checkout(job, ROOT / "villages")
        for line in flow["county"]["script"]:
            if "pip install" not in line:
                subprocess.run(["bash", "-e", "-c", line], cwd=job, env={**env, "COUNTY": county},
                               check=True, capture_output=True)
        for path in flow["county"]["artifacts"]["paths"]:
            rel = path.replace("$COUNTY", county)
            shutil.copytree(job / rel, merge / rel)
    for line in flow["merge"]["script"]:
        if "pip install" not in line:
            subprocess.run(["bash", "-e", "-c", line], cwd=merge, env=env, check=True,
                           capture_output=True)
    whole = tmp_path / "whole"
    _checkout(whole, ROOT / "villages")
    subprocess.run([sys.executable, "build.py", "build", "--out", "site", "--as-of", AS_OF,
                    "--quiet"], cwd=whole, env=env, check=True, capture_output=True)
    assert_same_tree(merge / "site", whole / "site")


# ----------------------------------------------------------------------------- merge rules
@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three counties built one by one (in this process), plus their data folder."""
    from generator.cli import main

    tmp = tmp_path_factory.mktemp("city")
    data = tmp / "data"
    make_counties(data)
    out = {"data": data}
    for slug, *_ in COUNTIES:
        assert main(["build", "--data", str(data), "--county", slug, "--out",
                     str(tmp / "shards" / slug), "--as-of", AS_OF, "--jobs", "1", "--quiet"]) == 0
        out[slug] = tmp / "shards" / slug
    return out


def test_city_home_totals_are_the_sum_of_the_counties(shards, cli, tmp_path: Path) -> None:
    slugs = [c[0] for c in COUNTIES]
    r = cli("merge", *(shards[s] for s in slugs), "--data", shards["data"], "--out", tmp_path / "site")
    assert r.code == 0, r.err
    assert "合并完成：3 个县，3 个村，9 条记录" in r.err
    sums = [json.loads((shards[s] / s / "data" / "summary.json").read_text("utf-8")) for s in slugs]
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "<title>河岭市小微权力“一点通”</title>" in home
    assert '<a href="tel:0379-12388">0379-12388</a>' in home
    assert 'href="https://jubao.heling.example.gov.cn/"' in home
    records = sum(d["records"] for d in sums)
    assert f"<dt>公开记录</dt><dd>{records} 条</dd>" in home
    income = sum(float(d["income"]) for d in sums)
    assert f"<dt>村级收入合计</dt><dd>{income:,.2f} 元</dd>" in home
    for slug, name, *_ in COUNTIES:
        assert f'<h3><a href="{slug}/">{name}</a></h3>' in home
    search = (tmp_path / "site" / "search" / "index.html").read_text("utf-8")
    bundles = re.search(r'data-shards="([^"]*)"', search).group(1).split()
    assert bundles == [f"{s}/{t}" for s, _n, _c, t, *_ in COUNTIES]
    for s, _n, _c, t, *_ in COUNTIES:
        assert (tmp_path / "site" / s / "pagefind" / t / "pagefind.js").is_file()
    assert '<select id="f-county" name="县">' in search


def test_merge_links_county_files_instead_of_copying(shards, cli, tmp_path: Path) -> None:
    slug = COUNTIES[0][0]
    assert cli("merge", shards[slug], "--out", tmp_path / "site").code == 0
    a = shards[slug] / slug / "index.html"
    b = tmp_path / "site" / slug / "index.html"
    assert os.path.samefile(a, b) or a.read_bytes() == b.read_bytes()


def test_merge_accepts_county_folders_themselves(shards, cli, tmp_path: Path) -> None:
    slugs = [c[0] for c in COUNTIES]
    r = cli("merge", *(shards[s] / s for s in slugs), "--data", shards["data"], "--out",
            tmp_path / "a")
    assert r.code == 0, r.err
    assert cli("merge", *(shards[s] for s in slugs), "--data", shards["data"], "--out",
               tmp_path / "b").code == 0
    assert_same_tree(tmp_path / "a", tmp_path / "b")


def test_merge_refuses_a_different_as_of(shards, cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    slug = COUNTIES[1][0]
    assert cli("build", "--data", shards["data"], "--county", slug, "--out", other,
               "--as-of", "2026-11-29", "--jobs", "1", "--quiet").code == 0
    r = cli("merge", shards[COUNTIES[0][0]], other, "--out", tmp_path / "site")
    assert r.code == 2
    assert "各县用不同的数据日期（--as-of）构建，不能合并（2026-11-28：beihe-xian；2026-11-29：nanshan-qu）" in r.err
    assert not (tmp_path / "site").exists()


def test_merge_refuses_a_different_generator_version(shards, cli, tmp_path: Path) -> None:
    slug = COUNTIES[1][0]
    old = tmp_path / "old"
    shutil.copytree(shards[slug], old)
    summary = old / slug / "data" / "summary.json"
    summary.write_text(summary.read_text("utf-8").replace('"generator": "', '"generator": "0.0.9-'),
                       "utf-8")
    r = cli("merge", shards[COUNTIES[0][0]], old, "--out", tmp_path / "site")
    assert r.code == 2
    assert "各县用不同的生成器版本构建，不能合并" in r.err


def test_merge_refuses_the_same_county_twice_and_a_folder_without_counties(shards, cli,
                                                                           tmp_path: Path) -> None:
    slug = COUNTIES[0][0]
    r = cli("merge", shards[slug], shards[slug] / slug, "--out", tmp_path / "site")
    assert r.code == 2 and f"县 {slug} 出现了两次" in r.err
    (tmp_path / "empty").mkdir()
    r = cli("merge", tmp_path / "empty", "--out", tmp_path / "site")
    assert r.code == 2 and "里没有县的构建结果" in r.err


def test_merge_keeps_the_previous_site_when_city_yaml_is_wrong(shards, cli, tmp_path: Path) -> None:
    slug = COUNTIES[0][0]
    site = tmp_path / "site"
    assert cli("merge", shards[slug], "--data", shards["data"], "--out", site).code == 0
    before = tree(site)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "city.yaml").write_text("名称: 河岭市\n举报网址: jubao\n颜色: 红\n", "utf-8")
    r = cli("merge", shards[slug], "--data", bad, "--out", site)
    assert r.code == 1
    assert "city.yaml:2: 举报网址: " in r.err
    assert "city.yaml:3: 颜色: 未知的字段" in r.err
    assert tree(site) == before


def test_city_yaml_is_checked_with_located_messages(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    make_counties(data, city=False)
    (data / "city.yaml").write_text("网址: https://ydt.heling.example.gov.cn/\n", "utf-8")
    r = cli("check", "--data", data)
    assert r.code == 1
    assert "city.yaml:1: 名称: " in r.err
    (data / "city.yaml").write_text("名称: 河岭市\n", "utf-8")
    r = cli("check", "--data", data)
    assert r.code == 0, r.err
    assert "city.yaml" not in r.err  # not an unknown top-level file
    (data / "City.yaml").write_text("名称: 河岭市\n", "utf-8")
    (data / "city.yaml").unlink()
    r = cli("check", "--data", data)
    assert "City.yaml:1: 文件: 文件名应为 city.yaml（大小写不同），请改名" in r.err


def test_without_city_yaml_the_home_keeps_todays_name(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    make_counties(data, city=False)
    assert cli("build", "--data", data, "--out", tmp_path / "site", "--as-of", AS_OF,
               "--jobs", "1", "--quiet").code == 0
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "<title>小微权力“一点通”</title>" in home
    assert "监督举报电话见各县（市、区）页面底部" in home


def test_a_county_folder_named_like_a_city_folder_is_refused(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    make_counties(data)
    shutil.copytree(data / COUNTIES[0][0], data / "search")
    r = cli("check", "--data", data)
    assert r.code == 1
    assert "search/: 文件夹: 文件夹名“search”是网站保留的名称，请换一个" in r.err


def test_on_time_rate_shown_when_the_county_has_timeliness_data(shards, cli, tmp_path: Path) -> None:
    slug = COUNTIES[2][0]
    shard = tmp_path / "shard"
    shutil.copytree(shards[slug], shard)
    (shard / slug / "timeliness").mkdir(exist_ok=True)
    (shard / slug / "timeliness" / "summary.json").write_text('{"ok": 9, "judged": 12}', "utf-8")
    assert cli("merge", shard, "--out", tmp_path / "site").code == 0
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert f'<dt>按时公开率</dt><dd><a href="{slug}/timeliness/">75%（9/12）</a></dd>' in home


def test_city_home_shows_the_on_time_rate_of_a_county_built_twice(cli, tmp_path: Path) -> None:
    """The change log's 公开情况 writes timeliness/summary.json; the city home shows it.
    Built on 2025-04-01 (the log starts) with 2025-03's accounts: on time (deadline 04-10);
    2025-04's accounts are added and first published on 2025-05-12: 2 days late."""
    data = tmp_path / "data"
    slug = make_counties(data)[0]
    _s, _n, _c, tslug, _t, vslug, *_ = COUNTIES[0]
    village = data / slug / tslug / vslug
    site = tmp_path / "shard"
    build = ("build", "--data", data, "--county", slug, "--out", site, "--jobs", "1", "--quiet")
    assert cli(*build, "--as-of", "2025-04-01").code == 0
    with open(village / "finance.csv", "a", encoding="utf-8") as f:
        f.write("2025-04-06,支出,管理费用,购买办公用品,50.00\n")
    with open(village / "balances.csv", "a", encoding="utf-8") as f:
        f.write("2025-04,1299.50,0.00,50.00,1249.50\n")
    assert cli(*build, "--as-of", "2025-05-12").code == 0
    assert (site / slug / "timeliness" / "summary.json").read_bytes() == b'{"judged":2,"ok":1}\n'
    page = (site / slug / "timeliness" / "index.html").read_text("utf-8")
    assert "50%（1/2）" in page  # the page and the summary count the same months
    assert cli("merge", site, "--data", data, "--out", tmp_path / "site").code == 0
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert f'<dt>按时公开率</dt><dd><a href="{slug}/timeliness/">50%（1/2）</a></dd>' in home


def test_city_home_of_sixteen_counties_stays_under_30_kb(tmp_path: Path) -> None:
    """The seed city's home (16 counties, each with an on-time rate): page + CSS + JS gzipped."""
    from decimal import Decimal

    from browser_util import page_weight

    from generator.model.records import City
    from generator.site.city import CountyCard, city_pages
    from generator.site.render import build_static

    cards = [CountyCard(slug=f"county-{i:02d}", name=f"第{i}号示范县（市、区）", generator="0.1.0",
                        as_of=AS_OF, townships=12, villages=190, records=471_234,
                        income=Decimal("123456789.12"), expense=Decimal("98765432.10"),
                        welfare=Decimal("23456789.01"), projects=Decimal("34567890.12"),
                        search=tuple(f"town-{k:02d}" for k in range(12)), on_time="93%（2120/2280）")
             for i in range(1, 17)]
    static = build_static()
    city = City(name="郑州市", url="https://ydt.zhengzhou.example.gov.cn/", hotline="0371-12388",
                report_url="https://jubao.zhengzhou.example.gov.cn/")
    for rel, data in [*static.contents.items(), *city_pages(city, cards, static)]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    home = (tmp_path / "index.html").read_text("utf-8")
    assert home.count("<h3>") == 16 and "按时公开率" in home
    assert page_weight(tmp_path / "index.html") <= 30 * 1024
