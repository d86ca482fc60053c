// 一点通 search page: Pagefind (extended, Chinese segmentation) with a labelled form.
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const statusEl = document.getElementById("search-status");
const list = document.getElementById("results");
const base = new URL("../", location.href).pathname;

function supported() {
  return typeof WebAssembly === "object" && typeof fetch === "function";
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// One Pagefind bundle per township (pagefind/<township>/), merged at query time.
const shards = (list.dataset.shards || "").split(" ").filter(Boolean);
let pagefind = null;
async function load() {
  if (!pagefind) {
    const pf = await import(base + "pagefind/" + shards[0] + "/pagefind.js");
    await pf.options({ baseUrl: base, excerptLength: 24 });
    for (const s of shards.slice(1)) {
      await pf.mergeIndex(base + "pagefind/" + s + "/", { baseUrl: base });
    }
    pagefind = pf;
  }
  return pagefind;
}

function filtersFromForm() {
  const f = {};
  for (const sel of document.querySelectorAll("#filters select")) {
    if (sel.value) f[sel.name] = sel.value;
  }
  return f;
}

async function fillFilters(pf) {
  const all = await pf.filters();
  const map = { "乡镇": "f-town", "栏目": "f-mod", "年份": "f-year" };
  const params = new URLSearchParams(location.search);
  for (const [name, id] of Object.entries(map)) {
    const sel = document.getElementById(id);
    const values = Object.keys(all[name] || {}).sort();
    if (name === "年份") values.reverse();
    for (const v of values) {
      const o = document.createElement("option");
      o.value = v; o.textContent = v;
      sel.appendChild(o);
    }
    if (params.get(name)) sel.value = params.get(name);
  }
  document.getElementById("filters").hidden = false;
}

// Finer split for queries the browser segments differently from the index (Pagefind #1237).
function fallbacks(q) {
  const out = [];
  const compact = q.replace(/[\s·・•.]+/g, "");
  if (compact !== q) out.push(compact);
  if (/^[\u4e00-\u9fff]{2,}$/.test(compact)) {
    out.push(Array.from(compact).join(" "));
  }
  return out;
}

async function run(q) {
  list.innerHTML = "";
  if (!q.trim()) { statusEl.textContent = ""; return; }
  statusEl.textContent = "正在搜索……";
  const pf = await load();
  const filters = filtersFromForm();
  let res = await pf.search(q, { filters });
  for (const alt of fallbacks(q)) {
    if (res && res.results.length) break;
    res = await pf.search(alt, { filters });
  }
  const items = await Promise.all(res.results.slice(0, 20).map((r) => r.data()));
  if (!items.length) {
    statusEl.textContent = `没有找到“${q}”。可以少输几个字，或换个说法再试。`;
    return;
  }
  statusEl.textContent = `找到 ${res.results.length} 个页面${res.results.length > 20 ? "，显示前 20 个" : ""}。`;
  for (const d of items) {
    const li = document.createElement("li");
    const title = (d.meta && d.meta.title) || d.url;
    li.innerHTML = `<a href="${esc(d.url)}">${esc(title)}</a><p>${d.excerpt}</p>`;
    list.appendChild(li);
  }
}

async function main() {
  if (!supported()) {
    document.getElementById("search-unsupported").hidden = false;
    return;
  }
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  input.value = q;
  try {
    const pf = await load();
    await fillFilters(pf);
    if (q) await run(q);
  } catch (e) {
    statusEl.textContent = "搜索暂时不能使用，请稍后再试，或从首页逐级查看。";
    console.warn(e);
  }
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const params = new URLSearchParams();
  params.set("q", input.value);
  for (const [k, v] of Object.entries(filtersFromForm())) params.set(k, v);
  history.replaceState(null, "", "?" + params.toString());
  run(input.value).catch((e) => { statusEl.textContent = "搜索出错，请稍后再试。"; console.warn(e); });
});
for (const sel of document.querySelectorAll("#filters select")) {
  sel.addEventListener("change", () => form.requestSubmit());
}
main();
