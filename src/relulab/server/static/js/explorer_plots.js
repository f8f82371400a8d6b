// The explorer's canvases: the success-rate grid, parallel coordinates, loss curves. Plain 2-D canvas; the words
// drawn go through t (the page's i18n t(): English text -> the page's language), names and numbers as they are.
import { drawSeries } from "./plots.js";

export const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf"];

function fit(canvas) { // drawn at the canvas's own size; CSS scales it to the column
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.clearRect(0, 0, canvas.width, canvas.height);
  return [ctx, canvas.width, canvas.height];
}

function rateColour(p) { // white (0) to green (1)
  const g = Math.round(255 - 120 * p), rb = Math.round(255 - 200 * p);
  return `rgb(${rb},${g + 0},${rb})`;
}

const same = (text) => text;

// cells: [{x, y, n, successes, success_rate, wilson_low, wilson_high}], xs / ys: the labels in order
export function drawGrid(canvas, g, t = same) {
  const [ctx, W, H] = fit(canvas);
  const xs = g.x_values, ys = g.y_values, left = 110, top = 22;
  const cw = (W - left - 4) / Math.max(1, xs.length), ch = (H - top - 4) / Math.max(1, ys.length);
  const at = new Map(g.cells.map((c) => [`${c.x}\u0000${c.y}`, c]));
  ctx.font = "12px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.fillStyle = "#333";
  xs.forEach((x, i) => ctx.fillText(`${g.x}=${x}`, left + (i + 0.5) * cw, top / 2));
  ctx.textAlign = "right";
  ys.forEach((y, j) => ctx.fillText(`${g.y}=${y}`, left - 6, top + (j + 0.5) * ch));
  ctx.textAlign = "center";
  ys.forEach((y, j) => xs.forEach((x, i) => {
    const c = at.get(`${x}\u0000${y}`), X = left + i * cw, Y = top + j * ch;
    ctx.fillStyle = c && c.success_rate !== null ? rateColour(c.success_rate) : "#f3f3f3";
    ctx.fillRect(X + 1, Y + 1, cw - 2, ch - 2);
    ctx.fillStyle = "#222";
    if (!c || c.n === 0) { ctx.fillText(t("no runs"), X + cw / 2, Y + ch / 2); return; }
    ctx.font = "bold 13px sans-serif";
    ctx.fillText(`${(100 * c.success_rate).toFixed(0)} %  (${c.successes}/${c.n})`, X + cw / 2, Y + ch / 2 - 8);
    ctx.font = "11px sans-serif";
    ctx.fillText(`[${(100 * c.wilson_low).toFixed(0)}, ${(100 * c.wilson_high).toFixed(0)}] %`, X + cw / 2, Y + ch / 2 + 9);
  }));
}

// runs: [{key, values: {axis: label}, metrics}], axes: {axis: [labels]}, picked: Set of keys
export function drawParallel(canvas, runs, axes, metric, success, picked) {
  const [ctx, W, H] = fit(canvas);
  const names = Object.keys(axes), n = names.length + 1, top = 34, bottom = H - 14;
  const px = (i) => 40 + (i * (W - 80)) / Math.max(1, n - 1);
  const vals = runs.map((r) => r.metrics[metric]).filter((v) => v !== null && v !== undefined && isFinite(v));
  const lo = Math.min(...vals, 0), hi = Math.max(...vals, lo + 1e-9);
  const yAxis = (a, label) => { const L = axes[a]; const k = L.indexOf(label); return L.length < 2 ? (top + bottom) / 2 : bottom - (k / (L.length - 1)) * (bottom - top); };
  const yMetric = (v) => (v === null || v === undefined || !isFinite(v) ? bottom + 8 : bottom - ((v - lo) / (hi - lo)) * (bottom - top));
  const good = (v) => v !== null && v !== undefined && isFinite(v) && (metric.includes("loss") ? v <= success : v >= success);
  const line = (r, width, colour) => {
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.beginPath();
    names.forEach((a, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, px(i), yAxis(a, r.values[a])));
    ctx.lineTo(px(n - 1), yMetric(r.metrics[metric])); ctx.stroke();
  };
  const alpha = Math.max(0.04, Math.min(0.5, 30 / Math.max(1, runs.length)));
  runs.forEach((r) => { if (!picked.has(r.key)) line(r, 1, good(r.metrics[metric]) ? `rgba(40,150,60,${alpha})` : `rgba(200,50,40,${alpha})`); });
  [...picked].forEach((k, i) => { const r = runs.find((q) => q.key === k); if (r) line(r, 3, COLOURS[i % COLOURS.length]); });
  ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.fillStyle = "#222"; ctx.font = "11px sans-serif"; ctx.textAlign = "center";
  [...names, metric].forEach((a, i) => {
    ctx.beginPath(); ctx.moveTo(px(i), top); ctx.lineTo(px(i), bottom); ctx.stroke();
    ctx.font = "bold 12px sans-serif"; ctx.fillText(a, px(i), 12); ctx.font = "11px sans-serif";
    const ticks = i < names.length ? axes[a].map((l) => [l, yAxis(a, l)]) : [[hi.toFixed(3), top], [lo.toFixed(3), bottom]];
    ctx.textAlign = "left";
    ticks.forEach(([l, y]) => ctx.fillText(l, px(i) + 4, y + 4));
    ctx.textAlign = "center";
  });
}

// curves: [{key, history, colour}]
export function drawCurves(canvas, curves, t = same) {
  const series = curves.flatMap((c) => (c.history ? [
    { x: c.history.epoch, y: c.history.train_loss, colour: `${c.colour}55` },
    { x: c.history.epoch, y: c.history.test_loss, colour: c.colour }] : []));
  if (!series.length) {
    const [ctx, , H] = fit(canvas);
    ctx.fillStyle = "#777"; ctx.font = "12px sans-serif"; ctx.fillText(t("tick runs in the table to see their curves"), 12, H / 2);
    return;
  }
  drawSeries(canvas, series, [], true);
  const ctx = canvas.getContext("2d"); // the axis titles: epochs along, the loss up
  ctx.save(); ctx.fillStyle = "#555"; ctx.font = "11px sans-serif";
  ctx.textAlign = "right"; ctx.fillText(t("epoch"), canvas.width - 6, canvas.height - 18);
  ctx.textAlign = "left"; ctx.fillText(t("loss"), 44, 12);
  ctx.restore();
}
