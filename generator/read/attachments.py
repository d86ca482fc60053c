"""Attachments (files in a village's ``files/``): only safe types are published, text inside
them is checked for ID and card numbers, images lose their metadata.

- Allowed: pdf, jpg/jpeg, png, webp, xlsx, docx, txt/csv (UTF-8 or GB18030). Anything else —
  html, svg, xhtml, js, zip, gz … — runs script on the site's own origin or hides what it
  holds, and is an error naming the file. The content must match the name (a ``.pdf`` that is
  an HTML page is refused).
- Text-bearing files are read the way a reader would see them (PDF text page by page and its
  document properties, the XML of docx/xlsx, text files decoded): a full 身份证号 or bank
  card stops the build with a located message (``…/files/名单.pdf:1: 附件: 第 2 页含有完整身份证号 …``).
- Images are re-encoded without EXIF/XMP/text chunks (``publishable_bytes``), turned upright
  first as their EXIF orientation said.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import personal

log = logging.getLogger(__name__)

IMAGE_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
TEXT_TYPES = {".txt", ".csv"}
OFFICE_TYPES = {".docx", ".xlsx"}
ALLOWED = {".pdf", *IMAGE_TYPES, *OFFICE_TYPES, *TEXT_TYPES}
ALLOWED_TEXT = "pdf、jpg、jpeg、png、webp、xlsx、docx、txt、csv"
MAX_UNZIPPED = 200 * 1024 * 1024  # an Office file whose XML is larger is refused (zip bomb)
MAX_PDF_PAGES = 2000
MAX_PIXELS = 60_000_000  # a larger picture (a phone takes 50 megapixels at most) is refused

_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
# OOXML: a paragraph, table cell, shared string or sheet cell ends a piece of text; the runs
# inside one (Word splits text into runs at every format change) are joined
_OOXML_BREAK = re.compile(r"</(?:w:p|w:tc|w:tab|w:br|si|c|a:p|is|t:p|text:p)>|<(?:w:br|w:tab|w:cr)\b[^>]*/>")
_OOXML_TAG = re.compile(r"<[^<>]*>")


def kind_problem(name: str, head: bytes) -> str | None:
    """Why ``name`` (with its first bytes ``head``) may not be published, or None."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        shown = suffix or "（无扩展名）"
        return f"文件类型 {shown} 不能作为附件公开，只能是 {ALLOWED_TEXT}"
    magic = _MAGIC.get(suffix)
    if magic is not None and not head.startswith(magic):
        return f"文件内容不是 {suffix[1:]}（扩展名与内容不符），不能公开"
    if suffix == ".webp" and not (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "文件内容不是 webp（扩展名与内容不符），不能公开"
    return None


def _found_text(found: list[personal.Found]) -> str:
    kinds = "、".join(dict.fromkeys(f.kind for f in found))
    return f"含有完整{kinds}（{'、'.join(dict.fromkeys(f.masked for f in found))}）"


def _numbers(text: str) -> list[personal.Found]:
    return personal.scan_text(text)


def _pdf_problems(data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    out: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return ["PDF 文件加了密码，无法检查其中的内容，不能公开"]
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            return [f"PDF 页数过多（{len(pages)} 页，最多 {MAX_PDF_PAGES} 页）"]
        meta = reader.metadata
        if meta:
            found = _numbers("\n".join(str(v) for v in meta.values()))
            if found:
                out.append(f"文档属性{_found_text(found)}")
        for i, page in enumerate(pages, 1):
            found = _numbers(page.extract_text() or "")
            if found:
                out.append(f"第 {i} 页{_found_text(found)}")
        xmp = reader.xmp_metadata
        if xmp is not None:
            found = _numbers(xmp.stream.get_data().decode("utf-8", "replace"))
            if found:
                out.append(f"XMP 元数据{_found_text(found)}")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError) as e:
        log.debug("pdf", exc_info=e)
        return _raw_pdf_problems(data)
    return out


_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def _raw_pdf_problems(data: bytes) -> list[str]:
    """A PDF the reader cannot parse: its bytes and every stream that inflates are checked
    as text (what a lenient viewer could still show)."""
    texts = [data.decode("latin-1")]
    for m in _STREAM.finditer(data):
        try:
            texts.append(zlib.decompressobj().decompress(m.group(1), MAX_UNZIPPED).decode("latin-1"))
        except zlib.error:
            continue
    found = [f for t in texts for f in _numbers(t)]
    if found:
        return [f"PDF 文件无法完整读取，其中{_found_text(found)}"]
    return []


def _office_problems(data: bytes) -> list[str]:
    out: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                return ["文件解压后过大，无法检查其中的内容"]
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                return ["不是有效的 Office 文件（缺少 [Content_Types].xml）"]
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                xml = z.read(info).decode("utf-8", "replace")
                text = _OOXML_TAG.sub("", _OOXML_BREAK.sub("\n|\n", xml))
                found = _numbers(text)
                if found:
                    out.append(f"{info.filename} {_found_text(found)}")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError) as e:
        log.debug("office", exc_info=e)
        return ["文件无法读取（文件可能已损坏），无法检查其中的内容"]
    return out


def _text_problems(data: bytes) -> list[str]:
    decoded = decode_text(data)
    if decoded is None:
        return ["文本文件的编码无法识别，请用 UTF-8 或 GB18030（GBK）保存"]
    text = decoded[0]
    if "\x00" in text:
        return ["不是文本文件（可能是二进制文件改了扩展名）"]
    out = []
    for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        found = _numbers(line)
        if found:
            out.append(f"第 {i} 行{_found_text(found)}")
    joined = _numbers(text)  # a number split across lines
    if joined and not out:
        out.append(_found_text(joined))
    return out


def _image_problems(data: bytes, suffix: str) -> list[str]:
    try:
        _reencode(data, suffix)
    except Exception as e:  # noqa: BLE001 (Pillow raises many kinds for a broken image)
        log.debug("image", exc_info=e)
        return ["图片无法读取（文件可能已损坏或过大）"]
    return []


def check(path: Path) -> list[str]:
    """What is wrong with publishing the attachment at ``path`` (Chinese, without location)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return [f"无法读取：{e.strerror or e}"]
    why = kind_problem(path.name, data[:16])
    if why is not None:
        return [why]
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_problems(data)
    if suffix in OFFICE_TYPES:
        return _office_problems(data)
    if suffix in TEXT_TYPES:
        return _text_problems(data)
    return _image_problems(data, suffix)


def _reencode(data: bytes, suffix: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as im:
        if im.width * im.height > MAX_PIXELS:
            raise ValueError("picture too large")
        im.load()
        turned = im.getexif().get(0x0112, 1) not in (None, 1)
        fmt = IMAGE_TYPES[suffix]
        pic = ImageOps.exif_transpose(im) if turned else im
        if fmt == "JPEG" and pic.mode not in ("RGB", "L", "CMYK"):
            pic = pic.convert("RGB")
        pic.info = {}  # no EXIF, XMP, ICC comments or text chunks are carried over
        out = io.BytesIO()
        if fmt == "JPEG":
            # the source's quantisation tables when the picture was not turned: no new loss
            keep = pic is im and im.format == "JPEG"
            pic.save(out, "JPEG", quality="keep" if keep else 92)
        elif fmt == "PNG":
            pic.save(out, "PNG")
        else:
            pic.save(out, "WEBP", quality=90)
        return out.getvalue()


def publishable_bytes(path: Path) -> bytes:
    """The bytes to publish for an attachment that passed ``check``: images re-encoded
    without metadata, other files as they are (read now: a copy, never a link)."""
    data = path.read_bytes()
    fmt = IMAGE_TYPES.get(path.suffix.lower())
    if fmt is None:
        return data
    return _reencode(data, path.suffix.lower())


# ----------------------------------------------------------------------------- withdrawn names
@dataclass(frozen=True)
class Withdrawn:
    """An attachment as published once the withdrawn names (个人信息公示天数) are masked in
    it: ``data`` None when it cannot be masked (a PDF) and is not published; ``found``:
    (line, where, masked name) for each name found (where: "第 2 页", "word/document.xml 中",
    "" for a text file, whose line is the location)."""

    data: bytes | None
    found: tuple[tuple[int, str, str], ...] = ()


def decode_text(data: bytes) -> tuple[str, str] | None:
    """A clerk's text file as (text, encoding): UTF-8 (a byte-order mark allowed), else
    GB18030 (GBK); None when it is neither."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None


def withdraw_names(path: Path, pattern: re.Pattern[str], mask: Callable[[str], str]) -> Withdrawn:
    """The bytes to publish for the attachment at ``path`` (which passed ``check``) with
    every name ``pattern`` finds written as ``mask(name)`` (姓 + ``**``):

    - txt, csv: the text masked, in its own encoding (and byte-order mark);
    - docx, xlsx: masked inside the XML of every part; a name Word split over several runs
      (formatting changed in the middle of it) cannot be masked there, and then the file is
      not published, as a PDF;
    - pdf: its text cannot be rewritten: a PDF whose text shows such a name is not
      published (``data`` None) — the record keeps no link to it;
    - images: published as ``publishable_bytes`` gives them (text in a picture is not read).
    """
    data = publishable_bytes(path)
    suffix = path.suffix.lower()
    found: list[tuple[int, str, str]] = []
    if suffix in TEXT_TYPES:
        decoded = decode_text(data)
        if decoded is None:
            return Withdrawn(data)
        text, enc = decoded
        if pattern.search(text) is None:
            return Withdrawn(data)
        for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
            for name in dict.fromkeys(pattern.findall(line)):
                found.append((i, "", mask(name)))
        masked = pattern.sub(lambda m: mask(m.group(0)), text)
        bom = data.startswith(codecs.BOM_UTF8)
        return Withdrawn((codecs.BOM_UTF8 if bom else b"") + masked.encode("utf-8" if enc == "utf-8-sig" else enc),
                         tuple(found))
    if suffix in OFFICE_TYPES:
        return _withdraw_office(data, pattern, mask)
    if suffix == ".pdf":
        return _withdraw_pdf(data, pattern, mask)
    return Withdrawn(data)


def _withdraw_office(data: bytes, pattern: re.Pattern[str], mask: Callable[[str], str]) -> Withdrawn:
    out = io.BytesIO()
    found: list[tuple[int, str, str]] = []
    split = False
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w") as w:
        for info in z.infolist():
            part = z.read(info)
            if info.filename.endswith((".xml", ".rels", ".vml")):
                xml = part.decode("utf-8", "replace")
                if pattern.search(xml) is not None:
                    for name in dict.fromkeys(pattern.findall(xml)):
                        found.append((1, f"{info.filename} 中", mask(name)))
                    xml = pattern.sub(lambda m: mask(m.group(0)), xml)
                    part = xml.encode("utf-8")
                # what a reader sees: the runs of a paragraph joined
                seen = _OOXML_TAG.sub("", _OOXML_BREAK.sub("\n|\n", xml))
                hit = pattern.search(seen)
                if hit is not None:
                    split = True
                    found.append((1, f"{info.filename} 中", mask(hit.group(0))))
            w.writestr(info, part)
    if split:
        return Withdrawn(None, tuple(found))
    return Withdrawn(out.getvalue() if found else data, tuple(found))


def _withdraw_pdf(data: bytes, pattern: re.Pattern[str], mask: Callable[[str], str]) -> Withdrawn:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    found: list[tuple[int, str, str]] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        texts = [("文档属性", "\n".join(str(v) for v in (reader.metadata or {}).values()))]
        texts += [(f"第 {i} 页", page.extract_text() or "") for i, page in enumerate(reader.pages, 1)]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError) as e:
        log.debug("pdf", exc_info=e)
        texts = [("", data.decode("latin-1"))]
    for where, text in texts:
        for name in dict.fromkeys(pattern.findall(text.replace("\n", "").replace(" ", ""))):
            found.append((1, where, mask(name)))
    return Withdrawn(None, tuple(found)) if found else Withdrawn(data)
