// 一点通 search page: Pagefind (extended build), one or more bundles per township
// merged at query time.
//
// The index-only search documents (generator/searchdocs.py) hold all text one
// character per word (an ASCII letter/digit run whole), in a language Pagefind
// does not segment; charSplit() splits a query the same way, so index and query
// agree whatever the browser's segmenter would do (Pagefind #1237: jieba on the
// index side, Intl.Segmenter on the query side, disagreed on 梁华明 / 高标准).
// Next to every name, project and title the documents also hold a copy without
// separators inside 〔…〕; a ledger memo is wrapped in 〖…〗. findPages() asks
// Pagefind twice — the query as typed (an ASCII word, one character), and split
// into single characters — and puts first the pages where those characters sit
// next to each other, i.e. where the full name, title or phrase really appears;
// readable() writes the stored text back as it was typed.
//
// The functions above the DOM part are exported so tools/search_eval.py and the
// tests can run the exact same logic in Node against pagefind.js.

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const SEP = /[\s·・•．.,，、;；:：!！?？"'“”‘’()（）【】〔〕〖〗《》\-—_/\\|]+/gu;

/** The query with separators and middle dots removed ("阿卜杜拉·艾买提" → "阿卜杜拉艾买提"),
 * full-width letters and digits written as ASCII (２０２４ → 2024), as the index holds them. */
export function compact(q) {
  return String(q).replace(SEP, "")
    .replace(/[０-９Ａ-Ｚａ-ｚ]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** The query's words as the index-only copies are written (generator/searchdocs.py
 * split_words): each Chinese character alone, an ASCII letter/digit run (LED, 403) whole. */
export function charSplit(q) {
  return compact(q).match(/[A-Za-z0-9]+|./gsu) || [];
}

// generator/searchdocs.py GAP: written where the text had whitespace (a run of them, e.g.
// around a removed 〔…〕 copy, is one space)
const GAP = /\u2063+/gu;

/** Stored text as it was typed: the spaces between its words taken out, a GAP shown as a
 * space, and neighbouring marks joined ("<mark>欧</mark> <mark>阳</mark>" → one mark). */
export function readable(s) {
  return String(s).replace(/ /g, "").replace(/<\/mark><mark>|<mark><\/mark>/g, "")
    .replace(GAP, " ");
}

function longestRun(words) {
  let best = 0, cur = 0, prev = -2;
  for (const w of [...words].sort((a, b) => a - b)) {
    cur = w === prev + 1 ? cur + 1 : (w === prev ? cur : 1);
    prev = w;
    if (cur > best) best = cur;
  }
  return best;
}

const MODULE_DIR = /(?:welfare|affairs|assets|projects|powers|services|poster)\/.*$|index\.html$/u;

/** The village folder of a result URL (".../<township>/<village>/"). */
export function villageOf(url) {
  return String(url).replace(MODULE_DIR, "");
}

/** A Pagefind excerpt as a resident should read it (also when cut off mid-copy): the
 * 〔…〕 copies of names and titles removed, the 〖〗 around memos dropped, the rest
 * readable(). */
export function cleanExcerpt(html) {
  return readable(String(html)
    .replace(/〔[^〔〕]*〕/gu, "")
    .replace(/^[^〔〕]*〕/u, "")
    .replace(/〔[^〔〕]*$/u, "")
    .replace(/[〖〗]/gu, "")).trim();
}

const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** For a page whose memo (a 〖…〗 copy in its Pagefind ``content``) holds the query's
 * words side by side, that memo as the excerpt with the query marked — Pagefind centres
 * its own excerpt on the most matched single characters, often a neighbouring row.
 * "" when no memo holds them. */
export function memoExcerpt(content, parts, around = 20) {
  if (parts.length < 2) return "";
  const needle = " " + parts.join(" ") + " ";
  for (const m of String(content).matchAll(/〖([^〖〗]*)〗/gu)) {
    const memo = " " + m[1].trim().replace(/\s+/g, " ") + " ";
    const at = memo.indexOf(needle);
    if (at < 0) continue;
    const before = Array.from(readable(memo.slice(0, at)));
    const after = Array.from(readable(memo.slice(at + needle.length)));
    const head = before.length > around ? "…" + before.slice(-around).join("") : before.join("");
    const tail = after.length > around ? after.slice(0, around).join("") + "…" : after.join("");
    return escapeHtml(head) + "<mark>" + escapeHtml(readable(needle)) + "</mark>" + escapeHtml(tail);
  }
  return "";
}

/**
 * Search ``pf`` (the pagefind.js module, shards merged) for ``q``.
 * Returns {items: [{url, title, excerpt}], total}; at most ``max`` items loaded.
 */
export async function findPages(pf, q, { filters = {}, max = 20, verify = 40 } = {}) {
  const query = String(q).trim();
  if (!query) return { items: [], total: 0 };
  const cache = new Map();
  const load = (r) => {
    if (!cache.has(r.id)) cache.set(r.id, r.data());
    return cache.get(r.id);
  };
  const typed = await pf.search(query, { filters });
  const parts = charSplit(query);
  const cjk = parts.filter((p) => CJK.test(p)).length;
  let exact = [], strong = [], weak = [];
  if (cjk >= 1 && parts.length >= 2) {
    const split = await pf.search(parts.join(" "), { filters });
    for (const r of split.results) {
      (longestRun(r.words || []) >= parts.length ? strong : weak).push(r);
    }
    // The characters sit side by side; the page really has the whole name or title
    // when its index-only copy is exactly 〔these characters〕 (not 〔…these characters…〕,
    // e.g. 何萍 inside 何萍芳). Check the first few by their (small) fragments.
    const needle = "〔" + parts.join(" ") + "〕";
    // the characters in this order somewhere in the text (a memo, a notice), not merely
    // next to each other in some order (吴信信 for 吴信宝: 信 matches twice)
    const inOrder = " " + parts.join(" ").toLowerCase() + " ";
    // tiers: the whole copy, the words in order, side by side only; each one village first
    const tiers = [0, 1, 2].map(() => ({ villages: new Set(), firsts: [], later: [] }));
    let done = 0;
    // Fragments are small; check more only while fewer than five villages have turned up.
    while (done < strong.length && done < verify * 3 && (done === 0 || tiers[0].villages.size < 5)) {
      const batch = strong.slice(done, done + verify);
      done += batch.length;
      const pages = await Promise.all(batch.map(load));
      batch.forEach((r, i) => {
        // The same name may be someone else in another village: one page from each
        // village first, so a name paid in many months does not push the others out.
        // The same for words inside memos (垃圾清运 in several villages' ledgers).
        const v = villageOf(pages[i].url);
        const content = pages[i].content || "";
        const tier = content.includes(needle) ? 0
          : (" " + content.replace(/[〔〕〖〗]/gu, " ").toLowerCase() + " ").includes(inOrder) ? 1 : 2;
        const t = tiers[tier];
        (t.villages.has(v) ? t.later : t.firsts).push(r);
        t.villages.add(v);
      });
    }
    exact = tiers[0].firsts.concat(tiers[0].later);
    strong = tiers[1].firsts.concat(tiers[1].later, tiers[2].firsts, tiers[2].later, strong.slice(done));
  }
  const seen = new Set();
  const ordered = [];
  for (const r of [...exact, ...strong, ...typed.results, ...weak]) {
    if (!seen.has(r.id)) { seen.add(r.id); ordered.push(r); }
  }
  const data = await Promise.all(ordered.slice(0, max).map(load));
  const items = data.map((d) => {
    const sub = monthSection(d);
    return {
      url: sub ? yearPageUrl(sub.url) : yearFallback(d.url),
      title: (sub && sub.title && readable(sub.title)) || (d.meta && d.meta.title) || d.url,
      excerpt: memoExcerpt(d.content, parts) || cleanExcerpt((sub && sub.excerpt) || d.excerpt || ""),
    };
  });
  return { items, total: ordered.length };
}

// The month pages of the ledger and of the welfare lists are indexed one document per year
// (…/affairs/ledger/2025.html, …/welfare/2025.html: not published pages), one section per
// month page, its id the page's file name (generator/searchdocs.py). A hit links to the
// month page of its section.
const YEAR_DOC = /\/(?:affairs\/ledger|welfare)\/\d{4}\.html$/u;
const YEAR_SECTION = /\/(\d{4})\.html#(\1-\d{2}(?:-\d+)?)$/u;

/** "/t/v/affairs/ledger/2025.html#2025-03" → "/t/v/affairs/ledger/2025-03.html". */
export function yearPageUrl(url) {
  return String(url).replace(YEAR_SECTION, "/$2.html");
}

/** A year document without a usable section (not expected): its module's page. */
function yearFallback(url) {
  return String(url).replace(/\/affairs\/ledger\/\d{4}\.html$/u, "/affairs/#ledger")
    .replace(/\/welfare\/\d{4}\.html$/u, "/welfare/");
}

/** The month section of a year document that holds the query best — the longest
 * run of adjacent matched words (a whole memo or name), then the most matches, then the
 * newest — or null. */
function monthSection(d) {
  if (!YEAR_DOC.test(d.url || "")) return null;
  let best = null, bestKey = [-1, -1];
  for (const s of d.sub_results || []) {
    if (!YEAR_SECTION.test(s.url || "")) continue;
    const locs = s.locations || [];
    const key = [longestRun(locs), locs.length];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
      best = s;
      bestKey = key;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// The page (only in a browser).

function supported() {
  return typeof WebAssembly === "object" && typeof fetch === "function" && typeof Promise === "function";
}

// Pagefind's excerpt is text with <mark> around hits: rebuild it as DOM nodes so
// nothing else in it can ever become markup.
function excerptNode(excerpt) {
  const p = document.createElement("p");
  const decoder = document.createElement("textarea");
  decoder.innerHTML = excerpt.replace(/<mark>/g, "\u0001").replace(/<\/mark>/g, "\u0002");
  const text = decoder.value;
  let i = 0;
  for (const m of text.matchAll(/\u0001([^\u0001\u0002]*)\u0002/g)) {
    p.append(text.slice(i, m.index).replace(/[\u0001\u0002]/g, ""));
    const mark = document.createElement("mark");
    mark.textContent = m[1];
    p.append(mark);
    i = m.index + m[0].length;
  }
  p.append(text.slice(i).replace(/[\u0001\u0002]/g, ""));
  return p;
}

function page() {
  const form = document.getElementById("search-form");
  const input = document.getElementById("q");
  const statusEl = document.getElementById("search-status");
  const list = document.getElementById("results");
  const base = new URL("../", location.href).pathname;
  const shards = (list.dataset.shards || "").split(" ").filter(Boolean);
  // The city portal's search (site/search/): every county's bundles, "<county>/<bundle>",
  // each with its county's folder as base URL and the county's name as the 县 filter.
  const counties = list.dataset.counties ? JSON.parse(list.dataset.counties) : null;
  const bundles = shards.map((s) => {
    if (!counties) return { path: base + "pagefind/" + s + "/", opts: { baseUrl: base } };
    const [county, name] = s.split("/");
    return {
      path: base + county + "/pagefind/" + name + "/",
      opts: { baseUrl: base + county + "/", mergeFilter: { "县": counties[county] || county } },
    };
  });
  const depth = counties ? 3 : 2;  // path segments of a village below base
  const selects = () => document.querySelectorAll("#filters select");
  let pagefind = null;

  async function load() {
    if (!pagefind) {
      const pf = await import(bundles[0].path + "pagefind.js");
      await pf.options({ ...bundles[0].opts, excerptLength: 32 });  // words: characters
      for (const b of bundles.slice(1)) {
        await pf.mergeIndex(b.path, b.opts);
      }
      pagefind = pf;
    }
    return pagefind;
  }

  function filtersFromForm() {
    const f = {};
    for (const sel of selects()) if (sel.value) f[sel.name] = sel.value;
    return f;
  }

  async function fillFilters(pf) {
    const all = await pf.filters();
    const params = new URLSearchParams(location.search);
    for (const sel of selects()) {
      const values = Object.keys(all[sel.name] || {}).sort((a, b) => a.localeCompare(b, "zh-CN"));
      if (sel.name === "年份") values.reverse();
      for (const v of values) {
        const o = document.createElement("option");
        o.value = v;
        o.textContent = v;
        sel.appendChild(o);
      }
      if (params.get(sel.name)) sel.value = params.get(sel.name);
    }
    document.getElementById("filters").hidden = false;
  }

  async function run(q) {
    list.replaceChildren();
    if (!q.trim()) { statusEl.textContent = "请输入要找的姓名、项目或公告标题。"; return; }
    statusEl.textContent = "正在搜索……";
    const pf = await load();
    const { items, total } = await findPages(pf, q, { filters: filtersFromForm() });
    if (!items.length) {
      statusEl.textContent = `没有找到“${q}”。请检查有没有错字，或少输几个字、换个说法再试。`;
      return;
    }
    const villages = new Set(items.slice(0, 5).map((d) => d.url.slice(base.length).split("/").slice(0, depth).join("/")));
    const many = villages.size > 1 && !filtersFromForm()["村"] ? "前几条来自不同的村（可能有同名），可以用“村”缩小范围。" : "";
    statusEl.textContent = `“${q}”找到 ${total} 个页面${total > items.length ? `，显示前 ${items.length} 个` : ""}。${many}`;
    for (const d of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = d.url;
      a.textContent = d.title;
      if (counties) {  // which county the page belongs to
        const county = document.createElement("span");
        county.className = "county";
        county.textContent = "【" + (counties[d.url.slice(base.length).split("/")[0]] || "") + "】";
        li.append(county);
      }
      li.append(a, excerptNode(d.excerpt));
      list.appendChild(li);
    }
  }

  async function main() {
    const unsupported = document.getElementById("search-unsupported");
    if (!supported()) return;  // the message stays visible
    unsupported.hidden = true;
    const q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    try {
      const pf = await load();
      await fillFilters(pf);
      if (q) await run(q);
    } catch (e) {
      statusEl.textContent = "搜索暂时不能使用，请稍后再试，或从首页按乡镇、村逐级查看。";
      console.warn(e);
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const params = new URLSearchParams();
    params.set("q", input.value);
    for (const [k, v] of Object.entries(filtersFromForm())) params.set(k, v);
    history.replaceState(null, "", "?" + params.toString());
    run(input.value).catch((e) => {
      statusEl.textContent = "搜索出错，请稍后再试。";
      console.warn(e);
    });
  });
  for (const sel of selects()) {
    sel.addEventListener("change", () => { if (input.value.trim()) form.requestSubmit(); });
  }
  main();
}

if (typeof document !== "undefined" && typeof document.getElementById === "function"
    && document.getElementById("search-form")) page();
