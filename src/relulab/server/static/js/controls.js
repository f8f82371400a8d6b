// The controls: built from the server's registries, set from each state message, and every change
// sent as a message. The page keeps no training state of its own.
// Elements are looked up with app.$ (inside the page's root, see main.js).
import { drawPreview } from "./plots.js";
const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const SPEEDS = [1, 2, 5, 10, 20, 50];

function fill(sel, values, label = (v) => v) {
  sel.innerHTML = values.map((v) => `<option value="${v}">${label(v)}</option>`).join("");
}

function choose(sel, value) { // select value, adding it when a link brought one the list lacks
  const v = String(value);
  if (![...sel.options].some((o) => o.value === v)) sel.insertAdjacentHTML("beforeend", `<option value="${v}">${v}</option>`);
  sel.value = v;
}

export class Controls {
  constructor(app) {
    this.app = app;
    const reg = app.registries, $ = app.$;
    fill($("sel-lr"), LRS);
    fill($("sel-regrate"), REG_RATES);
    fill($("sel-activation"), reg.activations.map((a) => a.name));
    fill($("sel-reg"), reg.regularizations, (v) => (v === "none" ? "None" : v.toUpperCase()));
    fill($("sel-problem"), [...new Set(reg.datasets.map((d) => d.problem))], (v) => v[0].toUpperCase() + v.slice(1));
    fill($("sel-optimizer"), reg.optimizers);
    fill($("sel-loss"), reg.losses.map((l) => l.name));
    fill($("sel-init"), reg.inits);
    fill($("sel-speed"), SPEEDS.filter((s) => s <= app.limits.max_epochs_per_frame));
    const cfg = (field, parse = (v) => v) => (e) => app.config({ [field]: parse(e.target.value) });
    $("sel-lr").addEventListener("change", cfg("lr", Number));
    $("sel-regrate").addEventListener("change", cfg("reg_rate", Number));
    $("sel-activation").addEventListener("change", cfg("activation"));
    $("sel-reg").addEventListener("change", cfg("regularization"));
    $("sel-optimizer").addEventListener("change", cfg("optimizer"));
    $("sel-loss").addEventListener("change", cfg("loss"));
    $("sel-init").addEventListener("change", cfg("init"));
    $("sel-problem").addEventListener("change", (e) => this.pickDataset(reg.datasets.find((d) => d.problem === e.target.value).name));
    $("sel-speed").addEventListener("change", (e) => app.send({ type: "ui", speed: Number(e.target.value) }));
    for (const [id, out, field, parse] of [["rng-ratio", "val-ratio", "train_ratio", (v) => v / 100],
      ["rng-noise", "val-noise", "noise", (v) => v / 100], ["rng-batch", "val-batch", "batch_size", (v) => v]]) {
      $(id).addEventListener("input", (e) => { $(out).textContent = e.target.value; });
      $(id).addEventListener("change", (e) => app.config({ [field]: parse(Number(e.target.value)) }));
    }
    $("inp-formula").addEventListener("change", (e) => app.config({ formula: e.target.value.trim() }));
    $("inp-npoints").addEventListener("change", (e) => app.config({ n_points: Number(e.target.value) }));
    $("inp-dataseed").addEventListener("change", (e) => app.config({ data_seed: e.target.value }));
    $("inp-weightseed").addEventListener("change", (e) => app.config({ weight_seed: Number(e.target.value) }));
    $("btn-regenerate").addEventListener("click", () => app.send({ type: "control", action: "regenerate" }));
    $("btn-newweights").addEventListener("click", () => app.send({ type: "control", action: "new_weights" }));
    $("btn-clearpoints").addEventListener("click", () => app.send({ type: "point", op: "clear" }));
    $("chk-perceptron").addEventListener("change", (e) => app.send({ type: "ui", perceptron: e.target.checked }));
    $("chk-test").addEventListener("change", (e) => app.send({ type: "ui", show_test_data: e.target.checked }));
    $("chk-discretize").addEventListener("change", (e) => app.send({ type: "ui", discretize: e.target.checked }));
    $("chk-regions").addEventListener("change", (e) => app.send({ type: "ui", regions: e.target.checked }));
    $("btn-addlayer").addEventListener("click", () => this.changeLayers(+1));
    $("btn-rmlayer").addEventListener("click", () => this.changeLayers(-1));
    this.buildDatasets();
  }

  buildDatasets() {
    const $ = this.app.$;
    const groups = [["playground", (d) => d.playground], ["relulab extras (2-D)", (d) => !d.playground && d.input_dim === 2],
      ["1-D lab: fit a function of x", (d) => d.input_dim === 1]];
    this.dsButtons = {}; this.groupHeads = [];
    const root = $("datasets");
    root.innerHTML = "";
    for (const [title, keep] of groups) {
      const list = this.app.registries.datasets.filter(keep);
      if (!list.length) continue;
      const head = document.createElement("div");
      head.className = "group"; head.textContent = title; root.appendChild(head);
      this.groupHeads.push([head, list.map((d) => d.problem)]);
      for (const d of list) {
        const b = document.createElement("button");
        b.className = "ds"; b.dataset.name = d.name; b.dataset.problem = d.problem;
        const pv = this.app.previews?.[d.name];
        if (pv) { const cv = document.createElement("canvas"); cv.width = 30; cv.height = 30; drawPreview(cv, pv); b.appendChild(cv); }
        b.appendChild(document.createTextNode(d.name));
        b.title = `${d.description || d.name} (${d.problem}${d.num_classes > 2 ? `, ${d.num_classes} classes` : ""})`;
        b.addEventListener("click", () => this.pickDataset(d.name));
        root.appendChild(b); this.dsButtons[d.name] = b;
      }
    }
  }

  // A data set, with a loss that fits it and the features its dimension allows.
  pickDataset(name) {
    const $ = this.app.$;
    const reg = this.app.registries, d = reg.datasets.find((x) => x.name === name), cfg = this.app.state.config;
    const fits = (l) => l.problems.includes(d.problem) && (l.max_classes === null || d.num_classes <= l.max_classes);
    const change = { dataset: name };
    if (!fits(reg.losses.find((l) => l.name === cfg.loss))) change.loss = reg.losses.find(fits).name;
    const feats = cfg.features || null;
    if (feats && d.input_dim < 2) {
      const ok = feats.filter((f) => !reg.features.find((x) => x.name === f).needs_x2);
      change.features = ok.length ? ok : null;
    }
    change.n_points = null;
    if (name === "formula") change.formula = $("inp-formula").value.trim() || "sin(2*x)";
    else if (cfg.formula !== null && cfg.formula !== undefined) change.formula = null;
    this.app.config(change);
  }

  changeLayers(delta) {
    const cfg = this.app.state.config, hidden = [...cfg.hidden];
    if (delta > 0) {
      if (hidden.length >= this.app.limits.max_layers) return this.app.toast(`at most ${this.app.limits.max_layers} hidden layers`);
      hidden.push(2);
    } else hidden.pop();
    const change = { hidden };
    if (typeof cfg.activation !== "string") {
      const acts = [...cfg.activation];
      if (delta > 0) acts.push(acts[acts.length - 1] || "relu"); else acts.pop();
      change.activation = acts.length ? acts : acts[0] || "relu";
      if (!acts.length) change.activation = "relu";
    }
    this.app.config(change);
  }

  // One input per parameter of the activations in use (leaky slope, ELU alpha, PReLU's initial slope...).
  setParams(state) {
    const $ = this.app.$;
    const reg = this.app.registries, names = new Set(state.network.activations), params = {};
    for (const a of reg.activations) if (names.has(a.name)) Object.assign(params, a.params);
    const root = $("act-params"), key = Object.keys(params).join(",");
    if (root.dataset.key !== key) {
      root.dataset.key = key;
      root.innerHTML = Object.keys(params).map((p) => `<div class="field extra"><label>${p}</label>` +
        `<input type="number" step="any" data-param="${p}"></div>`).join("");
      root.querySelectorAll("input").forEach((inp) => inp.addEventListener("change", (e) => {
        const value = Number(e.target.value);
        this.app.config({ activation_params: { ...this.app.state.config.activation_params, [e.target.dataset.param]: value } });
      }));
    }
    root.querySelectorAll("input").forEach((inp) => {
      const p = inp.dataset.param, v = state.config.activation_params[p];
      if (document.activeElement !== inp) inp.value = v ?? params[p];
    });
  }

  set(state) {
    const c = state.config, d = state.data, $ = this.app.$;
    choose($("sel-lr"), c.lr); choose($("sel-regrate"), c.reg_rate);
    const acts = typeof c.activation === "string" ? null : c.activation;
    const uniform = !acts || acts.every((a) => a === acts[0]);
    const sel = $("sel-activation");
    [...sel.options].filter((o) => o.value === "(per layer)").forEach((o) => o.remove());
    if (uniform) choose(sel, acts ? acts[0] || c.activation : c.activation);
    else { sel.insertAdjacentHTML("afterbegin", `<option value="(per layer)" disabled>(per layer)</option>`); sel.value = "(per layer)"; }
    choose($("sel-reg"), c.regularization); choose($("sel-problem"), d.problem === "regression" ? "regression" : "classification");
    choose($("sel-optimizer"), c.optimizer); choose($("sel-loss"), c.loss); choose($("sel-init"), c.init); choose($("sel-speed"), state.display.speed);
    $("rng-ratio").value = Math.round(c.train_ratio * 100); $("val-ratio").textContent = Math.round(c.train_ratio * 100);
    $("rng-noise").value = Math.round(c.noise * 100); $("val-noise").textContent = Math.round(c.noise * 100);
    $("rng-batch").value = c.batch_size; $("val-batch").textContent = c.batch_size;
    const spec = this.app.registries.datasets.find((x) => x.name === c.dataset);
    $("inp-npoints").value = state.custom ? d.train.x.length + d.test.x.length : c.n_points ?? spec.default_n;
    $("inp-dataseed").value = c.data_seed; $("inp-weightseed").value = c.weight_seed;
    $("chk-test").checked = state.display.show_test_data; $("chk-discretize").checked = state.display.discretize;
    $("chk-regions").checked = state.display.regions; $("chk-perceptron").checked = state.perceptron;
    for (const [name, b] of Object.entries(this.dsButtons)) {
      b.classList.toggle("selected", name === c.dataset && !state.custom);
      b.hidden = b.dataset.problem !== d.problem;
    }
    $("formula-row").hidden = c.dataset !== "formula";
    if (c.formula) $("inp-formula").value = c.formula;
    this.setParams(state);
    for (const [head, problems] of this.groupHeads) head.hidden = !problems.includes(d.problem);
    const n = state.network.hidden.length;
    $("layers-title").textContent = state.perceptron ? "perceptron: no hidden layer" : `${n} hidden layer${n === 1 ? "" : "s"}`;
    $("btn-addlayer").disabled = $("btn-rmlayer").disabled = state.perceptron;
  }
}
