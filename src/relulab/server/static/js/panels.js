// relulab's analysis cards: linear regions vs the bounds, dead units / sparsity / gradient norms,
// accuracy and confusion counts, the linear-collapse view. Each renders one frame's JSON.
import { drawSeries } from "./plots.js";

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const fmt = (v, d = 3) => (v === null || v === undefined ? "–" : Math.abs(v) >= 1e5 ? v.toExponential(2) : (+v).toFixed(d));
const big = (n) => (n === null || n === undefined ? "–" : n >= 1e6 ? n.toExponential(2) : n.toLocaleString("en-US"));

// Each renderer takes $: the page's element lookup (main.js: by id, inside the page's root).
function set($, id, html) {
  const el = $(id);
  if (el.dataset.html !== html) { el.innerHTML = html; el.dataset.html = html; }
}

export function renderRegions($, frame, state) {
  const r = frame.regions || {}, chart = $("region-chart"), badge = $("region-badge");
  if (r.refused) {
    set($, "regions-body", `<div class="refusal" id="regions-refusal">${esc(r.refused)}</div>`);
    chart.hidden = true;
    badge.hidden = !state.display.regions; badge.textContent = "no linear regions (smooth activation)";
    if (!/smooth/.test(r.refused)) badge.textContent = "no exact regions here";
    return;
  }
  const one = r.count === 1, b = r.bounds || {};
  const dim = r.dimension === 1 ? (one ? "piece of the line" : "pieces of the line") : (one ? "region of the square" : "regions of the square");
  const layers = (r.layer_counts || []).map((c, i) => `layer ${i + 1}: ${big(c)}`).join(" · ");
  let html = `<div><span class="big-number" id="region-count">${big(r.count)}</span> linear ${dim}</div>` +
    `<div class="hint">after each hidden layer: ${layers || "no hidden layer"}</div>` +
    `<div>max after layer 1 (Zaslavsky): <b>${big(b.first_layer)}</b>` +
    (b.lower !== null && b.lower !== undefined ? ` · a deep ReLU net can reach (Montúfar): <b>${big(b.lower)}</b>` : "") +
    ` · upper bound (${esc(b.upper_name || "")}): <b>${big(b.upper)}</b></div>`;
  if (r.sides && r.sides.length) {
    const names = state.data.num_classes > 2 ? (l) => `class ${l}` : (l) => (l ? "blue" : "orange");
    html += `<div>decision regions: ${r.sides.map((s) => `${names(s.label)} ${s.sides} sides${s.touches_window ? " (meets the border)" : ""}`).join(" · ")}</div>`;
  }
  if (r.local_complexity) html += `<div>local complexity: <b id="region-local">${r.local_complexity.mean}</b> regions within ${r.local_complexity.radius} of a training point (mean)</div>`;
  if (r.bends) html += `<div>kinks where the fitted function bends: <b>${r.bends.length}</b> (dots on the curve)</div>`;
  set($, "regions-body", html);
  const h = frame.region_history || [], counts = h.map((p) => p[1]);
  chart.hidden = h.length < 2 || Math.min(...counts) === Math.max(...counts); // a flat line says nothing
  if (!chart.hidden) {
    drawSeries(chart, [{ x: h.map((p) => p[0]), y: h.map((p) => p[1]), colour: "#183d4e" }],
      [{ y: b.first_layer, label: "layer-1 max", colour: "#2e7d32" }, { y: b.upper, label: "upper bound", colour: "#d0021b" }]);
  }
  badge.hidden = !state.display.regions;
  badge.textContent = `${big(r.count)} linear region${r.count === 1 ? "" : "s"}`;
}

export function renderUnits($, frame) {
  const d = frame.diagnostics;
  if (!d) { set($, "units-body", `<div class="hint">no hidden units (perceptron or linear model)</div>`); return; }
  if (d.refused) { set($, "units-body", `<div class="hint" id="units-refusal">${esc(d.refused)}</div>`); return; }
  const maxG = Math.max(1e-12, ...d.weight_grad_norms.filter((v) => v !== null));
  let html = `<div><b>${d.dead_total}</b> of ${d.units_total} hidden units dead (never active on the training data)</div>`;
  html += `<div class="bars"><span class="hint">layer</span><span class="hint">sparsity (exact zeros)</span><span class="hint">dead</span>`;
  d.layers.forEach((l, i) => {
    html += `<span>${i + 1} ${esc(l.name)}</span><div class="bar" style="width:${(100 * l.sparsity).toFixed(1)}%" title="${fmt(100 * l.sparsity, 1)}% zeros"></div>` +
      `<span>${l.dead.length}/${l.units}</span>`;
  });
  html += `</div><div class="bars"><span class="hint">weights</span><span class="hint">‖∂L/∂W‖ gradient norm</span><span class="hint"></span>`;
  d.weight_grad_norms.forEach((g, i) => {
    const w = g === null ? 0 : Math.max(1, 100 * (Math.log10(g + 1e-12) + 12) / (Math.log10(maxG) + 12));
    html += `<span>${i + 1 < d.weight_grad_norms.length ? `layer ${i + 1}` : "output"}</span><div class="bar grad" style="width:${w.toFixed(1)}%"></div><span>${g === null ? "–" : g.toExponential(1)}</span>`;
  });
  set($, "units-body", html + `</div><div class="hint small">bars of gradient norms on a log scale; a layer far below the others learns slowly (vanishing gradients)</div>`);
}

export function renderAccuracy($, frame, state) {
  const c = frame.confusion;
  let html = state.data.problem === "classification"
    ? `<div>test accuracy <b>${fmt(frame.test_acc)}</b> · training accuracy <b>${fmt(frame.train_acc)}</b></div>`
    : `<div class="hint">regression: no accuracy; the losses are mean ½(output − target)²</div>`;
  if (state.perceptron) html += `<div class="hint">perceptron mode: the "loss" is the fraction of points on the wrong side</div>`;
  if (c) {
    html += `<table class="confusion"><tr><th>true \\ predicted</th>${c.labels.map((l) => `<th>${l}</th>`).join("")}</tr>` +
      c.matrix.map((row, i) => `<tr><th>${c.labels[i]}</th>${row.map((v) => `<td>${v}</td>`).join("")}</tr>`).join("") + `</table>` +
      `<div class="hint small">counts on the test points</div>`;
  }
  set($, "acc-body", html);
}

export function renderCollapse($, frame) {
  const c = frame.collapse;
  if (!c) return;
  if (c.refused) { set($, "collapse-body", `<div class="hint">${esc(c.refused)}</div>`); return; }
  const terms = c.features.map((f, i) => `${fmt(c.weight[0][i], 3)}·${esc(f)}`).join(" + ").replace(/\+ -/g, "− ");
  const what = c.layers > 1 ? `All ${c.layers} layers of this network are` : "This network (one layer) is";
  set($, "collapse-body", `<div>${what} <b>one</b> linear map:</div>` +
    `<div class="formula">output = ${terms} + ${fmt(c.bias[0], 3)}</div>` +
    `<div class="hint">rank ${c.rank}; max |network − this map| = ${(c.max_abs_diff ?? 0).toExponential(1)} on random inputs. ` +
    `Without a nonlinearity, depth adds nothing: the boundary is a straight line.</div>`);
}
