"""The build fingerprint (generator.publish.fingerprint) starts every cache key: whatever shapes
the output besides the data — a template, a content page, a static file, a module of any stage,
a library's version, Pagefind — makes an incremental build redo what it changes, so that it is
byte for byte the build made without the cache. Entries hold paths relative to the cache, so a
project moved with its output and cache keeps its incremental builds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, tree_bytes

from generator import pipeline
from generator.publish import fingerprint
from generator.search.searchdocs import SearchDocs
from generator.site import theme

VILLAGE = "qinghe-xian/dongguan-zhen/liuzhuang-cun/"


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The build reads its templates, content pages and code from temporary copies (the
    running code stays the installed one; the fingerprint hashes the copy)."""
    root = tmp_path / "generator-copy"
    shutil.copytree(theme.TEMPLATES, root / "templates")
    shutil.copytree(theme.CONTENT, root / "content")
    shutil.copytree(theme.PACKAGE, root / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "_templates", "_content"))
    monkeypatch.setattr(theme, "TEMPLATES", root / "templates")
    monkeypatch.setattr(theme, "CONTENT", root / "content")
    monkeypatch.setattr(theme, "PACKAGE", root / "generator")
    return root


def _build(data: Path, out: Path, *, cache: bool = True) -> pipeline.Report:
    return pipeline.build_site(pipeline.Options(
        data=data, out=out, as_of=dt.date.fromisoformat(AS_OF), jobs=1, use_cache=cache))


def _append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _louder_search_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change in the search stage's behaviour: every index-only document says one word more."""
    original = SearchDocs.village_docs

    def village_docs(self, town, v):  # type: ignore[no-untyped-def]
        for path, data in original(self, town, v):
            yield path, data.replace(b"</main>", "<p>指纹 测试</p></main>".encode())

    monkeypatch.setattr(SearchDocs, "village_docs", village_docs)


def test_an_incremental_build_after_any_generator_change_equals_a_fresh_one(
        minimal_data: Path, tmp_path: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    assert _build(minimal_data, out).cached_villages == 0
    assert _build(minimal_data, out).cached_villages == 1  # the cache is used when nothing changed
    changes = {
        "template": lambda: _replace(bundled / "templates" / "_foot.html", "</footer>",
                                     "<p>模板改动</p></footer>"),
        "content page": lambda: _append(bundled / "content" / "about.md", "\n本县补充说明。\n"),
        "static file": lambda: _append(bundled / "templates" / "static" / "style.css",
                                       "\n.brand-test{color:#123456}\n"),
        "search-stage module": lambda: (
            _append(bundled / "generator" / "search" / "searchdocs.py", "\n# one word more\n"),
            _louder_search_docs(monkeypatch)),
    }
    for what, change in changes.items():
        before = tree_bytes(out)
        change()
        report = _build(minimal_data, out)
        assert report.cached_villages == 0, what
        after = tree_bytes(out)
        assert after != before, what  # the change shows in the output …
        shutil.rmtree(fresh, ignore_errors=True)
        _build(minimal_data, fresh, cache=False)
        assert after == tree_bytes(fresh), what  # … exactly as a build without the cache has it
    # index-only words stay unseen (in pages: the bundle directory lists them as search keys)
    assert "指纹 测试".encode() not in b"".join(v for k, v in after.items() if "/dir/" not in k)
    assert any(k.startswith("qinghe-xian/pagefind/") and v != before.get(k)
               for k, v in after.items())  # but the search bundle was built again


def test_the_fingerprint_follows_every_input(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = fingerprint.build_fingerprint()
    assert fingerprint.build_fingerprint() == base  # stable
    (bundled / "generator" / "search" / "__pycache__").mkdir()
    (bundled / "generator" / "search" / "__pycache__" / "index.cpython-311.pyc").write_bytes(b"x")
    assert fingerprint.build_fingerprint() == base  # compiled files are not code
    seen = {base}

    def changed(label: str) -> None:
        now = fingerprint.build_fingerprint()
        assert now not in seen, label
        seen.add(now)

    _append(bundled / "generator" / "publish" / "deploy.py", "\n")
    changed("a module in a subpackage")
    (bundled / "generator" / "site" / "extra.py").write_text("X = 1\n", "utf-8")
    changed("a new module")
    _append(bundled / "templates" / "static" / "app.js", "\n")
    changed("a static file")
    real = fingerprint.library_versions()
    monkeypatch.setattr(fingerprint, "library_versions",
                        lambda: [(d, "0.0.1" if d == "nh3" else v) for d, v in real])
    changed("nh3's version")
    monkeypatch.setattr(fingerprint, "library_versions",
                        lambda: [(d, "9.9" if d == "jinja2" else v) for d, v in real])
    changed("jinja2's version")
    monkeypatch.setattr(fingerprint, "pagefind_version", lambda: "pagefind 9.9.9")
    changed("the Pagefind binary")
    monkeypatch.setattr(fingerprint, "python_version", lambda: "3.99")
    changed("Python's version")


def test_every_output_library_is_installed_and_versioned() -> None:
    versions = dict(fingerprint.library_versions())
    assert set(versions) == set(fingerprint.OUTPUT_LIBRARIES)
    assert all(v != "-" for v in versions.values()), versions
    assert fingerprint.pagefind_version().startswith("pagefind ")


def test_the_county_theme_is_part_of_the_county_fingerprint(tmp_path: Path) -> None:
    base = fingerprint.build_fingerprint()
    assert fingerprint.county_fingerprint(base, None) == base
    folder = tmp_path / "theme"
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "about.md").write_text("# 关于\n甲\n", "utf-8")
    one = fingerprint.county_fingerprint(base, folder)
    assert one != base
    (folder / "content" / "about.md").write_text("# 关于\n乙\n", "utf-8")
    assert fingerprint.county_fingerprint(base, folder) != one


def test_a_moved_project_keeps_its_cache(minimal_data: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "first"
    first.mkdir()
    shutil.move(minimal_data, first / "data")
    assert _build(first / "data", first / "site").cached_villages == 0
    built = tree_bytes(first / "site")
    moved = tmp_path / "elsewhere" / "project"
    moved.parent.mkdir()
    shutil.move(first, moved)  # data, site and .site.cache together
    assert (moved / ".site.cache").is_dir()

    def no_indexing(*_a: object, **_k: object) -> None:
        raise AssertionError("a search bundle was built again")

    monkeypatch.setattr(pipeline, "index_documents", no_indexing)
    report = _build(moved / "data", moved / "site")
    assert report.cached_villages == report.villages == 1  # villages and bundles from the cache
    assert tree_bytes(moved / "site") == built
