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
const GAP = /[\u2063\u2064]+/gu;

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

// ---------------------------------------------------------------------------
// Exact matches. A result is exact when its own text holds every word of the query (space
// separated) as typed, each contiguous: separators, spaces and full/half width ignored, a
// word inside a longer one counts (王红 in 王红梅). The check runs over the fragment's
// ``content`` (the index-only document, one word per character); nothing across a GAP, a
// line, a copy's marker or a heading is side by side.

const MARKERS = /[〔〕〖〗]/u;
const ASCII = /^[a-z0-9]+$/u;

/** The query's words (space separated), each as the index splits it (``charSplit``). */
export function queryWords(q) {
  return String(q).trim().split(/[\s\u3000]+/u).map(charSplit)
    .map((w) => w.map((t) => t.toLowerCase())).filter((w) => w.length);
}

/** The tokens of a fragment's content: [{t, i}] (t the word as a query would hold it, i its
 * position among Pagefind's words, as ``anchors[].location`` counts them), t null where
 * nothing may be side by side. Masked ID numbers (six digits, eight *, the last four) are breaks: their
 * digits are no one's number. */
export function tokens(content) {
  const out = [];
  const brk = (i) => { if (out.length && out[out.length - 1].t !== null) out.push({ t: null, i }); };
  const words = String(content).split(/\s+/u);
  if (words.length && words[0] === "") words.shift();
  words.forEach((w, i) => {
    if (/^[\u2063\u2064]+$/u.test(w)) { brk(i); return; }
    if (/^[〔〖]/u.test(w)) brk(i);
    let end = false;
    if (/[〕〗]$/u.test(w)) end = true;
    let t = w.replace(/[〔〕〖〗\u2063\u2064]/gu, "");
    if (t.length > 1 && t.endsWith(".")) { t = t.slice(0, -1); end = true; }  // a heading's end
    if (t === "*" || /^\*+$/u.test(t)) {
      // a masked run: the ASCII word before it (and after it, below) is not matchable
      if (out.length && out[out.length - 1].t !== null && ASCII.test(out[out.length - 1].t)) out.pop();
      out.push({ t: null, i, mask: true });
    } else {
      t = compact(t).toLowerCase();
      if (t) {
        const prev = out[out.length - 1];
        if (!(prev && prev.mask && ASCII.test(t))) out.push({ t, i });
        else brk(i);
      }
    }
    if (end) brk(i);
  });
  return out;
}

/** Where ``word`` (a token list) sits contiguously in ``toks``: [[first, last] word
 * positions]. ASCII runs match whole (2024 is not inside 20240). */
export function findWord(toks, word) {
  const hits = [];
  outer: for (let s = 0; s + word.length <= toks.length; s++) {
    for (let k = 0; k < word.length; k++) {
      if (toks[s + k].t !== word[k]) continue outer;
    }
    const e = s + word.length - 1;
    // the third item: the word is a whole field (a name, not part of a longer one)
    hits.push([toks[s].i, toks[e].i,
      (s === 0 || toks[s - 1].t === null) && (e === toks.length - 1 || toks[e + 1].t === null)]);
  }
  return hits;
}

/** The matches of every word of ``words`` in ``toks`` ([] when any word is missing). */
export function exactHits(toks, words) {
  if (!words.length) return [];
  const all = [];
  for (const w of words) {
    const h = findWord(toks, w);
    if (!h.length) return [];
    all.push(...h);
  }
  return all.sort((a, b) => a[0] - b[0]);
}

/** Does ``text`` (as stored, or as read) hold every word of query ``q``? */
export function isExact(text, q) {
  return exactHits(tokens(text), queryWords(q)).length > 0;
}

/**
 * Search ``pf`` (the pagefind.js module, shards merged) for ``q``.
 * Returns {items, exact, total, verified, more}: ``items`` the exact results first (each
 * {url, title, excerpt, match: "exact" | "partial", village, lines}), a year document's
 * months one item each; ``exact`` how many items are exact; ``total`` how many pages
 * Pagefind offered; ``more`` true when pages that might be exact were not checked. At most
 * ``max`` partial items; the exact ones of the first ``verify`` * 3 possible pages.
 */
export async function findPages(pf, q, { filters = {}, max = 20, verify = 20 } = {}) {
  const query = String(q).trim();
  if (!query) return { items: [], exact: 0, total: 0, verified: 0, more: false };
  const cache = new Map();
  const load = (r) => {
    if (!cache.has(r.id)) cache.set(r.id, r.data());
    return cache.get(r.id);
  };
  const words = queryWords(query);
  const parts = words.flat();
  const cjk = parts.filter((p) => CJK.test(p)).length;
  const longest = Math.max(...words.map((w) => w.length));
  // the query as typed is one word of the index only without Chinese characters (an ASCII
  // run, one character): asking for 杨玉辉 as one word would fetch each bundle's index
  // chunk of a word no document has
  const asChars = cjk >= 1 && parts.length >= 2;
  const typed = asChars ? { results: [] } : await pf.search(parts.join(" "), { filters });
  let strong = [], weak = [];
  if (asChars) {
    const split = await pf.search(parts.join(" "), { filters });
    for (const r of split.results) {
      // a word of the query side by side (a page where none is cannot hold it)
      (longestRun(r.words || []) >= longest ? strong : weak).push(r);
    }
  } else {
    strong = typed.results;
  }
  const seen = new Set();
  const ordered = [];
  for (const r of [...strong, ...typed.results, ...weak]) {
    if (!seen.has(r.id)) { seen.add(r.id); ordered.push(r); }
  }
  // Check the pages that may hold the query, a batch at a time (fragments are small).
  const isWeak = new Set(weak.map((r) => r.id));
  const possible = ordered.filter((r) => !isWeak.has(r.id));
  const limit = Math.min(possible.length, verify * 3);
  const exact = [], partial = [];
  let lines = 0;
  let done = 0;
  // a batch at a time, until enough exact results to show (fewer fragments to fetch)
  // (or until one holds it as a whole name or title, not only inside longer ones)
  for (; done < limit && (exact.length < max / 2 || !exact.some((e) => e.whole)); done += verify) {
    const batch = possible.slice(done, Math.min(limit, done + verify));
    const pages = await Promise.all(batch.map(load));
    for (const d of pages) {
      const found = exactItems(d, words);
      if (found.length) exact.push(...found);
      else partial.push(d);
    }
  }
  for (const e of exact) lines += e.lines.length;
  // the whole name first (林仓 before 林仓海), then as Pagefind ranked them
  exact.sort((a, b) => (b.whole ? 1 : 0) - (a.whole ? 1 : 0));
  done = Math.min(done, limit);
  const checked = new Set(possible.slice(0, done).map((r) => r.id));
  const more = possible.length > done;
  // unchecked pages that may hold the query are not shown as partial matches
  const rest = ordered.filter((r) => !checked.has(r.id) && isWeak.has(r.id))
    .slice(0, Math.max(0, max - partial.length));
  partial.push(...await Promise.all(rest.map(load)));
  // one village first, then the others: the same name may be someone else elsewhere
  const byVillage = new Map();
  for (const e of exact) {
    const v = villageOf(e.url);
    if (!byVillage.has(v)) byVillage.set(v, []);
    byVillage.get(v).push(e);
  }
  // each village's first result, then the rest (search.js's page groups them again)
  const groups = [...byVillage.values()];
  const items = [...groups.map((g) => g[0]), ...groups.flatMap((g) => g.slice(1))];
  for (const d of partial.slice(0, max)) {
    const sub = monthSection(d);
    items.push({
      url: sub ? yearPageUrl(sub.url) : yearFallback(d.url),
      title: (sub && sub.title && readable(sub.title)) || (d.meta && d.meta.title) || d.url,
      // no marks: Pagefind marks single characters (保 inside 耕地地力保护补贴)
      excerpt: cleanExcerpt((sub && sub.excerpt) || d.excerpt || "").replace(/<\/?mark>/g, ""),
      match: "partial",
      village: villageName(d),
      lines: [],
    });
  }
  return { items, exact: exact.length, lines, villages: byVillage.size, total: ordered.length,
           verified: done, more };
}

function villageName(d) {
  const v = d.filters && d.filters["村"];
  return (v && v[0]) || villageOf(d.url || "");
}

const ENDS = /[。；！？;!?]/u;

/** The exact results of fragment ``d`` for ``words``: one per month section of a year
 * document (linking to its month page), else one for the page; [] when it is not exact. */
export function exactItems(d, words) {
  const content = String(d.content || "");
  const all = content.split(/\s+/u);
  if (all.length && all[0] === "") all.shift();
  const toks = tokens(content);
  const village = villageName(d);
  const anchors = YEAR_DOC.test(d.url || "")
    ? (d.anchors || []).filter((a) => a.id && /^\d{4}-\d{2}/u.test(a.id))
      .sort((a, b) => a.location - b.location)
    : [];
  const spans = anchors.length
    ? anchors.map((a, k) => ({
      from: a.location, to: k + 1 < anchors.length ? anchors[k + 1].location : Infinity,
      url: yearPageUrl(d.url + "#" + a.id), title: readable(a.text || ""),
    }))
    : [{ from: 0, to: Infinity, url: yearFallback(d.url || ""),
      title: (d.meta && d.meta.title) || d.url }];
  const out = [];
  for (const s of spans) {
    const hits = exactHits(toks.filter((t) => t.i >= s.from && t.i < s.to), words);
    if (!hits.length) continue;
    let shownLines = recordLines(all, hits, s.from, Math.min(s.to, all.length));
    // the page's own heading (a notice's title) is the link already
    const plain = (h) => h.replace(/<\/?mark>/g, "");
    const title = String(s.title).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const other = shownLines.filter((l) => !title.includes(plain(l)));
    shownLines = other.length ? other : shownLines.slice(-1);
    out.push({ url: s.url, title: s.title, match: "exact", village, lines: shownLines,
               whole: hits.some((h) => h[2]),
               excerpt: shownLines.slice(0, 3).join(" … ") });
  }
  return out;
}

/** The lines (records) of ``all`` (a fragment's words) that hold ``hits``, readable, the
 * hits marked; a long line (a notice's text) cut to the sentence around its first hit. */
function recordLines(all, hits, from, to) {
  const isLine = (w) => /^\u2064+$/u.test(w) || /.\.$/u.test(w);  // a heading ends with "."
  const out = [];
  const done = new Set();
  for (const [a] of hits) {
    let s = a, e = a;
    while (s > from && !isLine(all[s - 1])) s--;
    while (e < to - 1 && !isLine(all[e]) && !/^\u2064+$/u.test(all[e + 1] || "\u2064")) e++;
    if (done.has(s)) continue;
    done.add(s);
    const marked = new Set();
    for (const [x, y] of hits) if (x >= s && y <= e) for (let i = x; i <= y; i++) marked.add(i);
    let parts = [];
    let inCopy = false;
    for (let i = s; i <= e; i++) {
      let w = all[i];
      if (/^〔/u.test(w)) inCopy = true;
      const skip = inCopy;
      if (/〕$/u.test(w)) inCopy = false;
      if (skip) continue;
      w = w.replace(/[〖〗]/gu, "").replace(/\.$/u, "");
      if (/^[\u2063\u2064]+$/u.test(w)) { parts.push({ t: " ", i }); continue; }
      parts.push({ t: w, i, m: marked.has(i) });
    }
    // a long line: the sentence around the first mark, at most 30 characters either side
    if (parts.length > 60) {
      const first = parts.findIndex((p) => p.m);
      let s2 = first, e2 = first;
      while (s2 > 0 && first - s2 < 30 && !ENDS.test(parts[s2 - 1].t)) s2--;
      while (e2 < parts.length - 1 && e2 - first < 30 && !ENDS.test(parts[e2].t)) e2++;
      parts = [...(s2 > 0 ? [{ t: "…" }] : []), ...parts.slice(s2, e2 + 1),
        ...(e2 < parts.length - 1 ? [{ t: "…" }] : [])];
    }
    let html = "";
    let open = false;
    for (const p of parts) {
      if (p.m && !open) { html += "<mark>"; open = true; }
      if (!p.m && open) { html += "</mark>"; open = false; }
      html += escapeHtml(p.t);
    }
    if (open) html += "</mark>";
    out.push(html.replace(/ +/g, " ").trim());
    if (out.length >= 50) break;
  }
  return out;
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
// Rows. An exact result on a page with a table of records (a welfare list, a month of the
// ledger, the assets and contracts, the projects) is shown as the published row(s) that
// hold the query — 日期 · 村 · 项目/摘要 · 姓名 · 金额 — linking to the row's id (r12).

const ROW_PAGE = /\/(?:welfare\/\d{4}-\d{2}(?:-\d+)?|affairs\/ledger\/\d{4}-\d{2}(?:-\d+)?)\.html$|\/(?:assets|projects)\/(?:index\.html)?$/u;
const COLUMNS = [/日期/u, null, /^(?:摘要|项目|名称)$/u, /^(?:姓名|相对方|承包方|承租方)$/u,
  /金额|原值|年租金|预算/u];

/** Does a result's page publish rows worth fetching? */
export function hasRows(url) {
  return ROW_PAGE.test(String(url).split("#")[0]);
}

/** ``text`` escaped, each word of ``words`` (token lists) found in it marked as a whole;
 * a cell that holds a word only with separators (阿依努尔·买买提明) marked whole. */
export function markWords(text, words) {
  const t = String(text);
  const flat = compact(t).toLowerCase();
  const spans = [];
  for (const w of words) {
    const needle = w.join("");
    if (!flat.includes(needle)) continue;
    const low = t.toLowerCase();
    let at = low.indexOf(needle);
    if (at < 0) { spans.push([0, t.length]); continue; }
    while (at >= 0) { spans.push([at, at + needle.length]); at = low.indexOf(needle, at + needle.length); }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let out = "", i = 0;
  for (const [a, b] of spans) {
    if (a < i) continue;
    out += escapeHtml(t.slice(i, a)) + "<mark>" + escapeHtml(t.slice(a, b)) + "</mark>";
    i = b;
  }
  return out + escapeHtml(t.slice(i));
}

/** A published row as a resident reads it: ``heads`` the table's column names, ``cells``
 * the row's texts (an ID number cell already left out as ""). */
export function rowSummary(heads, cells, village, words) {
  const pick = (re) => {
    const k = heads.findIndex((h) => re.test(h));
    return k >= 0 ? cells[k] : "";
  };
  const holds = (c, w) => compact(c).toLowerCase().includes(w.join(""));
  const out = [];
  COLUMNS.slice(0, -1).forEach((re) => {
    const v = re ? pick(re) : village;
    if (v && !out.includes(v)) out.push(v);
  });
  // a word none of these shows: the cell that holds it (a 位置, a 科目, a 备注)
  for (const w of words) {
    if (out.some((v) => holds(v, w))) continue;
    const c = cells.find((x) => x && holds(x, w));
    if (c && !out.includes(c)) out.push(c);
  }
  const money = pick(COLUMNS[COLUMNS.length - 1]);
  const shown = out.map((v) => markWords(v, words));
  if (money) shown.push(markWords(money, words) + (/^-?[\d,]+\.\d\d$/u.test(money) ? " 元" : ""));
  return shown.join(" · ");
}

/** The rows of a parsed published page that hold every word: [{id, heads, cells}]. */
export function matchingRows(doc, words, limit = 20) {
  const out = [];
  for (const tr of doc.querySelectorAll("tr[id]")) {
    const table = tr.closest("table");
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    const cells = [...tr.children].map((c) => (c.classList.contains("id") ? "" : c.textContent.trim()));
    const toks = [];
    cells.forEach((c, i) => {
      for (const t of charSplit(c)) toks.push({ t: t.toLowerCase(), i });
      toks.push({ t: null, i });
    });
    if (exactHits(toks, words).length) out.push({ id: tr.id, heads, cells });
    if (out.length >= limit) break;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The bundle directory (generator/search/directory.py): which bundles can hold a query.
// Each word the exact-match check compares, each pair and triple of neighbouring words, is a key;
// ``meta.json`` lists the bundles and the filter values, bucket ``<i>.txt`` (CRC-32 of the
// key, modulo the bucket count) the keys with their bundles' numbers ("0-3,7").

const CRC = Array.from({ length: 256 }, (_x, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of ``s``'s UTF-8 (directory.py ``bucket_hash``, Python's zlib.crc32). */
export function crc32(s) {
  let c = 0xffffffff;
  for (const b of new TextEncoder().encode(s)) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** "0-3,7" → [0, 1, 2, 3, 7]. */
export function parseRanges(s) {
  const out = [];
  for (const part of String(s).split(",")) {
    if (!part) continue;
    const [a, b] = part.split("-").map(Number);
    for (let i = a; i <= (Number.isNaN(b) || b === undefined ? a : b); i++) out.push(i);
  }
  return out;
}

/** The keys of each query word (``queryWords``): a one-token word itself, a two-token
 * word the pair, a longer one each triple of neighbouring tokens. */
export function queryKeys(words) {
  return words.map((w) => (w.length <= 2 ? [w.join(" ")]
    : w.slice(2).map((t, k) => w[k] + " " + w[k + 1] + " " + t)));
}

/** A directory at ``url`` (ending in "/"): {meta, bundlesOf(key) → Promise<number[]>},
 * each bucket fetched once. ``get`` fetches a URL's text (null when missing). */
export function directory(meta, url, get) {
  const buckets = new Map();
  const bucket = (i) => {
    if (!buckets.has(i)) {
      buckets.set(i, get(url + i + ".txt").then((t) => {
        const m = new Map();
        for (const line of String(t || "").split("\n")) {
          const tab = line.lastIndexOf("\t");
          if (tab > 0) m.set(line.slice(0, tab), line.slice(tab + 1));
        }
        return m;
      }));
    }
    return buckets.get(i);
  };
  return {
    meta,
    async bundlesOf(key) {
      const r = (await bucket(crc32(key) & (meta.buckets - 1))).get(key);
      return r ? parseRanges(r) : [];
    },
  };
}

/** The bundles (numbers, ascending) that can hold every word of ``words`` with
 * ``filters`` ({name: value}): the intersection of the bundles of every key and of every
 * filter value. */
export async function candidates(dir, words, filters = {}) {
  let set = null;
  const meet = (nums) => {
    const s = new Set(nums);
    set = set === null ? s : new Set([...set].filter((x) => s.has(x)));
  };
  for (const [name, value] of Object.entries(filters)) {
    meet(parseRanges(((dir.meta.filters || {})[name] || {})[value] || ""));
  }
  const keys = queryKeys(words).flat();
  const found = await Promise.all(keys.map((k) => dir.bundlesOf(k)));
  for (const nums of found) meet(nums);
  if (set === null) set = new Set(dir.meta.bundles.map((_b, i) => i));
  return [...set].sort((a, b) => a - b);
}

/** Several Pagefind instances searched as one (as ``mergeIndex`` does): results by score. */
export function together(instances) {
  return {
    async search(term, opts) {
      const all = await Promise.all(instances.map((p) => p.search(term, opts)));
      return { results: all.flatMap((r) => (r && r.results) || []).sort((a, b) => b.score - a.score) };
    },
  };
}

// A query searches only the bundles the directory says can hold it, a few at a time
// until there are enough exact results; the page says how many it has searched.
// The bundles where a one-word query is a whole name or title (its 〔…〕 copy, directory.py)
// come first, and when they are few (WHOLE) all of them are searched: 邹建 is inside 邹建国 in
// every township, and a resident asking for 邹建 wants 邹建's village.
const FIRST = 3, NEXT = 4, ENOUGH = 10, WHOLE = 6;

/** A query's search: ``cand`` the bundles that can hold it, ``done`` how many of them were searched. */
export function searchState(q, filters = {}) {
  return { q: String(q).trim(), words: queryWords(q), filters, cand: [], done: 0, exact: [],
    partial: [], lines: 0, more: false, partialAsked: false };
}

/** Search ``st``'s next candidate bundles (``instance(i)``: bundle i's Pagefind instance) —
 * all of them with ``all`` — adding to its exact (and, while none is exact, partial) items. */
export async function searchBundles(st, instance, all = false) {
  const whole = st.whole || 0;
  do {
    const n = st.done === 0 ? Math.max(FIRST, whole <= WHOLE ? whole : 0) : NEXT;
    const left = st.cand.length - st.done;
    const batch = st.cand.slice(st.done, all || left <= n + 1 ? undefined : st.done + n);
    const pf = together(await Promise.all(batch.map(instance)));
    const found = await findPages(pf, st.q, { filters: st.filters });
    st.done += batch.length;
    st.exact.push(...found.items.filter((d) => d.match === "exact"));
    st.lines += found.lines;
    st.more = st.more || found.more;
    if (!st.exact.length) st.partial.push(...found.items.filter((d) => d.match === "partial"));
    else st.partial = [];
  } while (st.done < st.cand.length && st.exact.length < ENOUGH);
  st.partial = st.partial.slice(0, 20);
  // whole names first (林仓 before 林仓海), then as found
  st.exact.sort((a, b) => (b.whole ? 1 : 0) - (a.whole ? 1 : 0));
  return st;
}

/** ``candidates`` with the bundles where the one-word query is a whole name or title first:
 * {cand, whole} (whole: how many of cand come first). */
export async function orderedCandidates(dir, words, filters = {}) {
  const cand = await candidates(dir, words, filters);
  if (words.length !== 1 || words[0].length < 2 || !cand.length) return { cand, whole: 0 };
  const w = new Set(await dir.bundlesOf("〔" + words[0].join(" ") + "〕"));
  const first = cand.filter((i) => w.has(i));
  return { cand: [...first, ...cand.filter((i) => !w.has(i))], whole: first.length };
}

/** A search's exact items as a list: each village's first, then the others
 * (``findPages``' order). */
export function orderedItems(st) {
  const byVillage = new Map();
  for (const e of st.exact) {
    const v = villageOf(e.url);
    if (!byVillage.has(v)) byVillage.set(v, []);
    byVillage.get(v).push(e);
  }
  const groups = [...byVillage.values()];
  return [...groups.map((g) => g[0]), ...groups.flatMap((g) => g.slice(1)), ...st.partial];
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
  // The city portal's search (site/search/): every county's bundles, "<county>/<bundle>",
  // each with its county's folder as base URL and the county's name as the 县 filter.
  const counties = list.dataset.counties ? JSON.parse(list.dataset.counties) : null;
  const dirUrl = new URL("dir/", location.href).pathname;
  const selects = () => document.querySelectorAll("#filters select");
  let dir = null;
  let pagefind = null;  // the pagefind.js module (of the empty primary bundle)
  const instances = new Map();  // bundle number → Promise of its Pagefind instance

  function bundle(i) {
    const s = dir.meta.bundles[i];
    if (!counties) return { path: base + "pagefind/" + s + "/", opts: { baseUrl: base } };
    const [county, name] = s.split("/");
    return {
      path: base + county + "/pagefind/" + name + "/",
      opts: { baseUrl: base + county + "/", mergeFilter: { "县": counties[county] || county } },
    };
  }

  // Every instance starts from the same empty bundle (generator/pipeline.py PRIMARY): the
  // program and its WebAssembly come from one address, fetched once, whichever bundles a
  // query needs; then it merges one bundle, and keeps what it fetched for the next query.
  function primary() {
    const first = counties ? dir.meta.bundles[0].split("/")[0] + "/" : "";
    return base + first + "pagefind/primary.0/";
  }

  async function load() {
    if (!dir) {
      const get = (u) => fetch(u).then((r) => (r.ok ? r.text() : null));
      const meta = JSON.parse(await get(dirUrl + "meta.json"));
      dir = directory(meta, dirUrl, get);
      pagefind = await import(primary() + "pagefind.js");
      const warm = pagefind.createInstance({ basePath: primary() });
      await warm.init();  // the program arrives with the page, not with the first query
    }
    return dir;
  }

  function instance(i) {
    if (!instances.has(i)) {
      instances.set(i, (async () => {
        const b = bundle(i);
        const pf = pagefind.createInstance({ basePath: primary(), ...b.opts, excerptLength: 32 });
        await pf.mergeIndex(b.path, { ...b.opts, excerptLength: 32 });
        return pf;
      })());
    }
    return instances.get(i);
  }

  function filtersFromForm() {
    const f = {};
    for (const sel of selects()) if (sel.value) f[sel.name] = sel.value;
    return f;
  }

  function fillFilters() {
    const all = dir.meta.filters || {};
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

  const SHOWN = 3;  // results of one village shown before "显示更多"

  function item(d) {
    const li = document.createElement("li");
    li.dataset.match = d.match;
    if (counties) {  // which county the page belongs to
      const county = document.createElement("span");
      county.className = "county";
      county.textContent = "【" + (counties[d.url.slice(base.length).split("/")[0]] || "") + "】";
      li.append(county);
    }
    const a = document.createElement("a");
    a.href = d.url;
    a.textContent = d.title;
    li.append(a);
    const lines = d.match === "exact" ? d.lines.slice(0, 5) : [d.excerpt];
    for (const l of lines) {
      const p = excerptNode(l);
      if (d.match === "exact") p.className = "row";
      li.append(p);
    }
    if (d.match === "exact" && d.lines.length > 5) {
      const p = document.createElement("p");
      p.className = "more-rows";
      p.textContent = `本页还有 ${d.lines.length - 5} 条`;
      li.append(p);
    }
    if (d.match === "exact" && hasRows(d.url)) li.dataset.rows = "pending";
    li._result = d;
    return li;
  }

  const pages = new Map();  // url → parsed page (a second look costs nothing)

  /** Replace an exact result's lines by the published rows that hold the query. */
  async function showRows(li, words) {
    if (li.dataset.rows !== "pending") return;
    li.dataset.rows = "loading";
    const d = li._result;
    const url = d.url.split("#")[0];
    try {
      if (!pages.has(url)) {
        pages.set(url, fetch(url).then((r) => (r.ok ? r.text() : ""))
          .then((t) => new DOMParser().parseFromString(t, "text/html")));
      }
      const rows = matchingRows(await pages.get(url), words);
      if (!rows.length) { li.dataset.rows = "none"; return; }
      const ul = document.createElement("ul");
      ul.className = "rows";
      for (const r of rows.slice(0, 5)) {
        const item = document.createElement("li");
        const a = document.createElement("a");
        a.href = url + "#" + r.id;
        a.append(...excerptNode(rowSummary(r.heads, r.cells, d.village, words)).childNodes);
        item.append(a);
        ul.append(item);
      }
      for (const p of li.querySelectorAll("p.row, p.more-rows")) p.remove();
      li.append(ul);
      if (rows.length > 5) {
        const p = document.createElement("p");
        p.className = "more-rows";
        p.textContent = `本页还有 ${rows.length - 5} 条`;
        li.append(p);
      }
      li.dataset.rows = "shown";
    } catch (e) {
      li.dataset.rows = "none";
      console.warn(e);
    }
  }

  function heading(text, level = "h2") {
    const h = document.createElement(level);
    h.textContent = text;
    return h;
  }

  const CHUNK_KB = 30;  // an index chunk: what one character costs in one bundle
  let current = null;

  async function run(q) {
    list.replaceChildren();
    current = null;
    if (!q.trim()) { statusEl.textContent = "请输入要找的姓名、项目或公告标题。"; return; }
    statusEl.textContent = "正在搜索……";
    await load();
    const filters = filtersFromForm();
    const words = queryWords(q);
    const st = { ...searchState(q, filters), ...await orderedCandidates(dir, words, filters) };
    current = st;
    if (!st.cand.length) { await show(st); return; }
    await searchMore(st);
  }

  async function searchMore(st, all = false) {
    statusEl.textContent = "正在搜索……";
    await searchBundles(st, instance, all);
    if (current === st) await show(st);
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "show-more";
    b.textContent = text;
    b.addEventListener("click", () => {
      b.disabled = true;
      onClick().catch((e) => {
        statusEl.textContent = "搜索出错，请稍后再试。";
        console.warn(e);
      });
    });
    return b;
  }

  async function show(st) {
    list.replaceChildren();
    const shownQ = st.q;
    const words = st.words;
    const exact = st.exact;
    const partial = st.partial;
    const left = st.cand.length - st.done;
    let msg = "";
    if (exact.length) {
      const villages = new Set(exact.map((d) => villageOf(d.url))).size;
      const more = st.more ? "，可能还有更多，可以用“村”“年份”缩小范围" : "";
      msg = `找到 ${st.lines} 条完全匹配“${shownQ}”的记录（${villages} 个村）${more}。`;
      if (left > 0) msg += `已查 ${st.done} 个乡镇索引分区，还有 ${left} 个可能有，没有查。`;
      list.append(heading("完全匹配的记录"));
      const groups = new Map();
      for (const d of exact) {
        const v = villageOf(d.url);
        if (!groups.has(v)) groups.set(v, []);
        groups.get(v).push(d);
      }
      for (const ds of groups.values()) {
        const n = ds.reduce((k, d) => k + d.lines.length, 0);
        const sec = document.createElement("section");
        sec.className = "village-hits";
        sec.append(heading(`${ds[0].village}（${n} 条）`, "h3"));
        const ol = document.createElement("ol");
        ol.className = "results";
        ds.forEach((d, k) => {
          const li = item(d);
          if (k >= SHOWN) li.hidden = true;
          ol.append(li);
        });
        sec.append(ol);
        if (ds.length > SHOWN) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "show-more";
          b.textContent = `显示更多（还有 ${ds.length - SHOWN} 个页面）`;
          b.addEventListener("click", () => {
            for (const li of ol.children) {
              li.hidden = false;
              showRows(li, words);
            }
            b.remove();
          });
          sec.append(b);
        }
        list.append(sec);
      }
      if (left > 0) {
        list.append(button(`继续查其余 ${left} 个乡镇索引分区`, () => searchMore(st)));
      }
    } else if (partial.length) {
      msg = `没有找到完全包含“${shownQ}”的记录。下面是包含其中部分字的结果，不一定是您要找的；请检查有没有错字。`;
    } else {
      msg = `没有找到完全包含“${shownQ}”的记录。请检查有没有错字，或少输几个字、换个说法再试。`;
      if (!st.partialAsked) {
        // the partial matches over every bundle: one index chunk per character and bundle
        const all = st.cand.length ? st.cand : dir.meta.bundles.map((_b, i) => i);
        const kb = all.length * Math.max(1, words.flat().length) * CHUNK_KB;
        const size = kb >= 1000 ? `${(kb / 1000).toFixed(1)} MB` : `${kb} KB`;
        list.append(button(`查看包含其中部分字的结果（要下载约 ${size}）`, async () => {
          const wide = { ...searchState(st.q, st.filters), cand: all, partialAsked: true };
          current = wide;
          await searchMore(wide, true);
        }));
      }
    }
    if (exact.length) {
      // the rows of the first results shown (a few pages, fetched once)
      const pending = [...list.querySelectorAll('li[data-rows="pending"]')];
      await Promise.all(pending.filter((li) => !li.hidden).slice(0, 6).map((li) => showRows(li, words)));
      // the others when they come into view (scrolled to, or shown by 显示更多)
      if (typeof IntersectionObserver === "function") {
        const seen = new IntersectionObserver((entries) => {
          for (const e of entries) {
            if (e.isIntersecting) { seen.unobserve(e.target); showRows(e.target, words); }
          }
        });
        for (const li of pending) if (li.dataset.rows === "pending") seen.observe(li);
      }
    }
    if (partial.length) {
      list.append(heading("包含其中部分字的结果"));
      const ol = document.createElement("ol");
      ol.className = "results partial";
      for (const d of partial) ol.append(item(d));
      list.append(ol);
    }
    statusEl.textContent = msg;
  }

  async function main() {
    const unsupported = document.getElementById("search-unsupported");
    if (!supported()) return;  // the message stays visible
    unsupported.hidden = true;
    const q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    try {
      await load();
      fillFilters();
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
  // a chip fills the box and searches: a kiosk needs no keyboard
  for (const b of document.querySelectorAll("#chips button")) {
    b.addEventListener("click", () => {
      input.value = b.dataset.q;
      form.requestSubmit();
    });
  }
  for (const sel of selects()) {
    sel.addEventListener("change", () => { if (input.value.trim()) form.requestSubmit(); });
  }
  main();
}

if (typeof document !== "undefined" && typeof document.getElementById === "function"
    && document.getElementById("search-form")) page();
