// The lesson panel and the view of a classroom link. The server keeps where the session is (lesson, step,
// language, hidden controls: state.view, written into the link); this module shows it: the step's text,
// what to do, the live check on the learner's run (frame.lesson), the measured verdict at the end, and
// hides what a classroom link hides. It never covers the controls: the panel is a strip above them.
import { esc } from "./panels.js";

// the playground's feature keys (x_hide ...) -> relulab's feature names
const FEATURE_KEYS = { x: "x1", y: "x2", xSquared: "x1sq", ySquared: "x2sq", xTimesY: "x1x2", sinX: "sin_x1",
  sinY: "sin_x2", cosX: "cos_x1", cosY: "cos_x2" };

export class LessonPanel {
  constructor(app) {
    this.app = app; this.lessons = []; this.hidden = new Set(); this.hideText = false; this.glossary = {}; this.lang = null;
    const $ = app.$;
    $("lesson-back").addEventListener("click", () => this.go(this.step - 1));
    $("lesson-next").addEventListener("click", () => this.go(this.step + 1));
    $("lesson-close").addEventListener("click", () => app.send({ type: "lesson", id: null, step: 1, apply: false }));
    $("sel-lesson").addEventListener("change", (e) => {
      if (e.target.value) app.send({ type: "lesson", id: e.target.value, step: 1 });
    });
    $("btn-share").addEventListener("click", () => this.share());
    app.root.querySelectorAll(".gloss-btn").forEach((b) => b.addEventListener("click", () => this.explain(b)));
  }

  async load(lang) {
    if (lang === this.lang) return;
    const r = await this.app.transport.resource(`lessons?lang=${encodeURIComponent(lang)}`);
    if (!Array.isArray(r?.lessons)) return; // no answer (a saved notebook without its kernel): keep what is there
    this.lessons = r.lessons; this.glossary = r.glossary; this.lang = lang;
    const sel = this.app.$("sel-lesson"), first = sel.options[0].outerHTML;
    sel.innerHTML = first + this.lessons.map((l) => `<option value="${esc(l.id)}">${esc(l.id)}: ${esc(l.title)}</option>`).join("");
    this.app.root.querySelectorAll(".gloss-line").forEach((g) => g.remove());
    if (this.app.state) this.setView(this.app.state.view);
  }

  lesson() { return this.lessons.find((l) => l.id === this.id); }

  go(step) {
    const l = this.lesson();
    if (!l || step < 1 || step > l.steps.length) return;
    this.app.send({ type: "lesson", id: l.id, step });
  }

  // From each state message: the lesson step, the hidden controls, hideText.
  setView(view) {
    const $ = this.app.$, root = this.app.root;
    this.id = view.lesson; this.step = view.step;
    const hidden = new Set(view.hidden);
    this.hidden = hidden; this.hideText = view.hideText;
    this.applyHidden();
    this.hiddenFeatures = new Set([...hidden].filter((n) => n in FEATURE_KEYS).map((n) => FEATURE_KEYS[n]));
    $("sel-lesson").value = view.lesson || "";
    $("sel-lang").value = view.lang;
    const l = this.lesson();
    $("lesson-panel").hidden = !l;
    root.querySelectorAll("[data-panel]").forEach((el) => el.classList.remove("lesson-focus"));
    if (!l) return;
    const s = l.steps[this.step - 1];
    $("lesson-title").textContent = `${l.id}: ${l.title}`;
    $("lesson-count").textContent = this.app.t("step {i} of {n}", { i: this.step, n: l.steps.length });
    $("lesson-text").textContent = s.text;
    $("lesson-do").textContent = s.do ? `${this.app.t("Do:")} ${s.do}` : "";
    $("lesson-do").hidden = !s.do;
    $("lesson-back").disabled = this.step <= 1;
    $("lesson-next").disabled = this.step >= l.steps.length;
    (s.panels || []).forEach((p) => root.querySelector(`[data-panel="${p}"]`)?.classList.add("lesson-focus"));
    this.showCheck(null);
    $("lesson-verdict").hidden = !s.verdict;
    if (s.verdict) this.showVerdict(s.verdict);
  }

  applyHidden() {
    const root = this.app.root;
    root.querySelectorAll("[data-hide]").forEach((el) => { el.hidden = this.hidden.has(el.dataset.hide); });
    root.querySelectorAll(".text").forEach((el) => el.classList.toggle("text-hidden", this.hideText));
  }

  // From each frame: the live check of the step on the learner's own run.
  showCheck(live) {
    const l = this.lesson(), box = this.app.$("lesson-check");
    const s = l?.steps[this.step - 1];
    if (!s || !s.check) { box.hidden = true; box.dataset.done = ""; return; }
    box.hidden = false;
    const done = Boolean(live && live.id === l.id && live.step === this.step && live.done);
    box.dataset.done = String(done);
    const seen = Object.entries(s.metrics).map(([m, label]) => {
      const v = live?.seen?.[m];
      const shown = typeof v === "number" ? (Number.isInteger(v) ? v : v.toFixed(3)) : v === undefined || v === null ? "–"
        : typeof v === "boolean" ? this.app.t(v ? "yes" : "no") : String(v);
      return `<span class="metric" data-metric="${esc(m)}">${esc(label)}: <b>${esc(shown)}</b></span>`;
    }).join(" · ");
    const head = done ? `✓ ${esc(this.app.t("Done at epoch {e}.", { e: live.at }))} ${esc(s.see || "")}` : `… ${esc(this.app.t("Waiting for:"))} <code>${esc(s.check)}</code>`;
    box.innerHTML = `<div class="check-head">${head}</div><div class="check-seen">${seen}</div>`;
  }

  showVerdict(list) {
    const t = (x) => this.app.t(x);
    this.app.$("lesson-verdict").innerHTML = list.map((v) => {
      const parts = (v.parts || []).map((p) => `<li>${esc(t(p.statement))}: <b>${esc(t(p.verdict))}</b></li>`).join("");
      return `<div class="verdict-card"><div><b>${esc(v.id)}</b>: <span class="verdict">${esc(t(v.verdict || "not measured"))}</span>` +
        ` <code class="muted">${esc(v.key || "")}</code></div>${parts ? `<ul>${parts}</ul>` : ""}` +
        `<div class="muted small">${esc(t("full run"))} <code>${esc(v.generated || "")} · ${esc(v.machine || "")}</code> · <code>${esc(v.command || `relulab claim ${v.id}`)}</code>` +
        ` · <a href="/report?lang=${esc(this.lang || "en")}#${esc(String(v.id).toLowerCase())}" target="_blank" rel="noopener">${esc(t("report entry"))}</a></div>` +
        `<button type="button" class="plain run-claim" data-claim="${esc(v.id)}">${esc(t("Run the quick claim now"))}</button>` +
        `<div class="quick-result" data-claim="${esc(v.id)}"></div></div>`;
    }).join("");
    this.app.$("lesson-verdict").querySelectorAll(".run-claim").forEach((b) => b.addEventListener("click", () => this.runClaim(b)));
  }

  async runClaim(button) {
    const out = this.app.$("lesson-verdict").querySelector(`.quick-result[data-claim="${button.dataset.claim}"]`);
    button.disabled = true; out.textContent = this.app.t("running…");
    const r = await this.app.transport.post(`claim/${encodeURIComponent(button.dataset.claim)}`);
    button.disabled = false;
    out.innerHTML = r.ok ? `${esc(this.app.t("quick run"))}: <b>${esc(this.app.t(r.body.verdict))}</b> <code class="muted">${esc(r.body.key || "")} (${r.body.seconds} s)</code>`
      : esc(r.body?.detail ?? String(r.status));
  }

  async share() {
    const link = location.href.split("#")[0] + "#" + this.app.state.hash;
    const box = this.app.$("share-box") || this.app.$("btn-share").insertAdjacentElement("afterend", Object.assign(document.createElement("input"), { id: "share-box", readOnly: true }));
    box.value = link; box.hidden = false; box.select();
    try { await navigator.clipboard.writeText(link); this.app.toast(this.app.t("link copied"), "note"); } catch { /* no clipboard: the box shows it */ }
  }

  explain(button) {
    const card = button.closest(".card");
    const old = card.querySelector(".gloss-line");
    if (old) { old.remove(); return; }
    const lines = button.dataset.terms.split(",").map((t) => `<div><b>${esc(t)}</b>: ${esc(this.glossary[t] || "")}</div>`).join("");
    button.closest("h3").insertAdjacentHTML("afterend", `<div class="gloss-line hint small">${lines}</div>`);
  }
}
