// The network drawing: feature nodes, hidden units with live thumbnails, the output node, and the
// weights as links (colour = sign, width = magnitude). Links and bias squares are editable.
import { drawThumb, valueColour, imageOf } from "./plots.js";

const NODE = 40, GAP = 52, TOP = 62, PM = 2 * 24 + 4, SVG_NS = "http://www.w3.org/2000/svg";

// Set o[key] only when it differs: a write of the same value still costs the page a style pass.
const put = (o, key, v) => { if (o[key] !== v) o[key] = v; };

export class NetworkView {
  constructor(root, app) {
    this.root = root; this.app = app; this.key = ""; this.hover = null;
  }

  // Rebuild the drawing when the architecture (features, widths, activations) changes.
  setState(state) {
    const reg = this.app.registries, n = state.network;
    const gone = this.app.lessons?.hiddenFeatures || new Set(); // a classroom link's x_hide ...: no node
    const feats = reg.features.filter((f) => (state.data.input_dim >= 2 || !f.needs_x2) && !gone.has(f.name));
    const key = JSON.stringify([n, feats.map((f) => f.name), state.perceptron, this.root.clientWidth, [...gone]]);
    if (key === this.key) return;
    this.key = key; this.state = state;
    this.root.innerHTML = "";
    const W = Math.max(this.root.clientWidth, 300), cols = n.hidden.length + 2;  // a phone: no wider than the page
    const margin = W < 420 ? 52 : 70;
    const colX = (c) => margin + (c * (W - 2 * margin)) / (cols - 1);
    // nodes shrink when the columns are close (a phone, many layers), so that links stay visible between them
    this.size = Math.max(18, Math.min(NODE, Math.floor(((W - 2 * margin) / (cols - 1)) * 0.62)));
    // a layer's +/- side by side need PM px; in narrower columns (a phone, many layers) they stack, and the
    // nodes start lower to leave the taller head its room
    const room = Math.min(96, colX(1) - colX(0) - 6), narrow = room < PM, top = narrow ? TOP + 34 : TOP;
    const H = top + Math.max(feats.length, ...n.hidden, 1) * GAP;
    this.root.style.height = `${H}px`;
    this.svg = document.createElementNS(SVG_NS, "svg");
    this.svg.setAttribute("class", "links"); this.svg.setAttribute("width", W); this.svg.setAttribute("height", H);
    this.root.appendChild(this.svg);
    this.nodes = []; // [{el, canvas, kind, layer, unit, thumb}]
    const active = new Set(n.features);
    this.featurePos = {};
    feats.forEach((f, i) => {
      const on = active.has(f.name), node = this.node(colX(0), top + i * GAP, `feature ${on ? "" : "off"}`);
      node.el.title = `${f.label}: click to turn ${on ? "off" : "on"}`; node.el.dataset.feature = f.name;
      node.el.insertAdjacentHTML("beforeend", `<span class="label">${f.label}</span>`);
      node.el.addEventListener("click", () => this.app.toggleFeature(f.name));
      if (on) { node.thumb = n.features.indexOf(f.name); node.caption = f.label; this.featurePos[f.name] = node; }
    });
    this.layers = [n.features.map((name) => this.featurePos[name])];
    let t = n.features.length;
    n.hidden.forEach((w, l) => {
      const layer = [];
      for (let u = 0; u < w; u++) {
        const node = this.node(colX(l + 1), top + u * GAP, "hidden");
        node.thumb = t++; node.layer = l; node.unit = u; node.caption = `layer ${l + 1}, unit ${u + 1} (${n.activations[l]})`;
        this.bias(node, l, u); layer.push(node);
        node.el.insertAdjacentHTML("beforeend", `<span class="slope"></span>`);
      }
      this.layers.push(layer);
      this.layerHead(colX(l + 1), l, w, n.activations[l], room, narrow);
    });
    const out = [];
    for (let k = 0; k < n.outputs; k++) {
      const node = this.node(colX(cols - 1) - 6, top + k * GAP, "output");
      node.output = k; node.caption = n.outputs > 1 ? `output ${k} (logit of class ${k})` : "output";
      if (n.outputs > 1 && state.data.input_dim >= 2) node.thumb = t + k;
      this.bias(node, n.hidden.length, k); out.push(node);
    }
    this.layers.push(out);
    this.links = [];
    for (let l = 0; l + 1 < this.layers.length; l++) {
      this.layers[l + 1].forEach((dst, j) => this.layers[l].forEach((src, i) => {
        if (!src) return; // a feature a classroom link removed (x_hide=true): no node, no links
        const p = document.createElementNS(SVG_NS, "path"), x1 = src.x + src.size, y1 = src.y + src.size / 2;
        const x2 = dst.x, y2 = dst.y + dst.size / 2, mx = (x1 + x2) / 2;
        p.setAttribute("d", `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
        const label = `weight: ${src.caption || "input"} → ${dst.caption}`; // translated where it is shown
        p.addEventListener("click", (e) => this.app.editValue(e, label,
          { layer: l, kind: "weight", row: j, col: i }, () => this.weights?.[l]?.[j]?.[i]));
        p.addEventListener("mouseenter", (e) => this.app.showWeight(e, label, () => this.weights?.[l]?.[j]?.[i]));
        p.addEventListener("mousemove", (e) => this.app.showWeight(e, label, () => this.weights?.[l]?.[j]?.[i]));
        p.addEventListener("mouseleave", () => this.app.hideWeight());
        p.dataset.link = `${l}:${j}:${i}`;
        p.setAttribute("stroke-opacity", "0.8");
        this.svg.appendChild(p); this.links.push({ p, l, i, j });
      }));
    }
  }

  node(x, y, cls) {
    const el = document.createElement("div");
    el.className = `node ${cls}`; el.style.left = `${x}px`; el.style.top = `${y}px`;
    const canvas = document.createElement("canvas"); canvas.width = 80; canvas.height = 80;
    el.appendChild(canvas); this.root.appendChild(el);
    const size = cls === "output" ? Math.round(this.size * 1.3) : this.size;
    if (size !== NODE && cls !== "output" || cls === "output" && size !== 52) { el.style.width = `${size}px`; el.style.height = `${size}px`; }
    const node = { el, canvas, x, y, size };
    el.addEventListener("mouseenter", (e) => { this.hover = node; this.app.showEnlarged(e, node); });
    el.addEventListener("mouseleave", () => { this.hover = null; this.app.hideEnlarged(); });
    this.nodes.push(node);
    return node;
  }

  bias(node, layer, unit) {
    const b = document.createElement("div");
    b.className = "bias"; b.title = "bias: click to edit";
    b.addEventListener("click", (e) => { e.stopPropagation();
      this.app.editValue(e, `bias: ${node.caption}`, { layer, kind: "bias", row: unit }, () => this.biases?.[layer]?.[unit]); });
    node.el.appendChild(b); node.biasEl = b; node.biasLayer = layer; node.biasUnit = unit;
  }

  // The +/- buttons, width and activation menu of a hidden layer, no wider than the column spacing (narrow:
  // the buttons one above the other).
  layerHead(x, l, width, act, room, narrow) {
    const head = document.createElement("div");
    head.className = `layer-head${narrow ? " narrow" : ""}`; head.style.left = `${x + this.size / 2 - room / 2}px`; head.style.top = "0px";
    head.style.width = `${room}px`;
    const opts = this.app.registries.activations.map((a) => `<option ${a.name === act ? "selected" : ""}>${a.name}</option>`).join("");
    const words = `${width} neuron${width > 1 ? "s" : ""}`; // narrow: the number, its words on hover
    head.innerHTML = `<div class="pm"><button class="round tiny" data-d="1" title="Add a neuron">+</button>` +
      `<button class="round tiny" data-d="-1" title="Remove a neuron">&minus;</button></div>` +
      (narrow ? `<div title="${words}">${width}</div>` : `<div>${words}</div>`) +
      `<select data-hide="activation" aria-label="activation of layer ${l + 1}" style="max-width:${room - 4}px">${opts}</select>`;
    head.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => this.app.changeNeurons(l, +b.dataset.d)));
    head.querySelector("select").addEventListener("change", (e) => this.app.setLayerActivation(l, e.target.value));
    this.root.appendChild(head);
  }

  // Per frame: thumbnails, link colours and widths, biases, dead units, PReLU slopes.
  update(frame, parts) {
    if (!this.nodes) return;
    this.weights = frame.weights; this.biases = frame.biases;
    const mode = frame.mode, first = mode === "plane" ? 1 : 0, res = frame.thumbs.res;
    for (const node of this.nodes) {
      const thumb = node.thumb !== undefined && parts[first + node.thumb];
      if (thumb && node.drawn !== thumb) { // drawn when a new one comes (a few times a second), not every frame
        node.drawn = thumb; drawThumb(node.canvas, thumb, res, mode);
      } else if (!thumb && node.output !== undefined) this.drawOutput(node.canvas, frame, parts);
      const bias = node.biasEl && valueColour(frame.biases[node.biasLayer]?.[node.biasUnit] ?? 0);
      if (bias && node.bias !== bias) { node.bias = bias; node.biasEl.style.background = bias; } // read back, it is rgb(r, g, b)
    }
    for (const link of this.links) { // attributes written only when they change: each write costs a style pass
      const w = frame.weights[link.l]?.[link.j]?.[link.i] ?? 0;
      const stroke = valueColour(Math.sign(w) * Math.max(0.35, Math.min(1, Math.abs(w))));
      const width = Math.min(10, 1 + Math.abs(w) * 1.8).toFixed(2);
      if (link.stroke !== stroke) { link.stroke = stroke; link.p.setAttribute("stroke", stroke); }
      if (link.width !== width) { link.width = width; link.p.setAttribute("stroke-width", width); }
    }
    const diag = frame.diagnostics;
    this.layers.slice(1, -1).forEach((layer, l) => {
      const dead = new Set(diag?.layers?.[l]?.dead || []), slopes = frame.prelu?.[l];
      layer.forEach((node, u) => {
        node.el.classList.toggle("dead", dead.has(u));
        put(node.el, "title", dead.has(u) ? "dead: never active on the training data (its gradient is always 0)" : node.caption);
        put(node.slope ??= node.el.querySelector(".slope"), "textContent", slopes ? `a = ${slopes[u].toFixed(3)}` : "");
      });
    });
    if (this.hover) this.app.redrawEnlarged(this.hover);
  }

  drawOutput(canvas, frame, parts) {
    const ctx = canvas.getContext("2d");
    if (frame.mode === "plane") ctx.drawImage(imageOf(parts[0], frame.heat.res, frame.heat.kind), 0, 0, canvas.width, canvas.height);
    else {
      const ys = frame.line.y.map((v) => v ?? 0), lo = Math.min(...ys), hi = Math.max(...ys, lo + 1e-9);
      const bytes = ys.map((v) => Math.round(((v - lo) / (hi - lo)) * 255));
      drawThumb(canvas, bytes, ys.length, "line");
    }
  }
}
