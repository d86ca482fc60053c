"""The bundle directory (generator/search/directory.py): its keys are a superset of what the
search page's exact-match check (templates/static/search.js ``tokens``) can match, the page
reads them back (CRC-32 buckets, ranges) as Python wrote them, and a build writes a
directory that stays right after a one-village edit."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_util import AS_OF, ROOT, build, run_search_js  # noqa: E402

from generator.search import directory  # noqa: E402
from generator.search.searchdocs import spaced_text  # noqa: E402

# what the index-only documents are made of, and what a clerk may type
ALPHABET = (list("王红梅张伟何低保耕地力护补贴村") + list("abcXYZ0123") + list("０１ＡＢｃ")
            + [" ", " ", " ", "\u2063", "\u2064", "〔", "〕", "〖", "〗", "·", "，", ".", "-",
               "*", "（", "）", "\u3000", "_", "Ⅷ", "ß", "İ"])


def test_python_keys_are_a_superset_of_what_search_js_can_match(tmp_path: Path) -> None:
    """Random fragment texts: every word, pair and triple of neighbouring words that
    search.js ``tokens`` yields (nothing across its breaks) is a key of the text in Python,
    and every query's keys (``queryKeys``) that can match a text are among them."""
    rnd = random.Random(21)
    texts = ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    texts += ["410122 * * * * * * * * 123X 王 红", "〔王 红 梅〕 \u2063 低 保.", "ＬＥＤ 路 灯 2024",
              "石 河 村 \u2063 · \u2063 2025 年 12 月. 收 入"]
    got = run_search_js(tmp_path, f"const texts = {json.dumps(texts, ensure_ascii=False)};\n" + r'''
const out = texts.map((t) => {
  const keys = new Set();
  let run = [];
  const flush = () => {
    run.forEach((x, i) => {
      keys.add(x);
      if (i >= 1) keys.add(run[i - 1] + " " + x);
      if (i >= 2) keys.add(run[i - 2] + " " + run[i - 1] + " " + x);
    });
    run = [];
  };
  for (const tok of s.tokens(t)) { if (tok.t === null) flush(); else run.push(tok.t); }
  flush();
  return [...keys];
});
console.log(JSON.stringify(out));
''')
    for text, js_keys in zip(texts, got, strict=True):
        keys: set[str] = set()
        directory.text_keys(text, keys)
        # a token the query side can never produce (several characters, not an ASCII run)
        # matches nothing; every other one must be a key
        missing = [k for k in js_keys if k not in keys
                   and all(len(t) == 1 or re.fullmatch("[a-z0-9]+", t) for t in k.split(" "))]
        assert not missing, (text, missing)


def test_query_keys_and_buckets_agree_with_python(tmp_path: Path) -> None:
    """The page asks for the keys Python wrote, in the bucket Python put them in."""
    queries = ["杨玉辉", "低保", "王秀英 低保", "LED路灯", "２０２４年", "阿依努尔·买买提明", "保"]
    got = run_search_js(tmp_path, f"const qs = {json.dumps(queries, ensure_ascii=False)};\n"
                "console.log(JSON.stringify(qs.map((q) => s.queryKeys(s.queryWords(q)).flat()"
                ".map((k) => [k, s.crc32(k)]))));\n")
    assert [[k for k, _h in ks] for ks in got] == [
        ["杨 玉 辉"], ["低 保"], ["王 秀 英", "低 保"], ["led 路 灯"], ["2024 年"],
        ["阿 依 努", "依 努 尔", "努 尔 买", "尔 买 买", "买 买 提", "买 提 明"], ["保"]]
    for ks in got:
        for k, h in ks:
            assert directory.bucket_hash(k) == h, k
    # each query's keys are keys of a text that holds it
    for q, ks in zip(queries, got, strict=True):
        keys: set[str] = set()
        directory.text_keys(spaced_text(q), keys)  # as the index holds the text
        assert all(k in keys for k, _h in ks), (q, ks)


def test_directory_files_read_back(tmp_path: Path) -> None:
    files = directory.county_directory(
        ["a", "a.2", "b"],
        [{"王 红", "低 保", "\x01村:李楼村"}, {"低 保"}, {"低 保", "\x01村:石河村", "\x01村:李楼村"}])
    for name, data in files:
        (tmp_path / name).write_bytes(data)
    meta, where = directory.read_directory(tmp_path)
    assert meta["bundles"] == ["a", "a.2", "b"]
    assert where == {"王 红": [0], "低 保": [0, 1, 2]}
    assert meta["filters"] == {"村": {"李楼村": "0,2", "石河村": "2"}}
    assert directory.ranges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8"
    assert directory.parse_ranges("0-2,5,7-8") == [0, 1, 2, 5, 7, 8]


def _bundles_of(site: Path, county: str, key: str) -> list[str]:
    meta, where = directory.read_directory(site / county / directory.DIR)
    return [meta["bundles"][i] for i in where.get(key, [])]


def test_the_directory_follows_a_one_village_edit(tmp_path: Path) -> None:
    """A name added to one village's welfare list is in the directory after an incremental
    build (its bundle's keys recomputed, the others' from the cache), the directory is the
    same as a fresh build's, and the city directory (two counties) lists both counties."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(data),
                    "--counties", "2", "--townships", "2", "--villages", "2", "--records", "60",
                    "--as-of", AS_OF], check=True, capture_output=True)
    build(data, tmp_path / "site")
    county = sorted(p for p in data.iterdir() if (p / "county.yaml").is_file())[0]
    village = sorted(county.glob("*/*/village.yaml"))[-1].parent
    name = "欧阳闻笛"
    key = " ".join(name[:3])
    assert _bundles_of(tmp_path / "site", county.name, key) == []
    welfare = village / "welfare.csv"
    text = welfare.read_text("utf-8-sig")
    head = text.splitlines()[0].split(",")
    row = {"项目": "低保", "姓名": name, "金额": "300.00", "发放日期": "2026-10-05"}
    welfare.write_text(text.rstrip("\n") + "\n" + ",".join(row.get(h, "") for h in head) + "\n",
                       "utf-8")
    # the directory follows the edit without being made whole again (only the buckets of the
    # keys that came or went are: generator.search.directory.update_county)
    whole = directory.build_county
    try:
        directory.build_county = _refused  # type: ignore[assignment]
        build(data, tmp_path / "site")
    finally:
        directory.build_county = whole  # type: ignore[assignment]
    town = village.parent.name
    assert _bundles_of(tmp_path / "site", county.name, key) == [town]
    meta, where = directory.read_directory(tmp_path / "site" / directory.DIR)
    assert [meta["bundles"][i] for i in where[key]] == [f"{county.name}/{town}"]
    assert len(meta["filters"]["县"]) == 2
    from generator.cli import main

    assert main(["build", "--data", str(data), "--out", str(tmp_path / "fresh"), "--as-of", AS_OF,
                 "--jobs", "1", "--quiet", "--no-cache"]) == 0
    for rel in ("search/dir", f"{county.name}/search/dir"):
        a, b = tmp_path / "site" / rel, tmp_path / "fresh" / rel
        names = sorted(p.name for p in a.iterdir())
        assert names == sorted(p.name for p in b.iterdir())
        assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names), rel


def _refused(*_args: object) -> None:
    raise AssertionError("the directory was made whole, not updated")


WORDS = [*"王红梅张伟低保耕地", "0", "12", "2024", "路 灯", "a", "b c", ""] + [
    f"{directory.FILTER}村:{v}" for v in ("李楼村", "石河村", "南村")]


def _random_keys(rnd: random.Random, n: int) -> set[str]:
    return {rnd.choice(WORDS) + rnd.choice(WORDS) * rnd.randint(0, 2) for _ in range(n)}


def _packed(rnd: random.Random, keys: set[str]) -> bytes:
    order = sorted(keys)
    rnd.shuffle(order)  # a rebuilt bundle's keys come in set order, not sorted
    return directory.pack_keys(order)


@pytest.mark.parametrize("seed", range(30))
def test_an_updated_directory_equals_one_made_whole(tmp_path: Path, monkeypatch, seed: int) -> None:
    """After an edit the county directory is updated from the last one (only the buckets of
    keys that came or went are made again); it must be the directory ``build_county`` makes
    of the same keys, file for file, through several edits in a row — or, when the bucket
    count or the bundles change, decline (and the build makes it whole)."""
    monkeypatch.setattr(directory, "BUCKET_BYTES", 256)
    rnd = random.Random(seed)
    bundles = [f"town-{i}" for i in range(rnd.randint(1, 6))]
    keysets = [_random_keys(rnd, rnd.choice((5, 40, 120))) for _ in bundles]
    files, snap = directory.build_county(bundles, [_packed(rnd, k) for k in keysets])
    folder = tmp_path / "dir"
    updated = reused = 0
    for _ in range(5):
        folder.mkdir(exist_ok=True)
        for f in folder.iterdir():
            f.unlink()
        for name, data in files:
            (folder / name).write_bytes(data)
        for i in rnd.sample(range(len(bundles)), rnd.randint(1, len(bundles))):
            keys = keysets[i]
            gone = set(rnd.sample(sorted(keys), rnd.randint(0, min(3, len(keys)))))
            keysets[i] = (keys - gone) | _random_keys(rnd, rnd.randint(0, 4))
        packed = [_packed(rnd, k) for k in keysets]
        files, whole = directory.build_county(bundles, packed)
        got = directory.update_county(snap, folder, bundles, packed)
        if got is None:
            assert whole.buckets != snap.buckets
        else:
            got_files, got_snap = got
            assert [(name, (folder / name).read_bytes() if data is None else data)
                    for name, data in got_files] == files
            assert got_snap == whole
            updated += 1
            reused += sum(data is None for _name, data in got_files)
        snap = whole
    assert updated > 0
    if seed == 0:  # the point of it: most bucket files are the last directory's
        assert reused > 0
    # other bundles (a township added or renamed): made whole
    assert directory.update_county(snap, folder, [*bundles, "town-new"], [*packed, b""]) is None


def test_a_directory_snapshot_that_cannot_be_kept_is_not_kept(tmp_path: Path, monkeypatch) -> None:
    """Keeping the directory in the cache is a shortcut for the next build: when the entry
    cannot be renamed into place (a file held open on Windows, a full disk) the build goes on,
    no half-written entry stays, and the next build makes the directory whole."""
    from generator.publish import cache

    written = tmp_path / "site" / "dir"
    written.mkdir(parents=True)
    files, snap = directory.build_county(["a"], [directory.pack_keys(["王 红", "低 保"])])
    for name, data in files:
        (written / name).write_bytes(data)
    entry = cache.directory_entry(tmp_path / "cache", "c")
    cache.store_directory(entry, "fp", snap, written)
    assert cache.load_directory(entry, "fp") == snap
    assert cache.load_directory(entry, "other code") is None

    def refused(*_args: object) -> None:
        raise PermissionError(13, "in use")

    monkeypatch.setattr(cache.os, "rename", refused)
    cache.store_directory(entry, "fp", snap, written)  # no exception
    assert cache.load_directory(entry, "fp") is None
    assert sorted(p.name for p in entry.parent.iterdir()) == []


def test_unchanged_directory_files_are_linked_from_the_previous_site(tmp_path: Path) -> None:
    """A rebuild writes the directory's thousands of bucket files; those whose bytes equal
    the live site's are linked from it, the rest written: the same bytes either way."""
    from generator.publish.write import OutputWriter

    old = tmp_path / "old"
    (old / "d").mkdir(parents=True)
    (old / "d" / "0.txt").write_bytes(b"a\t0\n")
    (old / "d" / "1.txt").write_bytes(b"b\t0\n")
    new = tmp_path / "new"
    new.mkdir()
    files = [("0.txt", b"a\t0\n"), ("1.txt", b"b\t0-1\n"), ("2.txt", b"c\t1\n")]
    directory.write_directory(OutputWriter(new), "d", files, previous=old)
    assert [(n, (new / "d" / n).read_bytes()) for n, _ in files] == files
    assert (new / "d" / "0.txt").stat().st_ino == (old / "d" / "0.txt").stat().st_ino
    assert (new / "d" / "1.txt").stat().st_ino != (old / "d" / "1.txt").stat().st_ino
    assert (old / "d" / "1.txt").read_bytes() == b"b\t0\n"  # the live site is untouched


def test_digit_keys_on_neighbouring_lines_do_not_read_as_an_id() -> None:
    """A bucket lists keys one per line; two digit keys and their bundle numbers must not
    read as one ID number across the lines (the leak guard would stop the build: a clerk
    county with many amounts and codes hit this)."""
    from generator.publish.leakguard import scan_bytes

    where = {"11010119900307": 1, "118": 1}  # with "\t0\n" between: 110101199003070118
    joined = "".join(f"{k}\t0\n" for k in sorted(where)).encode()
    assert [f.number for f in scan_bytes(joined)] == ["110101199003070118"]  # the old lines
    bucket = dict(directory.directory_files(["a"], where, {}))["0.txt"]
    assert bucket == b"11010119900307\t,0,\n118\t,0,\n"
    assert scan_bytes(bucket) == []
    assert directory.parse_ranges(",0-2,5,") == [0, 1, 2, 5]


def _city_plain(counties: list[tuple[str, str, Path]]) -> list[tuple[str, bytes]]:
    """The plain rule the city's directory shortcuts: every county's keys joined first."""
    bundles: list[str] = []
    where: dict[str, int] = {}
    filters: dict[str, dict[str, int]] = {}
    for slug, name, folder in counties:
        meta, own = directory._read_masks(folder / directory.DIR)
        base = len(bundles)
        bundles.extend(f"{slug}/{b}" for b in meta["bundles"])
        for k, m in own.items():
            where[k] = where.get(k, 0) | m << base
        for fname, values in meta["filters"].items():
            f = filters.setdefault(fname, {})
            for v, r in values.items():
                f[v] = f.get(v, 0) | sum(1 << (base + n) for n in directory.parse_ranges(r))
        filters.setdefault("县", {})[name] = sum(1 << n for n in range(base, len(bundles)))
    return directory.directory_files(bundles, where, filters)


@pytest.mark.parametrize("seed", range(12))
def test_city_directory_equals_joining_every_key_first(tmp_path: Path, monkeypatch, seed: int) -> None:
    """The city's directory is joined one bucket group at a time (memory at 16 counties); it
    must give the files that joining all the counties' keys at once gives, also when the
    counties have different bucket counts."""
    monkeypatch.setattr(directory, "BUCKET_BYTES", 48)
    rnd = random.Random(seed)
    counties = []
    for c in range(rnd.randint(2, 4)):
        nb = rnd.randint(1, 5)
        keys = {"".join(rnd.choice("王红梅张伟0123456789ab") for _ in range(rnd.randint(1, 4)))
                for _ in range(rnd.choice((3, 30, 200)))}
        where = {k: rnd.randint(1, (1 << nb) - 1) for k in keys}
        filters = {"村": {f"村{c}-{i}": 1 << rnd.randrange(nb) for i in range(rnd.randint(1, 3))}}
        folder = tmp_path / f"c{c}"
        (folder / directory.DIR).mkdir(parents=True)
        for name, data in directory.directory_files([f"t{i}" for i in range(nb)], where, filters):
            (folder / directory.DIR / name).write_bytes(data)
        counties.append((f"c{c}", f"县{c}", folder))
    got = directory.city_directory(counties)
    assert got == _city_plain(counties)
    # joined in runs of groups side by side (worker processes in a build), the same files
    assert directory.city_directory(counties, parts_per_run=rnd.randint(2, 5)) == got
    counts = {json.loads((f / directory.DIR / "meta.json").read_bytes())["buckets"]
              for _s, _n, f in counties}
    if seed == 0:  # the case the group filter is for: counties of different bucket counts
        assert len(counts) > 1


def _bucket_lines_plain(where: dict[str, int], n: int) -> dict[int, list[str]]:
    """The rule ``directory._bucket_lines`` shortcuts: every key in sorted order, its line
    appended to bucket CRC-32 mod n."""
    out: dict[int, list[str]] = {}
    for k in sorted(where):
        bucket = directory.bucket_hash(k) % n
        out.setdefault(bucket, []).append(f"{k}\t,{directory._mask_ranges(where[k])},\n")
    return out


@pytest.mark.parametrize("seed", range(20))
def test_bucket_lines_equal_the_plain_rule(seed: int) -> None:
    rnd = random.Random(seed)
    shown: dict[int, str] = {}  # shared across calls, as the city's bucket groups share it
    for _ in range(3):
        keys = {"".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 5)))
                for _ in range(rnd.choice((1, 10, 300)))}
        where = {k: rnd.randint(1, (1 << rnd.randint(1, 12)) - 1) for k in keys}
        n = 1 << rnd.randint(0, 6)
        assert directory._bucket_lines(where, n, shown) == _bucket_lines_plain(where, n)


# whole numbers the leak guard finds (an ID, its X form, a card that passes Luhn) and what a
# page may put between their digits; keys never hold a line break
NUMBERS = ["410122198502030012", "41012219900101123X", "6222021234567890128"]
BETWEEN = ['"', ",", "、", "/", "_", ":", " ", "-", ".", "\u200b", "&#52;", "<b>", "\\u0034", "", ""]
KEY_TEXT = list("王红梅低保0123456789X ,.-") + ["０", "𝟒", "&", "<", "\\", "\u3000"]


def _split_number(rnd: random.Random) -> str:
    out = []
    # some digits full-width or mathematical, one form per number (the guard reads both)
    wide = rnd.choice([0, 0, 0, 0xFF10, 0x1D7CE])
    for ch in rnd.choice(NUMBERS):
        if wide and ch.isdigit() and rnd.random() < 0.5:
            ch = chr(wide + int(ch))
        out.append(ch)
        if rnd.random() < 0.2:
            out.append(rnd.choice(BETWEEN))
    return "".join(out)


@pytest.mark.parametrize("seed", range(20))
def test_packed_keys_leave_out_exactly_what_the_guard_reads_as_a_number(seed: int) -> None:
    """``pack_keys`` against its plain rule: a key goes exactly when ``personal.scan_text``
    finds a number in it; its shortcuts (short keys, keys with few digits) never let one through."""
    from generator import personal

    rnd = random.Random(seed)
    for _ in range(200):
        keys = set()
        for _ in range(rnd.randint(0, 6)):
            parts = ["".join(rnd.choice(KEY_TEXT) for _ in range(rnd.randint(0, 12)))]
            if rnd.random() < 0.4:
                parts.insert(rnd.randint(0, 1), _split_number(rnd))
            if rnd.random() < 0.3:
                parts.append("".join(rnd.choice("0123456789") for _ in range(rnd.randint(10, 20))))
            keys.add(" ".join(parts))
        keys.discard("")
        plain = {k for k in keys if not personal.scan_text(k)}
        assert set(directory.unpack_keys(directory.pack_keys(keys))) == plain, keys


def test_a_number_split_on_the_page_is_not_joined_in_the_directory(tmp_path: Path) -> None:
    """A notice shows an ID with a stray quote in it, and another with commas between its
    groups: neither is a number a reader sees (docs/privacy.md), but the search's
    normalisation joins their digits. The build publishes the page as typed, leaves those
    keys out of the directory (nothing found by searching for them) and stops nothing."""
    import shutil

    from generator import personal
    from generator.publish import leakguard

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "golden" / "data", data)
    notice = data / "qinghe-xian" / "dongguan-zhen" / "liuzhuang-cun" / "notices" / "2026-q3-dibao.md"
    text = notice.read_text(encoding="utf-8")
    assert "联系人身份证 410122198502030012" in text
    notice.write_text(text.replace("联系人身份证 410122198502030012",
                                   '联系人身份证 41012219850"2030012，备案号 410122,19850315,0024'),
                      encoding="utf-8")
    out = tmp_path / "site"
    build(data, out)
    page = out / "qinghe-xian" / "dongguan-zhen" / "liuzhuang-cun" / "affairs" / "notices"
    assert "备案号 410122,19850315,0024" in (page / "2026-q3-dibao.html").read_text(encoding="utf-8")
    files = [p for p in out.rglob("*") if p.is_file()]
    assert leakguard.scan_tree(out, files) == []
    for folder in (out / "qinghe-xian" / directory.DIR, out / directory.DIR):
        _meta, keys = directory.read_directory(folder)
        assert {"备 案 号", "41012219850", "2030012", "410122 19850315"} <= set(keys)  # searchable
        assert not [k for k in keys if personal.scan_text(k)]
        assert "41012219850 2030012" not in keys and "410122 19850315 0024" not in keys
