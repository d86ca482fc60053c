"""Broken cases of the privacy rules (issue 17 §1–§3): every message that quotes a value
masks a full ID or card; names, web addresses and attachments that would publish one are
refused; unsafe attachment types and data files linked from outside the data folder too.

Run ``python tests/cases/make_privacy_cases.py`` to rewrite the data trees (expected.txt
files are kept by hand)."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
C, T, V = "qinghe-xian", "dongguan-zhen", "liuzhuang-cun"
VP = f"{C}/{T}/{V}"
BASE = {  # the same minimal county as make_cases.py
    f"{C}/county.yaml": "名称: 青禾县\n代码: '419901'\n监督电话: 0371-12388\n"
                        "网址: https://ydt.qinghe.example.gov.cn/\n",
    f"{C}/{T}/township.yaml": "名称: 东关镇\n代码: 419901100\n",
    f"{VP}/village.yaml": "名称: 刘庄村\n类型: 村\n代码: 419901100201\n办公时间: 8:30-17:30\n",
}


def case(name: str, files: dict[str, str | bytes | None]) -> None:
    d = ROOT / name / "data"
    if d.exists():
        shutil.rmtree(d)
    for rel, content in {**BASE, **files}.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

ID = "410122198503150024"  # a valid check digit (see tests/test_visible_text.py)
ID_GROUPED = "410122-19850315-0024"
FIN_HEAD = "日期,类型,科目,摘要,金额,附件\n"


def fin_with(name: str) -> str:
    return FIN_HEAD + f"2025-03-05,收入,补助收入,收到转移支付,1000.00,{name}\n"


def pdf(pages: list[str]) -> bytes:
    """A small PDF with one line of text per page (Helvetica)."""
    objs: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx(runs: list[str]) -> bytes:
    """A minimal .docx whose one paragraph is ``runs`` (Word splits text into runs)."""
    body = "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        def put(name: str, text: str) -> None:  # fixed times: the same bytes every run
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text)
        put("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas'
            '.openxmlformats.org/package/2006/content-types"/>')
        put("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w">'
            f"<w:body><w:p>{body}</w:p></w:body></w:document>")
    return buf.getvalue()


# 3. messages never echo a full number
case("message-masks-choice",
     {f"{VP}/welfare.csv": f"项目,姓名,金额,发放日期\n{ID},张三,500.00,2025-03-05\n"})
case("message-masks-code",
     {f"{VP}/village.yaml": f"名称: 刘庄村\n类型: 村\n代码: {ID}\n"})
case("message-masks-column",
     {f"{VP}/finance.csv": f"日期,类型,科目,摘要,金额,{ID}\n2025-03-05,收入,补助收入,收到转移支付,1000.00,x\n"})
case("message-masks-url",
     {"qinghe-xian/county.yaml": "名称: 青禾县\n代码: '419901'\n监督电话: 0371-12388\n"
                                 f"举报网址: 举报{ID}\n"})
case("message-masks-missing-attachment", {f"{VP}/finance.csv": fin_with(f"{ID}.pdf")})
# 2. every place text goes
case("url-holds-id",
     {"qinghe-xian/county.yaml": "名称: 青禾县\n代码: '419901'\n监督电话: 0371-12388\n"
                                 f"举报网址: https://jubao.example.gov.cn/form?sfz=%34{ID[1:]}\n"})
case("notice-slug-holds-id",
     {f"{VP}/notices/{ID_GROUPED}.md": "---\n标题: 公示\n类别: 村务\n日期: 2025-04-02\n---\n正文\n"})
case("service-booking-url-holds-id",
     {f"{VP}/services.yaml": f"- 名称: 低保申请\n  预约方式: https://yuyue.example.gov.cn/?id={ID_GROUPED}\n"})
# 4. attachments
case("attachment-type-svg",
     {f"{VP}/finance.csv": fin_with("logo.svg"),
      f"{VP}/files/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'})
case("attachment-html-as-pdf",
     {f"{VP}/finance.csv": fin_with("scan.pdf"),
      f"{VP}/files/scan.pdf": "<html><script>alert(1)</script></html>"})
case("attachment-pdf-page-holds-id",
     {f"{VP}/finance.csv": fin_with("mingdan.pdf"),
      f"{VP}/files/mingdan.pdf": pdf(["Roster page 1", f"Zhang San {ID_GROUPED} 500.00"])})
case("attachment-docx-runs-hold-id",
     {f"{VP}/finance.csv": fin_with("mingdan.docx"),
      f"{VP}/files/mingdan.docx": docx(["张三 ", ID[:6], ID[6:14], ID[14:]])})
case("attachment-text-gbk-holds-id",
     {f"{VP}/finance.csv": fin_with("mingdan.txt"),
      f"{VP}/files/mingdan.txt": f"名单\n张三 {ID_GROUPED}\n".encode("gb18030")})
case("data-file-symlink-outside", {f"{VP}/finance.csv": None})
link = ROOT / "data-file-symlink-outside/data" / VP / "finance.csv"
outside = ROOT / "data-file-symlink-outside/outside.csv"
outside.write_text("日期,类型,科目,摘要,金额\n2025-03-05,收入,补助收入,收到转移支付,1000.00\n", "utf-8")
if link.is_symlink() or link.exists():
    link.unlink()
os.symlink("../../../../outside.csv", link)
case("attachment-name-holds-id",
     {f"{VP}/finance.csv": fin_with(f"{ID_GROUPED}.pdf"),
      f"{VP}/files/{ID_GROUPED}.pdf": pdf(["Invoice"])})
