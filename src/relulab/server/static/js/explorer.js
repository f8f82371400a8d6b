// The sweep explorer (/sweep/): reads /sweep/api/*, draws the grid, parallel coordinates and curves, lists the
// runs with a link each into the playground (/?run=KEY). It polls the database, so a sweep still writing it shows up.
// In a language (#lang=zh, the locale switch): the page's texts through the playground's catalogue (i18n.js), the
// texts it writes and draws through t(), the server's refusals asked for in that language, the playground opened in it;
// the sweep's own names (fields, metrics, their values: [data-no-i18n]) stay as they are.
import { COLOURS, drawCurves, drawGrid, drawParallel } from "./explorer_plots.js";
import { Translator } from "./i18n.js";
import { esc } from "./panels.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 3000;
const STATUS = { target_loss: "stopped at the target loss" }; // a status whose stored name is a config field's
const x = { overview: null, where: [], runs: [], picked: new Set(), curves: {}, seen: -1 };
const i18n = new Translator(document.body);
const t = (text, values) => i18n.t(text, values);
x.i18n = i18n;

async function api(path) {
  const sep = path.includes("?") ? "&" : "?";
  const r = await fetch(`/sweep/api/${path}${i18n.lang === "en" ? "" : `${sep}lang=${i18n.lang}`}`);
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  if (!r.ok) throw new Error(body?.detail ?? `HTTP ${r.status}`);
  return body;
}

function say(text) { $("message").textContent = text || ""; $("message").hidden = !text; }
const query = (pairs) => new URLSearchParams(pairs).toString();
const whereQuery = () => x.where.map((w) => ["where", w]);

function buildControls(o) {
  const keep = (sel, names, want) => {
    const old = sel.value;
    sel.innerHTML = names.map((n) => `<option>${esc(n)}</option>`).join("");
    sel.value = names.includes(old) ? old : want ?? names[0] ?? "";
  };
  const axes = Object.keys(o.axes);
  keep($("grid-x"), axes, axes[0]); keep($("grid-y"), axes, axes[1] ?? axes[0]);
  keep($("grid-metric"), o.metrics, o.metric); keep($("range-metric"), o.metrics, o.metric);
  if (!$("grid-success").value) $("grid-success").value = String(o.success);
  $("filter-axes").innerHTML = axes.map((a) => `<fieldset><legend>${esc(a)}</legend>${o.axes[a].map((v) => {
    const on = !x.where.some((w) => w.startsWith(`${a}=`)) || x.where.includes(`${a}=${v}`);
    return `<label class="check"><input type="checkbox" data-axis="${esc(a)}" value="${esc(v)}" ${on ? "checked" : ""}> ${esc(v)}</label>`;
  }).join("")}</fieldset>`).join("");
}

function readFilter() {
  const where = [];
  for (const fs of $("filter-axes").querySelectorAll("fieldset")) {
    const boxes = [...fs.querySelectorAll("input")];
    if (boxes.every((b) => b.checked)) continue;
    boxes.filter((b) => b.checked).forEach((b) => where.push(`${b.dataset.axis}=${b.value}`));
    if (!boxes.some((b) => b.checked)) throw new Error(t("tick at least one value of {axis} (or Clear)", { axis: boxes[0].dataset.axis }));
  }
  const lo = $("range-lo").value.trim(), hi = $("range-hi").value.trim();
  if (lo || hi) where.push(`${$("range-metric").value}=${lo}:${hi}`);
  return where;
}

async function refresh() {
  const o = x.overview, g = [["x", $("grid-x").value], ["y", $("grid-y").value], ["metric", $("grid-metric").value],
    ["success", $("grid-success").value.trim()], ...whereQuery()];
  try {
    const [runs, grid] = await Promise.all([api(`runs?${query(whereQuery())}`),
      Object.keys(o.axes).length >= 2 ? api(`grid?${query(g)}`) : Promise.resolve(null)]);
    say("");
    x.runs = runs.runs;
    const counts = { k: runs.selected, n: runs.total, shown: runs.shown };
    $("count").textContent = runs.shown < runs.selected ? t("{k} of {n} runs selected (the first {shown} listed and drawn)", counts)
      : t("{k} of {n} runs selected", counts);
    $("csv-link").href = `/sweep/api/export.csv?${query(whereQuery())}`;
    x.grid = grid;
    if (grid) drawGrid($("grid"), grid, t);
    $("pc-metric").textContent = $("grid-metric").value;
    drawParallel($("parallel"), x.runs, o.axes, $("grid-metric").value, Number($("grid-success").value), x.picked);
    renderTable(o);
    document.body.dataset.selected = String(runs.selected);
  } catch (e) { say(e.message); }
}

function renderTable(o) {
  const axes = Object.keys(o.axes), mets = o.metrics, fmt = (v) => (v === null || v === undefined ? "–" : Number.isInteger(v) ? String(v) : Number(v).toFixed(4));
  // the playground opened from here speaks the page's language (its #lang, as a link of its own carries it)
  const inLang = i18n.lang === "en" ? "" : `#lang=${i18n.lang}`;
  $("runs").querySelector("thead").innerHTML = `<tr><th>${esc(t("curve"))}</th><th>${esc(t("run"))}</th>${axes.map((a) => `<th data-no-i18n>${esc(a)}</th>`).join("")}<th>${esc(t("status"))}</th>${mets.map((m) => `<th data-no-i18n>${esc(m)}</th>`).join("")}<th>${esc(t("open"))}</th></tr>`;
  $("runs").querySelector("tbody").innerHTML = x.runs.map((r) => `<tr data-key="${r.key}" class="${x.picked.has(r.key) ? "picked" : ""}">
    <td><input type="checkbox" class="pick" aria-label="${esc(t("curve of {key}", { key: r.key.slice(0, 8) }))}" ${x.picked.has(r.key) ? "checked" : ""}></td>
    <td><code>${r.key.slice(0, 10)}</code></td>${axes.map((a) => `<td data-no-i18n>${esc(r.values[a])}</td>`).join("")}<td data-status="${esc(r.status)}">${esc(t(STATUS[r.status] ?? r.status))}</td>
    ${mets.map((m) => `<td class="num" data-metric="${esc(m)}">${fmt(r.metrics[m])}</td>`).join("")}
    <td>${r.status === "error" ? "–" : `<a class="open-run" href="/?run=${r.key}${inLang}" target="_blank" rel="noopener">${esc(t("playground"))} ↗</a>`}</td></tr>`).join("");
}

async function drawPicked() {
  const keys = [...x.picked].filter((k) => !x.curves[k]);
  if (keys.length) {
    try { Object.assign(x.curves, (await api(`curves?${query(keys.map((k) => ["key", k]))}`)).curves); } catch (e) { say(e.message); }
  }
  const list = [...x.picked].map((k, i) => ({ key: k, history: x.curves[k]?.history, colour: COLOURS[i % COLOURS.length] }));
  drawCurves($("curves"), list, t);
  $("curve-legend").innerHTML = list.map((c) => `<span class="swatch" style="background:${c.colour}"></span><code>${c.key.slice(0, 10)}</code>`).join("");
  drawParallel($("parallel"), x.runs, x.overview.axes, $("grid-metric").value, Number($("grid-success").value), x.picked);
}

async function poll() {
  try {
    const o = await api("overview");
    $("status").textContent = ""; $("status").className = "status";
    const line = o.skipped ? t("{n} runs, {skipped} malformed rows skipped", { n: o.runs, skipped: o.skipped }) : t("{n} runs", { n: o.runs });
    $("db-line").innerHTML = `<code>${esc(o.db)}</code>: ${esc(line)}`;
    if (o.runs !== x.seen || JSON.stringify(o.axes) !== JSON.stringify(x.overview?.axes)) {
      x.seen = o.runs; x.overview = o; buildControls(o); await refresh();
    }
  } catch (e) { $("status").textContent = e.message; $("status").className = "status bad"; }
}

$("btn-apply").addEventListener("click", () => {
  try { x.where = readFilter(); } catch (e) { return say(e.message); }
  refresh();
});
$("btn-clear").addEventListener("click", () => {
  x.where = []; $("range-lo").value = ""; $("range-hi").value = "";
  $("filter-axes").querySelectorAll("input").forEach((b) => { b.checked = true; }); refresh();
});
["grid-x", "grid-y", "grid-metric"].forEach((id) => $(id).addEventListener("change", refresh));
$("grid-success").addEventListener("change", refresh);
$("runs").addEventListener("change", (e) => {
  if (!e.target.classList.contains("pick")) return;
  const key = e.target.closest("tr").dataset.key;
  if (e.target.checked) x.picked.add(key); else x.picked.delete(key);
  e.target.closest("tr").classList.toggle("picked", e.target.checked);
  drawPicked();
});
async function pollAgain() { // the next look after POLL_MS, or twice as long as this one took (a big database)
  const t0 = performance.now();
  await poll();
  setTimeout(pollAgain, Math.max(POLL_MS, 2 * (performance.now() - t0)));
}

// the language: #lang=zh in the address (kept there by the switch), English without it
const hashLang = () => new URLSearchParams(location.hash.slice(1)).get("lang") || "en";
async function setLanguage(lang) {
  try { await i18n.load(lang, (name) => fetch(`/api/${name}`).then((r) => r.json().then((b) => { if (!r.ok) throw new Error(b?.detail ?? `HTTP ${r.status}`); return b; }))); }
  catch (e) { say(e.message); lang = i18n.lang; }
  $("sel-lang").value = lang; document.title = t("relulab sweep explorer");
  const h = new URLSearchParams(location.hash.slice(1));
  if (lang === "en") h.delete("lang"); else h.set("lang", lang);
  history.replaceState(null, "", `${location.pathname}${location.search}${h.toString() ? `#${h}` : ""}`);
  if (x.overview) { x.seen = -1; await poll(); await drawPicked(); } // redrawn and rewritten in the new language
}
$("sel-lang").addEventListener("change", (e) => setLanguage(e.target.value));
addEventListener("hashchange", () => { if (hashLang() !== i18n.lang) setLanguage(hashLang()); });

setLanguage(hashLang()).then(poll).then(drawPicked).then(() => setTimeout(pollAgain, POLL_MS));
window.explorer = x; // for the browser tests and the curious
