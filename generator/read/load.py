"""Read the data folder: discover counties/townships/villages and turn files into model objects.

Reading and validating one village is a pure function of its folder
(``load_village``), so villages can be loaded in parallel worker processes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.compat import canonical_name
from generator.errors import BadValue, Problem, UsageError
from generator.model.records import (
    Asset,
    BalanceRow,
    Cadre,
    City,
    Contract,
    County,
    FinanceRow,
    Notice,
    Power,
    Project,
    Resource,
    Service,
    Township,
    Village,
    WelfareRow,
    rows_of,
)
from generator.read import attachments, filenames
from generator.read import schema as S
from generator.read.markup import has_raw_html, html_to_text, render_markdown
from generator.read.mdlimits import markdown_too_complex
from generator.read.tables import Row, open_table
from generator.read.validate import (
    MAX_SLUG,
    SLUG,
    BalanceCheck,
    Collector,
    DuplicateRows,
    FileContext,
    FinanceMonths,
    TableCheck,
    TableResult,
    check_date_order,
    number_in_name,
    scrub,
    scrub_body,
    validate_mapping,
    validate_records,
)
from generator.read.values import parse_id
from generator.read.yamltext import front_matter_unclosed, load_yaml, split_front_matter

log = logging.getLogger(__name__)

# a county's folder of template, static and content overrides (generator.site.theme), not a
# township
THEME_DIR = "theme"
# names a township folder may not take: they are used by the county site itself
CITY_YAML = "city.yaml"  # optional, at the top of the data folder: the city portal
RESERVED_SLUGS = frozenset({"search", "static", "info", "pagefind", "data", "downloads", "feed",
                            THEME_DIR})
MAX_TEXT_BYTES = 2 * 1024 * 1024
VILLAGE_YAML = ("village.yaml", "powers.yaml", "services.yaml")
VILLAGE_DIRS = ("notices", "files")


@dataclass(frozen=True)
class VillageSource:
    county: str
    township: str
    slug: str
    path: Path  # absolute folder

    @property
    def rel(self) -> str:
        return f"{self.county}/{self.township}/{self.slug}"


@dataclass(frozen=True)
class TownshipSource:
    slug: str
    path: Path
    villages: tuple[VillageSource, ...]


@dataclass(frozen=True)
class CountySource:
    slug: str
    path: Path
    townships: tuple[TownshipSource, ...]
    theme: Path | None = None  # <county>/theme/, when the county has one


@dataclass(frozen=True)
class VillageResult:
    source: VillageSource
    village: Village | None  # None when the village has errors
    problems: tuple[Problem, ...]
    secrets: frozenset[str]  # full ID numbers found in the input (for the leak guard only)
    secret_sources: tuple[tuple[str, str], ...] = ()  # (ID, "path:line") for leak messages
    # (table stem, line, full ID) — only when asked for (the internal audit); never in the model
    full_ids: tuple[tuple[str, int, str], ...] = ()
    ident: VillageIdent | None = None  # 名称 and 代码 with their lines (county-wide checks)


@dataclass(frozen=True)
class VillageIdent:
    """A village's 名称 and 代码 and where village.yaml has them: two villages of a county
    must not share either (a copied folder left unchanged)."""

    rel: str  # data-relative path of village.yaml
    name: str
    code: str
    name_line: int
    code_line: int


def check_villages(villages: list[tuple[VillageIdent, str | None]]) -> list[Problem]:
    """County-wide: no two villages share a 代码, no two of one township a 名称 (a copied
    folder left unchanged),
    and a 代码 starts with its township's 9-digit 代码. ``villages``: (ident, township 代码)."""
    out: list[Problem] = []
    first_name: dict[str, VillageIdent] = {}
    first_code: dict[str, VillageIdent] = {}
    for ident, town_code in sorted(villages, key=lambda v: v[0].rel):
        # the same name in two townships is common (王庄村): only within one township
        township = ident.rel.rsplit("/", 2)[0]
        other = first_name.setdefault(f"{township}/{ident.name}", ident)
        if other is not ident:
            out.append(Problem(ident.rel, ident.name_line, "名称",
                               f"“{ident.name}”与 {other.rel} 的名称相同（复制文件夹后忘了修改？）"))
        other = first_code.setdefault(ident.code, ident)
        if other is not ident:
            out.append(Problem(ident.rel, ident.code_line, "代码",
                               f"{ident.code} 与 {other.rel} 的代码相同（复制文件夹后忘了修改？）"))
        elif town_code and not ident.code.startswith(town_code):
            out.append(Problem(ident.rel, ident.code_line, "代码",
                               f"{ident.code} 不在本乡镇的代码 {town_code} 之下（村代码的前 9 位应为 {town_code}）"))
    return out


def _visible(p: Path) -> bool:
    return not p.name.startswith((".", "~$")) and p.name not in ("Thumbs.db", "desktop.ini")


def _slug_problem(rel: str, name: str, col: Collector, *, reserved: bool = False) -> bool:
    if not SLUG.match(name):
        col.error(rel, 0, "文件夹",
                  f"文件夹名“{name}”不合规：只能用小写英文字母、数字和 -（如拼音 liuzhuang-cun）")
        return False
    if len(name) > MAX_SLUG:
        col.error(rel, 0, "文件夹", f"文件夹名过长（{len(name)} 个字符），最多 {MAX_SLUG} 个字符")
        return False
    if number_in_name(rel, name, col, "文件夹"):
        return False
    if reserved and name in RESERVED_SLUGS:
        col.error(rel, 0, "文件夹", f"文件夹名“{name}”是网站保留的名称，请换一个")
        return False
    return True


def _misnamed(rel: str, name: str, known: set[str] | frozenset[str], col: Collector) -> bool:
    """Report a known file named in other letter case (``Finance.csv``): Windows and macOS
    would read it as ``finance.csv`` and Linux would not, so it is an error everywhere,
    naming the right name. Returns whether ``name`` was such a name."""
    right = canonical_name(name, known)
    if right is None:
        return False
    col.error(rel, 1, "文件", f"文件名应为 {right}（大小写不同），请改名")
    return True


def _outside(p: Path, root: Path, rel: str, col: Collector) -> bool:
    """A folder that is a symbolic link leading out of the data folder is refused."""
    if p.is_symlink() and not p.resolve().is_relative_to(root):
        col.error(rel, 0, "文件夹", "是指向数据文件夹之外的符号链接，不能使用（请把文件夹本身放进数据文件夹）")
        return True
    return False


def _linked_outside(p: Path, root: Path, rel: str, col: Collector) -> bool:
    """A data file that is a symbolic link leading out of the data folder is refused (the
    build would publish whatever it points at)."""
    if p.is_symlink() and not p.resolve().is_relative_to(root):
        col.error(rel, 1, "文件", "是指向数据文件夹之外的符号链接，不能使用（请把文件本身放进数据文件夹）")
        return True
    return False


def discover(data_dir: Path, only: tuple[str, ...] = ()) -> tuple[list[CountySource], Collector]:
    """Walk the data folder; folder-name problems go into the collector."""
    col = Collector()
    if not data_dir.is_dir():
        raise UsageError(f"数据文件夹 {data_dir} 不存在")
    root = data_dir.resolve()
    counties: list[CountySource] = []
    entries = sorted(p for p in data_dir.iterdir() if _visible(p))
    names = [p.name for p in entries if p.is_dir()]
    for want in only:
        if want not in names:
            raise UsageError(f"数据文件夹中没有县 {want}（现有：{'、'.join(names) or '无'}）")
    for cdir in entries:
        if not cdir.is_dir():
            if cdir.name != CITY_YAML and not _misnamed(cdir.name, cdir.name, {CITY_YAML}, col):
                col.warn(cdir.name, 1, "文件",
                         "数据文件夹顶层只应有各县的文件夹和 city.yaml，此文件不会使用")
            continue
        if only and cdir.name not in only:
            continue
        # a county folder sits next to the city portal's search/ and static/ at the site root
        if _outside(cdir, root, f"{cdir.name}/", col) or \
                not _slug_problem(f"{cdir.name}/", cdir.name, col, reserved=True):
            continue
        towns = []
        theme: Path | None = None
        for tdir in sorted(p for p in cdir.iterdir() if _visible(p)):
            if tdir.name == THEME_DIR and tdir.is_dir():
                if not _outside(tdir, root, f"{cdir.name}/{tdir.name}/", col):
                    theme = tdir.resolve()
                continue
            if not tdir.is_dir():
                if tdir.name != "county.yaml" and not _misnamed(
                        f"{cdir.name}/{tdir.name}", tdir.name, {"county.yaml"}, col):
                    col.warn(f"{cdir.name}/{tdir.name}", 1, "文件", "未知的文件，不会使用")
                continue
            trel = f"{cdir.name}/{tdir.name}/"
            if _outside(tdir, root, trel, col) or not _slug_problem(trel, tdir.name, col, reserved=True):
                continue
            villages = []
            for vdir in sorted(p for p in tdir.iterdir() if _visible(p)):
                if not vdir.is_dir():
                    if vdir.name != "township.yaml" and not _misnamed(
                            f"{trel}{vdir.name}", vdir.name, {"township.yaml"}, col):
                        col.warn(f"{trel}{vdir.name}", 1, "文件", "未知的文件，不会使用")
                    continue
                vrel = f"{trel}{vdir.name}/"
                if not _outside(vdir, root, vrel, col) and _slug_problem(vrel, vdir.name, col):
                    villages.append(VillageSource(cdir.name, tdir.name, vdir.name, vdir.resolve()))
            towns.append(TownshipSource(tdir.name, tdir.resolve(), tuple(villages)))
        counties.append(CountySource(cdir.name, cdir.resolve(), tuple(towns), theme))
    return counties, col


def read_text(path: Path, rel: str, col: Collector) -> str | None:
    """Read a clerk text file (YAML, Markdown): UTF-8 (BOM ok) or GB18030."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            col.error(rel, 1, "文件", f"文件过大（{size // 1024} KB），最多 {MAX_TEXT_BYTES // 1024} KB")
            return None
        data = path.read_bytes()
    except OSError as e:
        col.error(rel, 1, "文件", f"无法读取：{e.strerror or e}")
        return None
    if b"\x00" in data:
        col.error(rel, 1, "文件", "不是文本文件（可能是二进制文件改了扩展名）")
        return None
    decoded = attachments.decode_text(data)
    if decoded is None:
        col.error(rel, 1, "文件", "无法识别的文件编码，请用 UTF-8 或 GB18030（GBK）保存")
        return None
    text = decoded[0]
    if not text.strip():
        col.error(rel, 1, "文件", "文件是空的")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(path: Path, rel: str, col: Collector, *, offset: int = 0,
              text: str | None = None) -> Any:
    if text is None:
        text = read_text(path, rel, col)
        if text is None:
            return None
    data, problems = load_yaml("\n" * offset + text, rel)
    col.problems.extend(problems)
    if any(not p.warning for p in problems):
        return None
    return data


def markdown_field(text: str | None, rel: str, line: int, label: str, col: Collector, *,
                   render: bool = True) -> str:
    """A Markdown field checked (limits, raw HTML, numbers masked: every problem reported)
    and rendered to HTML; ``render=False`` checks the same and returns "" (no page needs it)."""
    if not text:
        return ""
    complex_at = markdown_too_complex(text)
    if complex_at is not None:
        col.error(rel, line, label, complex_at[1])
        return ""
    if has_raw_html(text):
        col.warn(rel, line, label, "含有 HTML 标签，已按纯文本显示")
    masked = scrub(text, rel, line, label, col, mobiles=False, markdown=True)
    return render_markdown(masked) if render else ""


def _admin_yaml(path: Path, rel: str, spec: S.FileSpec, missing: str,
                col: Collector) -> tuple[dict[str, Any], str] | None:
    """A county.yaml / township.yaml: its values and its rendered 简介, or None when the file
    is missing, unreadable or lacks a required field (all reported)."""
    if not path.is_file():
        col.error(rel, 1, "文件", missing)
        return None
    if path.is_symlink() and _linked_outside(path, path.parents[rel.count("/")].resolve(), rel, col):
        return None
    data = read_yaml(path, rel, col)
    if data is None:
        return None
    v = validate_mapping(spec.fields, data, rel, col, FileContext(None, ""))
    if v is None or any(v.get(f.attr) is None for f in spec.fields if f.required):
        return None
    lines = getattr(data, "key_lines", {})
    return v, markdown_field(v.get("intro"), rel, lines.get("简介", 1), "简介", col)


def load_county(src: CountySource, col: Collector) -> County | None:
    found = _admin_yaml(src.path / "county.yaml", f"{src.slug}/county.yaml", S.COUNTY,
                        "缺少 county.yaml（县名称、代码、监督电话）", col)
    if found is None:
        return None
    v, intro = found
    url = v.get("url")
    if url and not url.endswith("/"):
        url += "/"
    towns = []
    for t in src.townships:
        town = load_township(src, t, col)
        if town is not None:
            towns.append(town)
    return County(
        slug=src.slug, name=v["name"], code=v["code"], hotline=v["hotline"], intro_html=intro,
        address=v.get("address"), phone=v.get("phone"), url=url, report_url=v.get("report_url"),
        privacy_days=v.get("privacy_days"), townships=tuple(towns),
        major_amount=v.get("major_amount"),
        deadline_day=v.get("deadline_day") or 10, stale_edit_days=v.get("stale_edit_days") or 30,
    )


def load_city(data_dir: Path, col: Collector) -> City:
    """The optional ``city.yaml`` at the top of the data folder; without it (or with errors,
    all reported in ``col``) the portal keeps its default name and no city-wide channel."""
    path = data_dir / CITY_YAML
    if not path.is_file():
        return City()
    found = _admin_yaml(path, CITY_YAML, S.CITY, "", col)
    if found is None:
        return City()
    v, _intro = found
    url = v.get("url")
    if url and not url.endswith("/"):
        url += "/"
    return City(name=v["name"], url=url, hotline=v.get("hotline"), report_url=v.get("report_url"))


def load_township(c: CountySource, t: TownshipSource, col: Collector) -> Township | None:
    found = _admin_yaml(t.path / "township.yaml", f"{c.slug}/{t.slug}/township.yaml", S.TOWNSHIP,
                        "缺少 township.yaml（乡镇名称、代码）", col)
    if found is None:
        return None
    v, intro = found
    return Township(slug=t.slug, name=v["name"], code=v["code"], intro_html=intro,
                    address=v.get("address"), phone=v.get("phone"),
                    village_slugs=tuple(vs.slug for vs in t.villages))


def _table_file(vdir: Path, rel: str, stem: str, col: Collector) -> Path | None:
    csv, xlsx = vdir / f"{stem}.csv", vdir / f"{stem}.xlsx"
    if csv.exists() and xlsx.exists():
        col.error(f"{rel}/{stem}.xlsx", 1, "文件", f"与 {stem}.csv 同时存在，只能保留一个")
        return None
    if csv.exists():
        return csv
    if xlsx.exists():
        return xlsx
    return None


_KNOWN_NAMES = frozenset(
    {*VILLAGE_YAML, *VILLAGE_DIRS, *(f"{stem}{suffix}" for stem in S.TABLES
                                     for suffix in filenames.TABLE_SUFFIXES)})


def _unknown_files(vdir: Path, rel: str, col: Collector) -> set[str]:
    """Report the files of a village folder that will not be used: an error when the name
    clearly means a known file (``Finance.csv``, ``finance (1).csv``, ``财务.xlsx``,
    ``finance.xls``), else a warning. Returns the intended names found."""
    names = sorted(p.name for p in vdir.iterdir() if _visible(p))
    present = frozenset(names)
    meant: set[str] = set()
    for name in names:
        if name in _KNOWN_NAMES:
            continue
        folder = filenames.village_folder(name) if (vdir / name).is_dir() else None
        if folder is not None:
            col.error(f"{rel}/{name}/", 0, "文件夹", f"文件夹名应为 {folder}，否则里面的文件不会发布")
            continue
        mis = filenames.village_file(name, present, frozenset(S.TABLES))
        if mis is None or (vdir / name).is_dir():
            col.warn(f"{rel}/{name}", 1, "文件", "未知的文件，不会发布（文件名是否写错？）")
            continue
        meant.add(mis.intended)
        col.error(f"{rel}/{name}", 1, "文件", mis.message)
    return meant


def full_ids_of(stem: str, spec: S.FileSpec, table: Any) -> list[tuple[str, int, str]]:
    """The full 身份证号 of each row of a raw table whose ID cell is valid, as
    ``(stem, line, ID)``: for the internal audit only (the model keeps the masked form)."""
    out: list[tuple[str, int, str]] = []
    for fld in spec.fields:
        if fld.kind != S.IDNO or fld.label not in table.header:
            continue
        j = table.header.index(fld.label)
        parsed: dict[Any, str | None] = {}  # one person is paid every month: parse each cell once
        for row in table.rows:
            raw = row.values[j]
            if raw in (None, ""):
                continue
            key = (type(raw), raw)  # an Excel number cell is not its text
            if key in parsed:
                full = parsed[key]
            else:
                try:
                    full = parse_id(raw)
                except BadValue:
                    full = None  # reported by validation
                parsed[key] = full
            if full is not None:
                out.append((stem, row.line, full))
    return out


@dataclass(frozen=True)
class _Chunk:
    """Some rows of a table with its header (what ``full_ids_of`` reads)."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _row_rules(stem: str, path: str, rows: tuple[tuple[int, dict[str, Any]], ...],
               col: Collector, referenced: set[str]) -> None:
    """The rules between the cells of one row (dates in order, paid within budget), and the
    attachments the rows reference (published; the rest of files/ stays private)."""
    if stem in ("contracts", "resources"):
        check_date_order(rows, path, col, "start", "end", "开始日期", "结束日期")
    elif stem == "projects":
        check_date_order(rows, path, col, "start", "planned_end", "开工日期", "计划完工日期")
        check_date_order(rows, path, col, "start", "actual_end", "开工日期", "实际完工日期")
        for line, v in rows:
            if v.get("paid") is not None and v.get("budget") is not None and v["paid"] > v["budget"]:
                col.warn(path, line, "已拨付金额", "已拨付金额超过预算金额，请核实")
    if stem in ("finance", "contracts", "projects"):
        referenced.update(v["attachment"] for _line, v in rows if v.get("attachment"))


def load_village(src: VillageSource, *, full_ids: bool = False,
                 keep_rows: bool = True, pages: bool = True) -> VillageResult:
    """Load and validate one village folder. Pure apart from reading its files.

    ``full_ids``: also return the full ID numbers by table row (``VillageResult.full_ids``),
    for the internal audit; the build never asks for them.
    ``keep_rows=False`` (``check``): the tables are validated chunk by chunk as they are read
    and their rows are not kept — the village (when it has no errors) has no table rows,
    and no full ID numbers are kept for the leak guard. A CSV near the size limit is checked
    in memory for a few chunks of rows, not for the whole file (docs/robustness.md).
    ``pages=False`` (the audit, which writes no pages): the same reading and validation,
    the same records, but Markdown (简介, 村规民约, notice bodies) is checked without being
    rendered (those HTML and text fields of the model are left empty), and the attachments
    a record names are not opened (whether they may be published is the build's question:
    those problems only)."""
    col = Collector(keep_secrets=keep_rows)
    rel = src.rel
    vdir = src.path
    files_dir = vdir / "files"
    has_files = files_dir.is_dir() and not files_dir.is_symlink()
    if files_dir.is_symlink():
        col.error(f"{rel}/files/", 0, "文件夹", "files 不能是符号链接")
    ctx = FileContext(files_dir.resolve() if has_files else None, f"{rel}/files")
    # data files that are links leading out of the data folder
    root = vdir.parents[2].resolve()
    for p in sorted(vdir.iterdir()):
        if _visible(p) and p.is_symlink() and not p.is_dir():
            _linked_outside(p, root, f"{rel}/{p.name}", col)

    meant = _unknown_files(vdir, rel, col)
    referenced: set[str] = set()

    # village.yaml
    vrel = f"{rel}/village.yaml"
    info: dict[str, Any] | None = None
    ydata: Any = None
    if not (vdir / "village.yaml").is_file():
        if "village.yaml" not in meant:  # else the misnamed file's message says it all
            col.error(vrel, 1, "文件", "缺少 village.yaml（村居概况）")
    else:
        ydata = read_yaml(vdir / "village.yaml", vrel, col)
        if ydata is not None:
            info = validate_mapping(S.VILLAGE.fields, ydata, vrel, col, ctx)
    def listfile(stem: str, spec: S.FileSpec) -> list[tuple[int, dict[str, Any]]]:
        path = vdir / f"{stem}.yaml"
        if not path.is_file():
            return []
        frel = f"{rel}/{stem}.yaml"
        data = read_yaml(path, frel, col)
        if data is None:
            return []
        return validate_records(spec.fields, data, frel, getattr(data, "line", 1), "YAML", col, ctx)

    powers = listfile("powers", S.POWERS)
    services = listfile("services", S.SERVICES)

    tables: dict[str, Any] = {}
    table_paths: dict[str, str] = {}
    ids: list[tuple[str, int, str]] = []
    ledger: FinanceMonths | None = None
    for stem, spec in S.TABLES.items():
        path = _table_file(vdir, rel, stem, col)
        if path is None:
            continue
        trel = f"{rel}/{path.name}"
        table_paths[stem] = path.name
        stream, problems = open_table(path, trel)
        if stream is None:
            col.problems.extend(problems)
            continue
        tctx = FileContext(ctx.files_dir, ctx.rel_files, mobiles=stem in ("finance", "welfare", "projects"))
        # the table's own problems wait until it is read to the end: a broken record makes
        # it unusable, and then only the reader's problems are reported
        found = Collector(keep_secrets=col.keep_secrets)
        check = TableCheck(spec, trel, stream.header, stream.header_line, found, tctx)
        dup = DuplicateRows(trel, stream.header) if stem in ("finance", "welfare") else None
        months = FinanceMonths() if stem == "finance" else None
        balances = BalanceCheck(trel, found, ledger, table_paths.get("finance", "finance.csv"),
                                f"{rel}/{table_paths.get('finance', 'finance.csv')}") \
            if stem == "balances" else None
        kept: list[tuple[int, dict[str, Any]]] = []
        bad: set[int] = set()
        for chunk in stream.chunks():
            if dup is not None:
                dup.feed(chunk)
            if full_ids:
                ids.extend(full_ids_of(stem, spec, _Chunk(stream.header, chunk)))
            result = check.feed(chunk)
            bad |= result.bad_lines
            _row_rules(stem, trel, result.rows, found, referenced)
            if months is not None:
                months.add(result.rows, result.bad_lines)
            if balances is not None:
                balances.feed(result.rows)
            if keep_rows:
                kept.extend(result.rows)
        col.problems.extend(stream.problems)
        if stream.failed:
            continue
        check.finish()
        if dup is not None:
            dup.finish(col)
        if balances is not None and ledger is not None:
            balances.finish()
        col.problems.extend(found.problems)
        col.secrets |= found.secrets
        for k, where in found.secret_sources.items():
            col.secret_sources.setdefault(k, where)
        if months is not None:
            ledger = months
        tables[stem] = TableResult(tuple(kept), frozenset(bad))

    notices = _load_notices(vdir, rel, col, ctx, render=pages)

    # attachments actually referenced → published; the rest of files/ stays private
    if info and info.get("photo"):
        referenced.add(info["photo"])
    for n in notices:
        referenced.update(n.attachments)
    if has_files:
        # whether an attachment may be published (its type, the text inside): only where
        # pages are made; the audit publishes nothing and its rules read no attachment
        for name in sorted(referenced) if pages else ():
            if (files_dir / name).is_file():
                for msg in attachments.check(files_dir / name):
                    col.error(f"{rel}/files/{name}", 1, "附件", msg)
        for p in sorted(files_dir.rglob("*")):
            if p.is_file() and _visible(p) and (p.parent != files_dir or p.name not in referenced):
                col.warn(f"{rel}/files/{p.relative_to(files_dir).as_posix()}", 1, "文件",
                         "没有被任何记录引用，不会发布（如需公开，请在“附件”或“照片”中填写文件名）")

    village = None
    if not col.has_errors and info is not None:
        village = _build_village(src, info, ydata, col, powers, services, tables, notices,
                                 referenced, render=pages)
    ident = None
    if info and info.get("name") and info.get("code"):
        lines = getattr(ydata, "key_lines", {})
        ident = VillageIdent(vrel, info["name"], info["code"], lines.get("名称", 1),
                             lines.get("代码", 1))
    return VillageResult(src, village, tuple(col.problems), frozenset(col.secrets),
                         tuple(sorted(col.secret_sources.items())), tuple(ids), ident)


def _load_notices(vdir: Path, rel: str, col: Collector, ctx: FileContext, *,
                  render: bool = True) -> list[Notice]:
    ndir = vdir / "notices"
    out: list[Notice] = []
    if not ndir.is_dir():
        return out
    for p in sorted(ndir.iterdir()):
        if not _visible(p):
            continue
        nrel = f"{rel}/notices/{p.name}"
        if p.is_dir() or p.suffix != ".md":
            wrong = None if p.is_dir() else filenames.notice_file(p.name)
            if wrong is not None:
                col.error(nrel, 1, "文件", wrong[1])
            else:
                col.warn(nrel, 1, "文件", "notices/ 中只应放 .md 公告文件，此文件不会发布")
            continue
        slug = p.stem
        if not SLUG.match(slug):
            col.error(nrel, 1, "文件", f"文件名“{slug}”不合规：只能用小写英文字母、数字和 -")
            continue
        if len(slug) > MAX_SLUG:
            col.error(nrel, 1, "文件", f"文件名过长（{len(slug)} 个字符），最多 {MAX_SLUG} 个字符（不含 .md）")
            continue
        if p.is_symlink() and _linked_outside(p, vdir.parents[2].resolve(), nrel, col):
            continue
        if number_in_name(nrel, slug, col, "文件"):
            continue
        text = read_text(p, nrel, col)
        if text is None:
            continue
        front, body, body_line = split_front_matter(text)
        if front is None:
            if front_matter_unclosed(text):
                col.error(nrel, 1, "文件", "开头的字段块缺少结束的 --- 行")
            else:
                col.error(nrel, 1, "文件", "缺少开头用 --- 包围的字段（标题、类别、日期）")
            continue
        data = read_yaml(p, nrel, col, offset=1, text=front)
        if data is None:
            continue
        v = validate_mapping(S.NOTICE.fields, data, nrel, col, ctx)
        if v is None:
            continue
        lines = getattr(data, "key_lines", {})
        if v.get("start") and v.get("end") and v["end"] < v["start"]:
            col.error(nrel, lines.get("公示结束", 1), "公示结束",
                      f"公示结束 {v['end'].isoformat()} 早于公示开始 {v['start'].isoformat()}")
        complex_at = markdown_too_complex(body)
        if complex_at is not None:
            col.error(nrel, body_line + complex_at[0] - 1, "正文", complex_at[1])
            continue
        for i, ln in enumerate(body.split("\n")):
            if has_raw_html(ln):
                col.warn(nrel, body_line + i, "正文", "含有 HTML 标签，已按纯文本显示")
        # the whole body at once: a number split over lines or by markup is one number
        masked = scrub_body(body, nrel, body_line, "正文", col)
        if None in (v.get("title"), v.get("category"), v.get("date")):
            continue
        html = render_markdown(masked) if render else ""
        out.append(Notice(slug=slug, title=v["title"], category=v["category"], date=v["date"],
                          body_html=html, body_text=html_to_text(html) if render else "",
                          start=v.get("start"),
                          end=v.get("end"), attachments=v.get("attachments") or ()))
    return out


def _build_village(src: VillageSource, info: dict[str, Any], ydata: Any, col: Collector,
                   powers: list, services: list, tables: dict[str, Any],
                   notices: list[Notice], referenced: set[str], *,
                   render: bool = True) -> Village:
    rel = f"{src.rel}/village.yaml"
    lines = getattr(ydata, "key_lines", {})

    def make(cls: type, rows: Any) -> tuple:
        return tuple(cls(line=line, **v) for line, v in rows)

    def trows(stem: str) -> tuple:
        t = tables.get(stem)
        return t.rows if t else ()

    finance = sorted(rows_of(FinanceRow, trows("finance")), key=lambda r: (r.date, r.line))
    welfare = sorted(rows_of(WelfareRow, trows("welfare")), key=lambda r: (r.paid, r.program, r.line))
    present = frozenset(tables) | frozenset(
        s for s in ("powers", "services") if (src.path / f"{s}.yaml").is_file()
    ) | (frozenset({"notices"}) if notices else frozenset())
    return Village(
        slug=src.slug, name=info["name"], kind=info["kind"], code=info["code"],
        intro_html=markdown_field(info.get("intro"), rel, lines.get("简介", 1), "简介", col,
                                  render=render),
        households=info.get("households"), population=info.get("population"),
        party_members=info.get("party_members"), area=info.get("area"),
        farmland=info.get("farmland"), address=info.get("address"), hours=info.get("hours"),
        phone=info.get("phone"),
        rules_html=markdown_field(info.get("rules"), rel, lines.get("村规民约", 1), "村规民约", col,
                                  render=render),
        photo=info.get("photo"),
        cadres=make(Cadre, info.get("cadres") or ()),
        powers=make(Power, powers),
        services=make(Service, services),
        finance=tuple(finance),
        balances=rows_of(BalanceRow, trows("balances")),
        assets=rows_of(Asset, trows("assets")),
        resources=rows_of(Resource, trows("resources")),
        contracts=rows_of(Contract, trows("contracts")),
        welfare=tuple(welfare),
        projects=rows_of(Project, trows("projects")),
        notices=tuple(sorted(notices, key=lambda n: (n.date, n.slug), reverse=True)),
        files=tuple(sorted(referenced)),
        present=present,
    )
