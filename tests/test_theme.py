"""A county's theme folder (villages/<county>/theme/, docs/theme.md): single files that replace
the bundled templates, static files and about pages for that county only."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, tree_bytes

from generator import pipeline

OWN_ABOUT = "# 关于本站\n青禾县纪委监委主办。本县自己的说明。\n"
OWN_CSS = ":root{--brand:#0a5c36}\n.county-logo{width:3rem}\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture
def two_counties(minimal_data: Path) -> Path:
    """qinghe-xian with a theme (about page, style.css, a logo and the footer), other-xian
    without one."""
    shutil.copytree(minimal_data / "qinghe-xian", minimal_data / "other-xian")
    theme = minimal_data / "qinghe-xian" / "theme"
    _write(theme / "content" / "about.md", OWN_ABOUT)
    _write(theme / "templates" / "static" / "style.css", OWN_CSS)
    (theme / "templates" / "static" / "logo.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    for folder in (theme, theme / "templates" / "static"):  # Windows leaves these everywhere
        (folder / "Thumbs.db").write_bytes(b"\0thumbnails")
    foot = (Path(__file__).resolve().parent.parent / "templates" / "_foot.html").read_text("utf-8")
    _write(theme / "templates" / "_foot.html", foot.replace(
        "</footer>", '<p><img class="county-logo" src="{{ root }}{{ static[\'logo.svg\'] }}" '
                     'alt="青禾县纪委监委"></p>\n</footer>'))
    return minimal_data


def _build(data: Path, out: Path, *, cache: bool = True) -> pipeline.Report:
    return pipeline.build_site(pipeline.Options(
        data=data, out=out, as_of=dt.date.fromisoformat(AS_OF), jobs=1, use_cache=cache))


def _style(site: Path, county: str) -> bytes:
    page = (site / county / "dongguan-zhen/liuzhuang-cun/index.html").read_text("utf-8")
    href = re.search(r'<link rel="stylesheet" href="((?:\.\./)*)(static/style\.[0-9a-f]{10}\.css)"', page)
    assert href is not None
    return (site / county / href.group(2)).read_bytes()


def test_a_county_theme_replaces_single_files_for_that_county_only(
        two_counties: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = _build(two_counties, site)
    assert report.counties == 2 and report.villages == 2 and report.warnings == ()
    bundled_css = (Path(__file__).resolve().parent.parent / "templates/static/style.css").read_bytes()
    # the county with the theme: its about page, its colours, its footer with its logo
    about = (site / "qinghe-xian/info/about/index.html").read_text("utf-8")
    assert "本县自己的说明" in about and "本站是县级" not in about
    assert _style(site, "qinghe-xian") == OWN_CSS.encode()
    village = (site / "qinghe-xian/dongguan-zhen/liuzhuang-cun/index.html").read_text("utf-8")
    logo = re.search(r'<img class="county-logo" src="\.\./\.\./(static/logo\.[0-9a-f]{10}\.svg)"',
                     village)
    assert logo is not None and (site / "qinghe-xian" / logo.group(1)).is_file()
    # the other county and the site root: the bundled files
    other = (site / "other-xian/info/about/index.html").read_text("utf-8")
    assert "本站是县级" in other and "本县自己的说明" not in other
    assert _style(site, "other-xian") == bundled_css
    assert "county-logo" not in (site / "other-xian/dongguan-zhen/liuzhuang-cun/index.html").read_text("utf-8")
    assert not list((site / "other-xian/static").glob("logo.*"))
    assert sorted(p.name.split(".")[0] for p in (site / "qinghe-xian/static").iterdir()) == [
        "app", "logo", "search", "style"]
    # the theme folder is not a township and is not published
    assert not (site / "qinghe-xian/theme").exists()
    assert "theme" not in (site / "qinghe-xian/index.html").read_text("utf-8")


def test_a_theme_edit_rebuilds_its_county_only_and_equals_a_fresh_build(
        two_counties: Path, tmp_path: Path) -> None:
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    _build(two_counties, site)
    _write(two_counties / "qinghe-xian/theme/templates/static/style.css", OWN_CSS + "h1{color:red}\n")
    report = _build(two_counties, site)
    assert report.cached_villages == 1  # other-xian's village came from the cache
    assert _style(site, "qinghe-xian").endswith(b"h1{color:red}\n")
    _build(two_counties, fresh, cache=False)
    assert tree_bytes(site) == tree_bytes(fresh)
    # and back: removing the theme gives the bundled site again
    shutil.rmtree(two_counties / "qinghe-xian/theme")
    _build(two_counties, site)
    shutil.rmtree(fresh)
    _build(two_counties, fresh, cache=False)
    assert tree_bytes(site) == tree_bytes(fresh)
    assert "本站是县级" in (site / "qinghe-xian/info/about/index.html").read_text("utf-8")


def test_theme_problems_are_located(cli, minimal_data: Path, tmp_path: Path) -> None:
    theme = minimal_data / "qinghe-xian" / "theme"
    _write(theme / "templates" / "_foot.html", "<footer>\n{% if %}\n</footer>\n")
    _write(theme / "content" / "extra.md", "# 另一页\n")
    _write(theme / "README.txt", "说明\n")
    run = cli("--data", minimal_data, "--out", tmp_path / "site", "--as-of", AS_OF)
    assert run.code == 1
    assert run.lines[:3] == [
        "qinghe-xian/theme/README.txt:1: 主题: 警告: 主题文件夹里只能有 templates 和 content "
        "两个文件夹，这个不会使用",
        "qinghe-xian/theme/content/extra.md:1: 主题: 警告: 没有同名的内置说明页"
        "（可替换：about.md、data.md、report.md），不会使用",
        "qinghe-xian/theme/templates/_foot.html:2: 模板: 模板语法错误："
        "Expected an expression, got 'end of statement block'",
    ]
    assert not (tmp_path / "site").exists()
    (theme / "templates" / "_foot.html").unlink()
    run = cli("check", "--data", minimal_data)
    assert run.code == 0 and len(run.lines) >= 2


def test_serve_rebuilds_when_the_county_theme_changes(minimal_data: Path, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, str(root / "build.py"), "serve", "--data", str(minimal_data),
         "--out", str(tmp_path / "site"), "--port", str(port), "--as-of", AS_OF, "--jobs", "1",
         "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}/qinghe-xian/info/about/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 60
        while "本站是县级" not in fetch() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "本站是县级" in fetch()
        _write(minimal_data / "qinghe-xian/theme/content/about.md", OWN_ABOUT)
        deadline = time.monotonic() + 60
        while "本县自己的说明" not in fetch() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "本县自己的说明" in fetch()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_fault_in_a_theme_template_names_its_line_once(cli, minimal_data: Path,
                                                         tmp_path: Path) -> None:
    """A variable that does not exist, found while rendering: the theme's file and line (not
    an internal error), once however many villages use the template; the old site stays."""
    town = minimal_data / "qinghe-xian" / "dongguan-zhen"
    shutil.copytree(town / "liuzhuang-cun", town / "zhaozhuang-cun")
    v = town / "zhaozhuang-cun" / "village.yaml"
    v.write_text(v.read_text("utf-8").replace("刘庄村", "赵庄村").replace("100201", "100202"), "utf-8")
    site = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", site, "--as-of", AS_OF, "--jobs", "2").code == 0
    before = tree_bytes(site)
    foot = (Path(__file__).resolve().parent.parent / "templates" / "_foot.html").read_text("utf-8")
    lines = foot.splitlines(keepends=True)
    lines.insert(2, "<p>{{ county.logo }}</p>\n")
    _write(minimal_data / "qinghe-xian/theme/templates/_foot.html", "".join(lines))
    for jobs in ("1", "2"):
        run = cli("--data", minimal_data, "--out", site, "--as-of", AS_OF, "--jobs", jobs)
        assert run.code == 1
        assert run.lines[0] == ("qinghe-xian/theme/templates/_foot.html:3: 模板: 模板出错："
                                "'generator.model.records.County object' has no attribute 'logo'")
        assert "_foot.html" not in run.lines[1]
        assert tree_bytes(site) == before
    # a fault in a county-level page
    (minimal_data / "qinghe-xian/theme/templates/_foot.html").unlink()
    county = (Path(__file__).resolve().parent.parent / "templates" / "county.html").read_text("utf-8")
    _write(minimal_data / "qinghe-xian/theme/templates/county.html",
           county.replace("{% block main %}", "{% block main %}{{ county.nope }}", 1))
    run = cli("--data", minimal_data, "--out", site, "--as-of", AS_OF)
    assert run.code == 1 and run.lines[0] == (
        "qinghe-xian/theme/templates/county.html:3: 模板: 模板出错："
        "'generator.model.records.County object' has no attribute 'nope'")
    assert tree_bytes(site) == before
