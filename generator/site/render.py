"""Jinja2 templates → (path, bytes). No disk I/O except reading templates.

Paths are relative to the output root, always end in a file name and use "/".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from generator.model import views
from generator.model.records import County, Notice, Township, Village
from generator.read.markup import link_allowed, render_markdown
from generator.read.schema import ACCEPTED, ALL_SPECS, KIND_LABELS, TEXT, column_help
from generator.site import charts
from generator.site.opendata import TABLES, TABLES_BY_MODULE
from generator.site.theme import Theme

log = logging.getLogger(__name__)


MODULES = (
    # slug, title, short description, data files that make the module non-empty
    ("powers", "权责清单", "村干部能做什么、怎么做、谁来监督"),
    ("assets", "三资公开", "资金、资产、资源、合同"),
    ("affairs", "三务公开", "党务、村务、财务公开和收支明细"),
    ("welfare", "惠民资金", "低保、补贴等发放到人"),
    ("projects", "民生项目", "道路、饮水等项目的钱和进度"),
    ("services", "预约办事", "办事指南、材料、电话"),
)
MODULE_TITLES = {m[0]: m[1] for m in MODULES}
# the poster's ledger fingerprint is only known once the county's log is appended
# (generator.publish.changelog replaces this mark after the villages are rendered)
LEDGER_MARK = "@@YDT-LEDGER-CHECKPOINT@@"
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'")


def _cn_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def make_env(theme: Theme | None = None) -> jinja2.Environment:
    """The Jinja environment of one county's pages: its theme's templates over the bundled
    ones (``Theme()``: the bundled templates only)."""
    env = jinja2.Environment(
        loader=(theme or Theme()).loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # a build renders ~20,000 pages: no stat() of each template per page
    )
    env.filters.update(yuan=views.yuan, wan=views.wan, num=views.num, date=views.iso_date,
                       cn_date=_cn_date, month_label=views.month_label,
                       rows_html=views.rows_html, column_help=column_help)
    env.tests["safe_link"] = link_allowed
    env.globals.update(OPENDATA=TABLES_BY_MODULE, OPENDATA_TABLES=TABLES)
    env.globals.update(ledger_page=views.ledger_page, welfare_page=views.welfare_page,
                       notice_page=views.notice_page)
    env.globals.update(MODULES=MODULES, CSP=CSP, charts=charts)
    return env


@dataclass(frozen=True)
class Static:
    """Fingerprinted static files of one site folder: logical name → file name under static/."""

    files: dict[str, str]
    contents: dict[str, bytes]


def build_static(theme: Theme | None = None) -> Static:
    """The static files of a county (its theme's over the bundled ones), each named after a
    hash of its bytes."""
    files, contents = {}, {}
    for name, p in (theme or Theme()).static_files().items():
        data = p.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = name.rpartition(".")
        fname = f"{stem}.{digest}.{ext}" if dot and stem else f"{name}.{digest}"
        files[name] = f"static/{fname}"
        contents[f"static/{fname}"] = data
    return Static(files, contents)


Page = tuple[str, bytes]


class Renderer:
    """Renders the pages of one county; instances are cheap to keep per worker process."""

    def __init__(self, county: County, as_of: dt.date, static: Static,
                 env: jinja2.Environment | None = None, theme: Theme | None = None):
        self.theme = theme or Theme()
        self.env = env or make_env(self.theme)
        self.county = county
        self.as_of = as_of
        self.static = static
        self.towns = {t.slug: t for t in county.townships}
        self._parts: dict[tuple[str, str], Markup] = {}
        self._navs: dict[tuple[str, str, str, str], Markup] = {}

    # -- helpers -----------------------------------------------------------------------
    def part(self, template: str, root: str) -> Markup:
        """A fragment that is the same on every page of the county at one folder depth
        (the footer): rendered once per depth instead of once per page."""
        key = (template, root)
        html = self._parts.get(key)
        if html is None:
            html = Markup(self.env.get_template(template).render(
                county=self.county, root=root, static=self.static.files, as_of=self.as_of))
            self._parts[key] = html
        return html

    def modnav(self, root: str, vbase: str, v: Village, current: str) -> Markup:
        """A village's module menu (the ``modnav`` macro), rendered once per village, depth
        and current module: a village's hundred pages share a dozen of them."""
        key = (root, vbase, v.name, current)
        html = self._navs.get(key)
        if html is None:
            if len(self._navs) > 64:
                self._navs.clear()
            html = self.env.get_template("_macros.html").module.modnav(root, vbase, v, current)
            self._navs[key] = html
        return html

    def page(self, template: str, path: str, **ctx: object) -> Page:
        """Render a page at county-relative ``path`` (a folder ending in "/" or a file)."""
        file_path = path + "index.html" if path.endswith("/") or path == "" else path
        depth = file_path.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(
            county=self.county, root=root, static=self.static.files, as_of=self.as_of,
            page_path=path, abs_url=self.abs_url(path), part=self.part, modnav=self.modnav,
            **ctx,
        )
        return f"{self.county.slug}/{file_path}", html.encode("utf-8")

    def abs_url(self, path: str) -> str | None:
        return self.county.url + path if self.county.url else None

    # -- county level ------------------------------------------------------------------
    def county_pages(self, summaries: dict[str, dict[str, views.VillageTotals]],
                     names: dict[str, dict[str, str]],
                     shards: Sequence[str] | None = None,
                     checkpoint: object | None = None) -> Iterator[Page]:
        """The county's own pages; ``shards``: its search bundles (pipeline.search_shards),
        by default one per township."""
        towns = []
        for t in self.county.townships:
            vs = summaries.get(t.slug, {})
            towns.append({
                "town": t,
                "villages": [(s, names[t.slug][s], vs[s]) for s in t.village_slugs if s in vs],
            })
        all_totals = [tot for t in towns for _s, _n, tot in t["villages"]]
        head = {
            "villages": len(all_totals),
            "records": sum(t.records for t in all_totals),
            "income": sum((t.income for t in all_totals), views.ZERO),
            "expense": sum((t.expense for t in all_totals), views.ZERO),
            "welfare": sum((t.welfare for t in all_totals), views.ZERO),
            "projects": sum((t.projects_budget for t in all_totals), views.ZERO),
        }
        yield self.page("county.html", "", towns=towns, head=head, checkpoint=checkpoint,
                         crumbs=[(self.county.name, None)])
        yield self.page("search.html", "search/",
                         shards=list(shards) if shards is not None else
                         [t.slug for t in self.county.townships],
                         chips=views.search_chips(all_totals),
                         crumbs=[(self.county.name, ""), ("搜索", None)])
        for t in towns:
            town: Township = t["town"]
            yield self.page("township.html", f"{town.slug}/", town=town, villages=t["villages"],
                             crumbs=[(self.county.name, ""), (town.name, None)])
        yield from self.info_pages()

    def info_pages(self) -> Iterator[Page]:
        for p in self.theme.content_pages():
            text = p.read_text("utf-8")
            title, _, body = text.partition("\n")
            title = title.lstrip("# ").strip()
            yield self.page("info.html", f"info/{p.stem}/", title=title,
                             body_html=render_markdown(body),
                             crumbs=[(self.county.name, ""), (title, None)])
        yield self.page("dictionary.html", "info/dictionary/", specs=ALL_SPECS,
                         kind_labels=KIND_LABELS, accepted=ACCEPTED,
                         accepted_kinds=[k for k in ACCEPTED if k != TEXT],
                         crumbs=[(self.county.name, ""), ("数据字典", None)])

    # -- village level -----------------------------------------------------------------
    def village_pages(self, town: Township, v: Village) -> Iterator[Page]:
        base = f"{town.slug}/{v.slug}/"
        crumbs = [(self.county.name, ""), (town.name, f"{town.slug}/"), (v.name, base)]
        ctx = {"town": town, "v": v, "vbase": base}

        def crumb(*extra: tuple[str, str | None]) -> list:
            return crumbs + list(extra)

        home_crumbs = crumbs[:-1] + [(v.name, None)]
        totals = views.village_totals(v)
        yield self.page("village.html", base, crumbs=home_crumbs, totals=totals,
                         latest=v.notices[:5], module="home", **ctx)
        yield self.page("powers.html", base + "powers/", crumbs=crumb(("权责清单", None)),
                         module="powers", **ctx)
        asset_groups = views.group_by(v.assets, "category")
        yield self.page("assets.html", base + "assets/", crumbs=crumb(("三资公开", None)),
                         module="assets", balances=v.balances, asset_groups=asset_groups,
                         asset_lines=[views.asset_lines(items) for _cat, items in asset_groups],
                         resource_lines=views.resource_lines(v.resources),
                         contract_lines=views.contract_lines(v.contracts),
                         asset_total=views.total(v.assets, "value"),
                         asset_income=views.total(v.assets, "income"),
                         resource_area=sum((r.area for r in v.resources), views.ZERO),
                         resource_rent=views.total(v.resources, "rent"),
                         contract_total=views.total(v.contracts, "amount"), **ctx)
        months = views.ledger_months(v.finance)
        groups = [(c, [n for n in v.notices if n.category == c]) for c in ("党务", "村务", "财务")]
        yield self.page("affairs.html", base + "affairs/", crumbs=crumb(("三务公开", None)),
                         module="affairs", groups=groups, months=months,
                         income=sum((m.income for m in months), views.ZERO),
                         expense=sum((m.expense for m in months), views.ZERO), **ctx)
        for n in v.notices:
            yield self._notice(n, base, crumb, ctx)
        for m in months:
            pages = views.paginate(m.rows)
            for i, rows in enumerate(pages, 1):
                path = base + views.ledger_page(m.month, i)
                yield self.page("ledger_month.html", path, module="affairs", m=m,
                                 lines=views.ledger_lines(rows),
                                 pageno=i, pages=len(pages),
                                 crumbs=crumb(("三务公开", base + "affairs/"), (m.label + "收支", None)),
                                 **ctx)
        w = views.welfare_summary(v.welfare, self.as_of, self.county.privacy_days)
        yield self.page("welfare.html", base + "welfare/", crumbs=crumb(("惠民资金", None)),
                         module="welfare", w=w, **ctx)
        for m in w.months:
            pages = views.paginate(m.rows)
            for i, rows in enumerate(pages, 1):
                path = base + views.welfare_page(m.month, i)
                yield self.page("welfare_month.html", path, module="welfare", m=m,
                                 lines=views.welfare_lines(rows),
                                 pageno=i, pages=len(pages), w=w,
                                 crumbs=crumb(("惠民资金", base + "welfare/"), (m.label, None)),
                                 **ctx)
        yield self.page("projects.html", base + "projects/", crumbs=crumb(("民生项目", None)),
                         module="projects", budget=views.total(v.projects, "budget"),
                         paid=views.total(v.projects, "paid"), **ctx)
        yield self.page("services.html", base + "services/", crumbs=crumb(("预约办事", None)),
                         module="services", **ctx)
        yield self.page("poster.html", base + "poster/", crumbs=crumb(("公开栏二维码海报", None)),
                         module="poster", village_url=self.abs_url(base), ledger_mark=LEDGER_MARK,
                         **ctx)

    def _notice(self, n: Notice, base: str, crumb, ctx: dict) -> Page:
        return self.page("notice.html", base + views.notice_page(n.slug), module="affairs",
                          n=n, status=n.status(self.as_of),
                          crumbs=crumb(("三务公开", base + "affairs/"), (n.title, None)), **ctx)
