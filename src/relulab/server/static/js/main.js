// The page: one session reached through a transport (transport.js: a WebSocket in the browser, the widget's
// channel in a notebook); JSON messages (state, error, notes) and binary frames come in, small JSON messages
// go out. Frames are drawn at most once per animation frame. mount(root, transport) builds the page inside
// root (which holds index.html's markup); every element is looked up inside root, so that several widgets
// can share one document.
import { Controls } from "./controls.js";
import { NetworkView } from "./network.js";
import { renderAccuracy, renderCollapse, renderRegions, renderUnits, esc } from "./panels.js";
import { drawLegend, drawLine, drawPlane, drawSeries, drawThumb, imageOf } from "./plots.js";
import { Translator } from "./i18n.js";
import { LessonPanel } from "./lessons.js";

const EXPORTS = [["run.json", "run (config + weights JSON)"], ["model.pt", "PyTorch state_dict"], ["data.csv", "data CSV"],
  ["heatmap.png", "heatmap PNG"], ["heatmap.svg", "heatmap SVG"], ["regions.png", "region map PNG"], ["regions.svg", "region map SVG"]];

const PLAY_ICON = `<svg viewBox="0 0 24 24" width="26" height="26"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>`;
const PAUSE_ICON = `<svg viewBox="0 0 24 24" width="26" height="26"><path d="M6 5h4v14H6zM14 5h4v14h-4z" fill="currentColor"/></svg>`;

function decodeFrame(buf) {
  const n = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  return { header, parts: header.payload.map(([off, len]) => new Uint8Array(buf, 4 + n + off, len)) };
}

function makeApp(root, transport) {
  const $ = (id) => root.querySelector(`#${id}`);
  return {
    root, transport, $, seq: 0, state: null, frame: null, parts: null, pending: false,
    framesSeen: 0,

    send(msg) {
      if (!transport.send({ ...msg, seq: this.seq + 1 })) return this.toast("not connected to the server; reload the page");
      this.seq++;
    },
    config(change) { this.send({ type: "config", config: change }); },
    t(text, values) { return this.i18n.t(text, values); },
    openLink(link) { this.send({ type: "url", url: link }); },

    toast(text, kind = "error") {
      const t = document.createElement("div");
      t.className = `toast ${kind === "note" ? "note" : ""}`; t.textContent = text;
      $("toasts").appendChild(t);
      setTimeout(() => t.remove(), kind === "note" ? 9000 : 7000);
    },

    toggleFeature(name) {
      const feats = new Set(this.state.network.features);
      if (feats.has(name)) feats.delete(name); else feats.add(name);
      const order = this.registries.features.map((f) => f.name).filter((f) => feats.has(f));
      if (!order.length) return this.toast("at least one input feature is needed");
      this.config({ features: order });
    },
    changeNeurons(layer, delta) {
      const hidden = [...this.state.config.hidden], w = hidden[layer] + delta;
      if (w < 1) return this.toast("a layer needs at least one neuron; remove the layer with − instead");
      if (w > this.limits.max_neurons) return this.toast(`at most ${this.limits.max_neurons} neurons per layer`);
      hidden[layer] = w;
      this.config({ hidden });
    },
    setLayerActivation(layer, name) {
      const acts = [...this.state.network.activations];
      acts[layer] = name;
      this.config({ activation: acts.every((a) => a === acts[0]) ? acts[0] : acts });
    },

    editValue(e, label, target, current) {
      const ed = $("editor"), input = ed.querySelector("input");
      ed.querySelector("label").textContent = label;
      input.value = (current() ?? 0).toFixed(4);
      ed.style.left = `${Math.min(e.clientX + 8, innerWidth - 300)}px`; ed.style.top = `${e.clientY + 8}px`;
      ed.hidden = false; input.focus(); input.select();
      const done = (ok) => {
        const text = input.value.trim();
        if (ok && (text === "" || !Number.isFinite(Number(text)))) { // an empty edit is no value, not 0
          input.setCustomValidity(this.t("enter a number")); input.reportValidity();
          return this.toast(this.t("a weight needs a number; the edit was not applied (Escape cancels)"));
        }
        input.setCustomValidity("");
        ed.hidden = true; input.onkeydown = null; ed.querySelector("button").onclick = null;
        if (ok) this.send({ type: "edit", ...target, value: Number(text) });
      };
      input.onkeydown = (k) => { if (k.key === "Enter") done(true); if (k.key === "Escape") done(false); };
      ed.querySelector("button").onclick = () => done(true);
    },

    showEnlarged(e, node) {
      const box = $("enlarged");
      box.style.left = `${Math.min(e.clientX + 16, innerWidth - 180)}px`; box.style.top = `${Math.max(8, e.clientY - 90)}px`;
      box.querySelector(".cap").textContent = node.caption || "";
      box.hidden = false; this.redrawEnlarged(node);
    },
    hideEnlarged() { $("enlarged").hidden = true; },
    // hovering a link shows its weight (the value of the latest frame)
    showWeight(e, label, value) {
      const tip = $("weight-tip"), v = value();
      tip.textContent = `${label} = ${v === undefined ? "–" : v.toFixed(4)}`;
      tip.style.left = `${Math.max(4, Math.min(e.clientX + 12, innerWidth - 260))}px`; tip.style.top = `${e.clientY + 14}px`;
      tip.hidden = false;
    },
    hideWeight() { $("weight-tip").hidden = true; },
    redrawEnlarged(node) {
      const cv = $("enlarged").querySelector("canvas"), f = this.frame;
      if (!f) return;
      const first = f.mode === "plane" ? 1 : 0;
      if (node.thumb !== undefined) drawThumb(cv, this.parts[first + node.thumb], f.thumbs.res, f.mode);
      else if (f.mode === "plane") cv.getContext("2d").drawImage(imageOf(this.parts[0], f.heat.res, f.heat.kind), 0, 0, cv.width, cv.height);
    },

    onState(s) {
      this.state = s;
      transport.showLink(s.hash);
      if (s.view.lang !== this.i18n.lang) this.setLanguage(s.view.lang);
      this.lessons.setView(s.view);
      // while messages the server has not handled yet are on their way, the controls keep what the user set
      if (s.ack === null || s.ack === undefined || s.ack >= this.seq) this.controls.set(s);
      this.net.setState(s);
      this.lessons.applyHidden();
      $("exports").innerHTML = EXPORTS.map(([n, label]) => `<a href="${esc(transport.exportHref(n, this.exportQuery(n)) ?? "#")}" download data-export="${n}">${label}</a>`).join("");
      $("heatmap").classList.toggle("clickable", $("chk-click").checked);
      $("custom-note").hidden = !s.custom;
      this.requestDraw();
    },

    // Region maps need exact regions: where the panel refuses them, their export links say why instead.
    markExports(f) {
      const why = f.regions?.refused;
      $("exports").querySelectorAll('a[data-export^="regions"]').forEach((a) => {
        a.classList.toggle("disabled", Boolean(why));
        if (why) { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); a.title = why; }
        else if (!a.getAttribute("href")) { a.setAttribute("href", transport.exportHref(a.dataset.export, null) ?? "#"); a.removeAttribute("aria-disabled"); a.title = ""; }
      });
    },

    async setLanguage(lang) {
      if (this.langLoading === lang) return;
      this.langLoading = lang;
      await this.i18n.load(lang, (n) => transport.resource(n)); // then the lessons, whose panel uses the catalogue
      await this.lessons.load(lang);
      this.requestDraw();
    },

    exportQuery(name) {  // pictures carry their title and legend in the page's language
      const d = this.state.display, lang = this.state.view?.lang ?? "en";
      const q = name.startsWith("heatmap") ? { discretize: d.discretize, show_test: d.show_test_data } : {};
      if (lang !== "en" && /\.(png|svg)$/.test(name)) q.lang = lang;
      return Object.keys(q).length ? q : null;
    },

    // A frame carries only what changed: without thumbnails, curve or panels it keeps the last ones.
    onFrame(buf) {
      const { header, parts } = decodeFrame(buf);
      const first = header.mode === "plane" ? 1 : 0;
      const thumbs = header.thumbs ? parts.slice(first) : (this.parts || []).slice(this.frame?.mode === "plane" ? 1 : 0);
      this.frame = { ...(this.frame || {}), ...header };
      this.parts = [...parts.slice(0, first), ...thumbs];
      this.framesSeen++;
      this.requestDraw();
    },

    requestDraw() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    },

    draw() {
      const f = this.frame, s = this.state;
      if (!f || !s) return;
      const fmt = (v) => (v === null || v === undefined ? "–" : v.toFixed(3));
      $("epoch").textContent = String(f.epoch).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      $("test-loss").textContent = fmt(f.test_loss); $("train-loss").textContent = fmt(f.train_loss);
      $("acc-line").hidden = f.test_acc === null || f.test_acc === undefined;
      $("test-acc").textContent = fmt(f.test_acc); $("train-acc").textContent = fmt(f.train_acc);
      const play = $("btn-play");
      if (play.dataset.playing !== String(f.playing)) {
        play.dataset.playing = f.playing; play.classList.toggle("playing", f.playing);
        play.innerHTML = f.playing ? PAUSE_ICON : PLAY_ICON;
      }
      play.setAttribute("aria-label", f.playing ? "pause" : "play");
      if (f.curve !== this.drawnCurve) { // frames carry a new curve (and thumbnails) a few times a second
        drawSeries($("loss-curve"), [{ x: f.curve.epoch, y: f.curve.train, colour: "#999" }, { x: f.curve.epoch, y: f.curve.test, colour: "#111" }], [], true);
        this.drawnCurve = f.curve;
      }
      const ui = { showTest: s.display.show_test_data, discretize: s.display.discretize, regions: s.display.regions };
      if (f.mode === "plane" && f.heat) drawPlane($("heatmap"), f, this.parts[0], s, ui);
      else if (f.mode === "line") drawLine($("heatmap"), f, s, ui);
      root.querySelector(".legend").hidden = f.mode !== "plane" || f.heat?.kind === "classes";
      this.net.update(f, this.parts);
      renderRegions($, f, s); renderUnits($, f); renderAccuracy($, f, s); renderCollapse($, f);
      this.lessons.showCheck(f.lesson);
      this.markExports(f);
      root.dataset.epoch = f.epoch;
    },

    connect() {
      transport.connect({
        open: () => {
          $("status").textContent = "connected"; $("status").className = "status";
          const link = transport.initialLink();
          if (link) this.send({ type: "url", url: link });
        },
        message: (m) => {
          if (m.type === "state") this.onState(m);
          else if (m.type === "error") { this.toast(m.message); if (m.closed) $("status").textContent = m.message; }
          else if (m.type === "notes") m.notes.forEach((n) => this.toast(`link: ${n}`, "note"));
        },
        frame: (buf) => this.onFrame(buf),
        close: () => { $("status").textContent = "disconnected from the server: reload the page"; $("status").className = "status bad"; },
      });
    },

    async upload(kind, file, what) {
      const r = await transport.upload(kind, file);
      if (!r.ok) this.toast(`${this.t(what)}: ${r.body?.detail ?? r.status}`); // the detail is in the page's language
      else if (r.body?.labels) this.toast(`${what}: ${r.body.points} points; ${r.body.labels}. ${r.body.note}`, "note");
    },
  };
}

// Build the page inside root, talking to its session through transport; returns the app, not yet
// connected (call app.connect()).
export async function mount(root, transport) {
  const app = makeApp(root, transport), $ = app.$;
  const [reg, defaults, previews] = await Promise.all(["registries", "defaults", "previews"].map((p) => transport.resource(p)));
  app.registries = reg; app.limits = defaults.limits; app.previews = previews;
  app.i18n = new Translator(root);
  app.lessons = new LessonPanel(app);
  await app.lessons.load("en");
  app.controls = new Controls(app);
  app.net = new NetworkView($("network"), app);
  drawLegend($("legend"));
  $("btn-play").innerHTML = PLAY_ICON;
  $("btn-play").addEventListener("click", () => app.send({ type: "control", action: app.frame?.playing ? "pause" : "play" }));
  $("btn-step").addEventListener("click", () => app.send({ type: "control", action: "step" }));
  $("btn-reset").addEventListener("click", () => app.send({ type: "control", action: "reset" }));
  $("link-form").addEventListener("submit", (e) => { e.preventDefault(); const v = $("link-input").value.trim(); if (v) app.send({ type: "url", url: v }); });
  $("chk-click").addEventListener("change", (e) => $("heatmap").classList.toggle("clickable", e.target.checked));
  $("heatmap").addEventListener("click", (e) => {
    if (!$("chk-click").checked || !app.frame || app.frame.mode !== "plane") return;
    const r = e.target.getBoundingClientRect(), { lo, hi } = app.frame.heat;
    const x = lo + ((e.clientX - r.left) / r.width) * (hi - lo), y = hi - ((e.clientY - r.top) / r.height) * (hi - lo);
    app.send({ type: "point", x: [x, y], label: e.shiftKey ? -1 : 1 });
  });
  $("file-csv").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) app.upload("upload", f, "CSV upload"); e.target.value = ""; });
  $("file-run").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) app.upload("import", f, "import"); e.target.value = ""; });
  $("exports").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-export]");
    if (!a || !transport.download) return; // a transport with download() gives no export links
    e.preventDefault();
    const name = a.dataset.export;
    transport.download(name, app.exportQuery(name)).then((r) => { if (!r.ok) app.toast(`export ${name}: ${r.body?.detail ?? r.status}`); });
  });
  $("sel-lang").addEventListener("change", (e) => app.send({ type: "ui", lang: e.target.value }));
  addEventListener("resize", () => { app.net.key = ""; if (app.state) { app.net.setState(app.state); app.requestDraw(); } });
  return app;
}

