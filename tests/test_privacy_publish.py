"""Issue 17 §2–§3 and issue 16 §5 on a built site: attachments are published as safe copies,
withdrawn names stay withdrawn everywhere, and the leak guard covers every staged file."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from conftest import AS_OF
from test_privacy import OLD_NAMES, RECENT_NAMES, VILLAGE, write_privacy_tree

from generator.publish import leakguard

CADRE_TOO = "司马过期乙"  # expired recipient whose name is also a cadre's: stays


def _all_text(site: Path) -> dict[str, str]:
    """Every output file as text (Pagefind files decompressed, zero-width spaces dropped)."""
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            data = leakguard._decode(p, p.read_bytes())
            out[p.relative_to(site).as_posix()] = data.decode("utf-8", "replace").replace("\u200b", "")
    return out


def _jpeg_with_exif() -> bytes:
    from PIL import Image

    im = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "村部照片 拍摄人 张三 13812345678"  # ImageDescription
    exif[0x0110] = "SECRET-CAMERA-SERIAL-0042"  # Model
    exif[0x0112] = 6  # orientation: turned
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    from generator.cli import main

    root = tmp_path_factory.mktemp("pub")
    data = write_privacy_tree(root)
    v = data / VILLAGE
    (v / "files").mkdir()
    (v / "files" / "cunbu.jpg").write_bytes(_jpeg_with_exif())
    (v / "files" / "mingdan.txt").write_text("公示名单（已打码）\n", "utf-8")
    y = (v / "village.yaml").read_text("utf-8")
    y += f"照片: cunbu.jpg\n干部:\n  - 姓名: {CADRE_TOO}\n    职务: 委员\n"
    (v / "village.yaml").write_text(y, "utf-8")
    # the original 公示 list and other rows name the recipients whose rows have expired
    (v / "notices" / "yuan-gong-shi.md").write_text(
        "---\n标题: 2024年高龄津贴名单公示\n类别: 村务\n日期: 2026-10-02\n附件: [mingdan.txt]\n---\n"
        f"经评议，{OLD_NAMES[0]}、{CADRE_TOO}、{RECENT_NAMES[0]} 符合条件。\n", "utf-8")
    w = (v / "welfare.csv").read_text("utf-8").replace(
        f"{RECENT_NAMES[0]},", f"{RECENT_NAMES[0]},", 1)
    lines = w.splitlines()
    lines[1] = lines[1] + f"由{OLD_NAMES[0]}代领"  # 备注 of a current row
    (v / "welfare.csv").write_text("\n".join(lines) + "\n", "utf-8")
    out = root / "site"
    from contextlib import redirect_stderr
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                     "--jobs", "1"])
    return data, out, code, err.getvalue()


def test_withdrawn_name_is_masked_in_every_output_file(built) -> None:
    _data, out, code, err = built
    assert code == 0, err
    texts = _all_text(out)
    assert not [name for name, text in texts.items() if OLD_NAMES[0] in text.replace(" ", "")]
    masked = OLD_NAMES[0][0] + "**"
    notice = texts[f"{VILLAGE}/affairs/notices/yuan-gong-shi.html"]
    assert masked in notice
    # a cadre's name and a current recipient's stay (they are published anyway)
    assert CADRE_TOO in notice and RECENT_NAMES[0] in notice
    assert any(masked in t for n, t in texts.items() if n.endswith(".csv"))  # downloads too
    assert any(masked in t.replace(" ", "") for n, t in texts.items()
               if n.endswith(".pf_fragment"))  # search (a space between characters)


def test_withdrawn_name_is_reported_with_its_location(built) -> None:
    _data, _out, _code, err = built
    masked = OLD_NAMES[0][0] + "**"
    assert (f"{VILLAGE}/notices/yuan-gong-shi.md:1: 正文: 警告: 含有个人信息公示期已过的领取人姓名，"
            f"已显示为“{masked}”") in err
    assert f"{VILLAGE}/welfare.csv:2: 备注: 警告: 含有个人信息公示期已过的领取人姓名" in err
    assert OLD_NAMES[0] not in err


def test_picture_is_published_without_metadata_and_upright(built) -> None:
    from PIL import Image

    data, out, _code, _err = built
    published = out / VILLAGE / "files" / "cunbu.jpg"
    raw = published.read_bytes()
    assert b"SECRET-CAMERA-SERIAL" not in raw and b"Exif" not in raw
    with Image.open(published) as im:
        assert dict(im.getexif()) == {}
        assert im.size == (20, 40)  # turned as its orientation said, then the tag dropped
    assert (data / VILLAGE / "files" / "cunbu.jpg").read_bytes() != raw


def test_published_files_and_cache_are_copies_not_links(built) -> None:
    data, out, _code, _err = built
    src = data / VILLAGE / "files" / "mingdan.txt"
    inode = src.stat().st_ino
    cache = out.parent / f".{out.name}.cache"
    linked = [p for tree in (out, cache) for p in tree.rglob("*")
              if p.is_file() and p.stat().st_ino == inode]
    assert linked == []
    before = (out / VILLAGE / "files" / "mingdan.txt").read_bytes()
    with open(src, "r+b") as f:  # the clerk edits the file in place
        f.write("改过的内容".encode())
    assert (out / VILLAGE / "files" / "mingdan.txt").read_bytes() == before


def test_guard_scans_outputs_nobody_listed(cli, tmp_path: Path, monkeypatch) -> None:
    """A new kind of output (here: a ledger file a later stage writes) is scanned without
    being added to any list."""
    from generator import pipeline
    from generator.site import opendata

    real = opendata.write_county_files

    def with_extra(staging, writer, *args, **kw):
        n = real(staging, writer, *args, **kw)
        writer.write("qinghe-xian/ledger/entries.json",
                     '{"备注": "卡号 6222 0210 0111 6222"}'.encode())
        return n

    monkeypatch.setattr(opendata, "write_county_files", with_extra)
    monkeypatch.setattr(pipeline.opendata, "write_county_files", with_extra)
    data = write_privacy_tree(tmp_path)
    out = tmp_path / "site"
    run = cli("build", "--data", data, "--out", out, "--as-of", AS_OF, "--jobs", "1")
    assert run.code == 1, run.err
    assert ("qinghe-xian/ledger/entries.json:1: 银行卡号: 输出文件中出现完整银行卡号 "
            "6222********6222，已停止发布") in run.lines
    assert not out.exists()


def test_guard_walks_every_file_except_those_already_scanned(tmp_path: Path) -> None:
    (tmp_path / "a" / "pagefind" / "t1").mkdir(parents=True)
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "a" / "new" / "y.json").parent.mkdir()
    (tmp_path / "a" / "new" / "y.json").write_text("y")
    (tmp_path / "a" / "pagefind" / "t1" / "f.pf_fragment").write_bytes(gzip.compress(b"z"))
    (tmp_path / "a" / "pagefind" / "pagefind-entry.json").write_text("{}")
    got = [p.relative_to(tmp_path).as_posix()
           for p in leakguard.walk(tmp_path, {"a/x.html"}, {"a/pagefind/t1"})]
    assert got == ["a/new/y.json", "a/pagefind/pagefind-entry.json"]


@pytest.mark.parametrize("rel", ["qinghe-xian/county.yaml", "qinghe-xian/dongguan-zhen/township.yaml",
                                 f"{VILLAGE}/village.yaml"])
def test_data_file_linked_from_outside_is_refused(cli, minimal_data: Path, rel: str) -> None:
    import os

    target = minimal_data.parent / "elsewhere.yaml"
    target.write_bytes((minimal_data / rel).read_bytes())
    (minimal_data / rel).unlink()
    os.symlink(target, minimal_data / rel)
    run = cli("check", "--data", minimal_data, "--as-of", AS_OF)
    assert run.code == 1
    assert f"{rel}:1: 文件: 是指向数据文件夹之外的符号链接，不能使用（请把文件本身放进数据文件夹）" in run.lines


def test_attachment_checks_refuse_what_cannot_be_checked(tmp_path: Path) -> None:
    import struct
    import zlib

    from generator.read import attachments

    def png(w: int, h: int) -> bytes:
        def chunk(t: bytes, d: bytes) -> bytes:
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\x00" * (w + 1))) + chunk(b"IEND", b""))

    cases = {
        "huge.png": (png(100_000, 100_000), "图片无法读取（文件可能已损坏或过大）"),
        "page.html": (b"<script>alert(1)</script>", "文件类型 .html 不能作为附件公开"),
        "x.xhtml": (b"<html/>", "文件类型 .xhtml 不能作为附件公开"),
        "a.js": (b"alert(1)", "文件类型 .js 不能作为附件公开"),
        "b.zip": (b"PK\x03\x04", "文件类型 .zip 不能作为附件公开"),
        "c.gz": (b"\x1f\x8b", "文件类型 .gz 不能作为附件公开"),
        "fake.docx": (b"<html></html>", "文件内容不是 docx（扩展名与内容不符）"),
        "latin.txt": ("名单".encode("utf-16"), "文本文件的编码无法识别"),
    }
    for name, (data, want) in cases.items():
        (tmp_path / name).write_bytes(data)
        got = attachments.check(tmp_path / name)
        assert len(got) == 1 and got[0].startswith(want), (name, got)
    (tmp_path / "ok.png").write_bytes(png(2, 2))
    assert attachments.check(tmp_path / "ok.png") == []
