// Canvas drawing: the colour scale, the output heatmap (with points and regions), the 1-D plot,
// neuron thumbnails, the loss curve and the region-count chart. Pure functions of their arguments.

const STOPS = [[245, 147, 34], [232, 234, 235], [8, 119, 189]]; // orange (-1), grey (0), blue (+1)
export const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                               "#bcbd22", "#17becf"];  // one per class, up to the 10 a CSV may have

// 256-entry RGB lookup for a byte b: value v = b / 127.5 - 1 in [-1, 1].
export const LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let b = 0; b < 256; b++) {
    const v = b / 127.5 - 1, t = Math.abs(v), [a, c] = v < 0 ? [STOPS[1], STOPS[0]] : [STOPS[1], STOPS[2]];
    for (let k = 0; k < 3; k++) lut[3 * b + k] = Math.round(a[k] + (c[k] - a[k]) * t);
  }
  return lut;
})();

export function valueColour(v) {
  const b = Math.max(0, Math.min(255, Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5)));
  return `rgb(${LUT[3 * b]},${LUT[3 * b + 1]},${LUT[3 * b + 2]})`;
}

function hexRgb(h) { return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); }

// An offscreen canvas holding res x res bytes as colours (signed scale, or one colour per class), to be
// drawn at once: one scratch canvas per size is reused (a new canvas per picture per frame was the
// page's largest cost while playing).
const SCRATCH = new Map();
export function imageOf(bytes, res, kind = "signed", discretize = false) {
  let sc = SCRATCH.get(res);
  if (!sc) {
    const cv = document.createElement("canvas");
    cv.width = res; cv.height = res;
    const ctx = cv.getContext("2d");
    sc = { cv, ctx, img: ctx.createImageData(res, res) };
    SCRATCH.set(res, sc);
  }
  const { cv, ctx, img } = sc, d = img.data;
  const pal = CLASS_COLOURS.map(hexRgb);
  for (let i = 0; i < res * res; i++) {
    let r, g, b;
    if (kind === "classes") {
      [r, g, b] = pal[bytes[i] % pal.length];
      r = (r + 2 * 255) / 3; g = (g + 2 * 255) / 3; b = (b + 2 * 255) / 3; // lighter, as a background
    } else {
      let q = bytes[i];
      if (discretize) q = q >= 128 ? 255 : 0;
      r = LUT[3 * q]; g = LUT[3 * q + 1]; b = LUT[3 * q + 2];
    }
    d[4 * i] = r; d[4 * i + 1] = g; d[4 * i + 2] = b; d[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return cv;
}

function pointColour(y, data) {
  if (data.problem === "regression") return valueColour(y);
  if (data.num_classes > 2) return CLASS_COLOURS[y % CLASS_COLOURS.length];
  return y > 0 ? "#0877bd" : "#f59322";
}

// A round tick step (1, 2 or 5 times a power of ten) giving about `n` ticks over `span`.
export function tickStep(span, n = 6) {
  const raw = span / n, p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

const tickLabel = (v, step) => (Math.abs(v) < step / 1e6 ? "0" : String(Number(v.toFixed(Math.max(0, -Math.floor(Math.log10(step)))))));

// Axis ticks inside the edges of a plot: x along the bottom, y along the left (each when given).
export function drawTicks(ctx, W, H, x, y) {
  ctx.save();
  ctx.font = `${10 * (window.devicePixelRatio || 1) * (W < 200 ? 0.9 : 1)}px sans-serif`;
  ctx.fillStyle = "rgba(0,0,0,0.6)"; ctx.strokeStyle = "rgba(0,0,0,0.6)"; ctx.lineWidth = 1;
  for (const [axis, r] of [["x", x], ["y", y]]) {
    if (!r) continue;
    const room = (axis === "x" ? W : H) / (window.devicePixelRatio || 1);  // about one tick per 45 px
    const [lo, hi] = r, step = tickStep(hi - lo, Math.max(2, Math.min(6, Math.floor(room / 45))));
    for (let v = Math.ceil(lo / step) * step; v <= hi + step / 1e6; v += step) {
      const t = (v - lo) / (hi - lo), label = tickLabel(v, step);
      ctx.beginPath();
      if (axis === "x") { const px = t * W; ctx.moveTo(px, H); ctx.lineTo(px, H - 4); ctx.stroke(); if (px > 8 && px < W - 16) ctx.fillText(label, px + 2, H - 5); }
      else { const py = H - t * H; ctx.moveTo(0, py); ctx.lineTo(4, py); ctx.stroke(); if (py > 10 && py < H - 14) ctx.fillText(label, 6, py + 3); }
    }
  }
  ctx.restore();
}

// A data set's thumbnail for its button: a few of its points.
export function drawPreview(canvas, p) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  const [lo, hi] = p.domain;
  let ylo = lo, yhi = hi;
  if (p.input_dim === 1) { const ys = p.y.filter((v) => v !== null); ylo = Math.min(...ys); yhi = Math.max(...ys, ylo + 1e-9); }
  p.x.forEach((pt, i) => {
    const x = pt[0], y = p.input_dim === 1 ? p.y[i] : pt[1];
    ctx.fillStyle = p.input_dim === 1 ? "#0877bd" : pointColour(p.y[i], p);
    ctx.fillRect(((x - lo) / (hi - lo)) * W - 1, H - ((y - ylo) / (yhi - ylo)) * H - 1, 2, 2);
  });
}

// The region polygons as one Path2D, built once per analysis (frames in between redraw it whole:
// 10^4 polygons stay one stroke call per frame).
let overlayCache = { polygons: null, key: "", path: null };
function overlayPath(reg, sx, sy, W, H, lo, hi) {
  const key = `${W}x${H}:${lo}:${hi}`;
  if (overlayCache.polygons !== reg.polygons || overlayCache.key !== key) {
    const path = new Path2D();
    for (const p of reg.polygons) {
      for (let i = 0; i < p.length; i += 2) (i ? path.lineTo : path.moveTo).call(path, sx(p[i]), sy(p[i + 1]));
      path.closePath();
    }
    overlayCache = { polygons: reg.polygons, key, path };
  }
  return overlayCache.path;
}

// The 2-D output: heatmap, region polygons and decision boundary, then the points.
export function drawPlane(canvas, frame, heatBytes, state, ui) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const { lo, hi, res, kind } = frame.heat;
  ctx.imageSmoothingEnabled = !ui.discretize;
  ctx.drawImage(imageOf(heatBytes, res, kind, ui.discretize), 0, 0, W, H);
  const sx = (x) => ((x - lo) / (hi - lo)) * W, sy = (y) => ((hi - y) / (hi - lo)) * H;
  const reg = frame.regions || {};
  if (ui.regions && reg.polygons) {
    ctx.strokeStyle = "rgba(20,20,20,0.45)"; ctx.lineWidth = 0.8;
    ctx.stroke(overlayPath(reg, sx, sy, W, H, lo, hi));
  }
  if (ui.regions && reg.boundary) {
    ctx.strokeStyle = "#111"; ctx.lineWidth = 2.4; ctx.lineCap = "round";
    for (const [x0, y0, x1, y1] of reg.boundary) {
      ctx.beginPath(); ctx.moveTo(sx(x0), sy(y0)); ctx.lineTo(sx(x1), sy(y1)); ctx.stroke();
    }
  }
  ctx.drawImage(pointsLayer(state.data, ui.showTest, W, H, lo, hi), 0, 0);
}

// The points and ticks over the heatmap, drawn once per data set, size and view into a layer of their own
// (hundreds of circles in every frame were most of the heatmap's cost).
let pointsCache = null;
function pointsLayer(data, showTest, W, H, lo, hi) {
  const c = pointsCache, dpr = window.devicePixelRatio || 1;
  if (c && c.data === data && c.showTest === showTest && c.W === W && c.H === H && c.lo === lo && c.hi === hi &&
      c.dpr === dpr) return c.cv;
  const cv = c?.cv ?? document.createElement("canvas");
  cv.width = W; cv.height = H;
  const ctx = cv.getContext("2d");
  const sx = (x) => ((x - lo) / (hi - lo)) * W, sy = (y) => ((hi - y) / (hi - lo)) * H;
  const sets = [["train", "#fff"]];
  if (showTest) sets.push(["test", "#000"]);
  for (const [name, stroke] of sets) {
    const pts = data[name];
    ctx.lineWidth = 1; ctx.strokeStyle = stroke;
    for (let i = 0; i < pts.x.length; i++) {
      ctx.beginPath(); ctx.arc(sx(pts.x[i][0]), sy(pts.x[i][1]), 3, 0, 2 * Math.PI);
      ctx.fillStyle = pointColour(pts.y[i], data); ctx.fill(); ctx.stroke();
    }
  }
  drawTicks(ctx, W, H, [lo, hi], [lo, hi]);
  pointsCache = { data, showTest, W, H, lo, hi, dpr, cv };
  return cv;
}

// The 1-D lab: data, the fitted curve over twice the data range, kinks, the extrapolation zone.
export function drawLine(canvas, frame, state, ui) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, L = frame.line;
  const ys = [...L.y.filter((v) => v !== null), ...state.data.train.y, ...state.data.test.y];
  let ymin = Math.min(...ys), ymax = Math.max(...ys);
  const span = Math.max(ymax - ymin, 1e-3); ymin -= 0.08 * span; ymax += 0.08 * span;
  const sx = (x) => ((x - L.lo) / (L.hi - L.lo)) * W, sy = (y) => H - ((y - ymin) / (ymax - ymin)) * H;
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#f1f1f1";
  ctx.fillRect(0, 0, sx(L.data_lo), H); ctx.fillRect(sx(L.data_hi), 0, W - sx(L.data_hi), H);
  ctx.fillStyle = "#999"; ctx.font = "11px sans-serif";
  ctx.fillText("extrapolation", 6, 14); ctx.fillText("extrapolation", W - 78, 14);
  ctx.strokeStyle = "#ccc"; ctx.beginPath(); ctx.moveTo(0, sy(0)); ctx.lineTo(W, sy(0)); ctx.stroke();
  const sets = [["train", "#f59322"]];
  if (ui.showTest) sets.push(["test", "#777"]);
  for (const [name, col] of sets) {
    ctx.fillStyle = col;
    const p = state.data[name];
    for (let i = 0; i < p.x.length; i++) { ctx.beginPath(); ctx.arc(sx(p.x[i][0]), sy(p.y[i]), 2.2, 0, 7); ctx.fill(); }
  }
  ctx.strokeStyle = "#0877bd"; ctx.lineWidth = 2; ctx.beginPath();
  L.x.forEach((x, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, sx(x), sy(L.y[i] ?? 0)));
  ctx.stroke();
  const kinks = (frame.regions && frame.regions.bends) || [];
  ctx.fillStyle = "#111";
  for (const k of kinks) {
    const j = Math.min(L.x.length - 1, Math.max(0, Math.round(((k - L.lo) / (L.hi - L.lo)) * (L.x.length - 1))));
    ctx.beginPath(); ctx.arc(sx(k), sy(L.y[j] ?? 0), 3.2, 0, 7); ctx.fill();
  }
  drawTicks(ctx, W, H, [L.lo, L.hi], [ymin, ymax]);
}

// A neuron thumbnail: an image (2-D) or a small curve (1-D).
export function drawThumb(canvas, bytes, res, mode) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  if (mode === "plane") {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(imageOf(bytes, res), 0, 0, W, H);
    return;
  }
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = "#ddd"; ctx.beginPath(); ctx.moveTo(0, H / 2); ctx.lineTo(W, H / 2); ctx.stroke();
  ctx.strokeStyle = "#0877bd"; ctx.lineWidth = Math.max(1, W / 40); ctx.beginPath();
  for (let i = 0; i < res; i++) {
    const x = (i / (res - 1)) * W, y = H - (bytes[i] / 255) * (H - 4) - 2;
    (i ? ctx.lineTo : ctx.moveTo).call(ctx, x, y);
  }
  ctx.stroke();
}

// A canvas's CSS size, kept by a ResizeObserver: reading clientWidth in every frame forced a layout after
// the frame's DOM writes.
const SIZES = new WeakMap();
const watch = typeof ResizeObserver === "undefined" ? null : new ResizeObserver((es) => {
  for (const e of es) SIZES.set(e.target, [e.contentRect.width, e.contentRect.height]);
});

function fit(canvas) {
  let size = SIZES.get(canvas);
  if (!size) { size = [canvas.clientWidth, canvas.clientHeight]; SIZES.set(canvas, size); watch?.observe(canvas); }
  const w = size[0] || canvas.width, r = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * r)) { canvas.width = Math.round(w * r); canvas.height = Math.round(size[1] * r || canvas.height); }
  return [canvas.getContext("2d"), canvas.width, canvas.height];
}

// Series: [{x: [...], y: [...], colour}], y from 0 (or the smallest value) to the largest;
// `ticks`: axis ticks (epochs along the bottom, values on the left).
export function drawSeries(canvas, series, hlines = [], ticks = false) {
  const [ctx, W, H] = fit(canvas);
  ctx.clearRect(0, 0, W, H);
  const xs = series.flatMap((s) => s.x), ys = series.flatMap((s) => s.y).filter((v) => v !== null && isFinite(v));
  if (!xs.length || !ys.length) return;
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const hv = hlines.map((h) => h.y).filter((v) => v <= 1.6 * Math.max(...ys));
  const y0 = Math.min(0, ...ys), y1 = Math.max(...ys, ...hv) * 1.05 || 1;
  const sx = (x) => 2 + ((x - x0) / (x1 - x0)) * (W - 4), sy = (y) => H - 2 - ((y - y0) / (y1 - y0 || 1)) * (H - 4);
  const drawn = new Set();
  for (const h of hlines) {
    if (h.y > y1 || drawn.has(h.y)) continue;
    drawn.add(h.y);
    ctx.strokeStyle = h.colour; ctx.setLineDash([4, 3]); ctx.beginPath(); ctx.moveTo(0, sy(h.y)); ctx.lineTo(W, sy(h.y)); ctx.stroke();
    ctx.setLineDash([]); ctx.fillStyle = h.colour; ctx.font = `${10 * (window.devicePixelRatio || 1)}px sans-serif`;
    ctx.fillText(h.label, 4, sy(h.y) - 3);
  }
  for (const s of series) {
    ctx.strokeStyle = s.colour; ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1); ctx.beginPath();
    let started = false;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (y === null || !isFinite(y)) return;
      (started ? ctx.lineTo : ctx.moveTo).call(ctx, sx(x), sy(y)); started = true;
    });
    ctx.stroke();
  }
  if (ticks) drawTicks(ctx, W, H, [x0, x1], [y0, y1]);
}

export function drawLegend(canvas) {
  const ctx = canvas.getContext("2d"), W = canvas.width;
  for (let i = 0; i < W; i++) { ctx.fillStyle = valueColour((i / (W - 1)) * 2 - 1); ctx.fillRect(i, 0, 1, canvas.height); }
}
