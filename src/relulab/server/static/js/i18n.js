// The page in a language: every text node and title/placeholder/aria-label under root goes through the
// string catalogue (/api/catalogue: English text -> translation, the same catalogue as the lessons and
// the claims report). The English original of each node is kept, so switching back restores it; a
// MutationObserver translates what the page draws later (panels, toasts, the network).
const ATTRS = ["title", "placeholder", "aria-label"];
const WORD = "(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])"; // relulab.i18n._WORD (\w as ASCII)
const SENTENCE = new RegExp(`${WORD}(?:\\s+${WORD}){2}`); // three English words in a row (relulab.i18n._SENTENCE)

export class Translator {
  constructor(root) {
    this.root = root; this.lang = "en"; this.strings = {}; this.templates = [];
    this.original = new WeakMap(); // node -> English text; element -> {attr: English}
    this.observer = new MutationObserver((ms) => this.onMutations(ms));
  }

  async load(lang, resource) {
    const cat = lang === "en" ? { strings: {} } : await resource(`catalogue?lang=${encodeURIComponent(lang)}`);
    this.lang = lang; this.strings = cat.strings || {};
    // the catalogue's templates compiled by the server (relulab.i18n.page_templates), in the order Python tries them
    this.templates = (cat.templates || []).map((t) => ({ ...t, re: new RegExp(`^(?:${t.re})$`, "s") }));
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : lang;
    this.translateTree(this.root);
    this.observer.disconnect();
    this.observer.observe(this.root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS });
  }

  // text (English) in the page's language; values fill a template's {names}; a text with its values already
  // in it ("3 of 18 nets ...") is recognised by its template, as translate() does
  t(text, values = {}) {
    if (!Object.keys(values).length) return this.translate(text);
    let out = this.strings[text] ?? text;
    for (const [k, v] of Object.entries(values)) out = out.replaceAll(`{${k}}`, v);
    return out;
  }

  translateString(en) {
    const key = en.trim();
    if (!key || this.lang === "en") return en;
    const hit = this.strings[key];
    if (hit !== undefined) return en.replace(key, hit);
    for (const sep of [" · ", " → "]) { // the page's lists and arrows: each part on its own
      if (key.includes(sep)) return en.replace(key, key.split(sep).map((p) => this.translateString(p)).join(sep));
    }
    return this.translate(en);
  }

  // relulab.i18n.translate, step for step: the catalogue's entry, else the first template the text fills
  // (each value translated in turn, none an untranslated sentence or a repeat of the template's words), else
  // a sentence without its full stop, else a list item by item; the text itself when nothing fits
  translate(text, depth = 0) {
    if (this.lang === "en" || !text || !text.trim()) return text;
    const core = text.trim();
    let found = this.strings[core];
    if (found === undefined && depth < 4) {
      for (const { re, fields, out, words } of this.templates) {
        const m = re.exec(core);
        if (!m) continue;
        const raw = fields.map((_, i) => m[i + 1]), done = raw.map((v) => this.translate(v, depth + 1));
        if (raw.some((v, i) => (done[i] === v && SENTENCE.test(v)) || words.some((w) => v.includes(w)))) continue;
        found = fields.reduce((s, f, i) => s.split(`{${f}}`).join(done[i]), out).replaceAll("{{", "{").replaceAll("}}", "}");
        break;
      }
    }
    if (found === undefined && depth < 4 && core.endsWith(".") && !core.endsWith("..")) {
      const done = this.translate(core.slice(0, -1), depth + 1);
      if (done !== core.slice(0, -1)) found = `${done}。`;
    }
    if (found === undefined && depth < 4) found = this.list(core, depth);
    return found === undefined ? text : text.replace(core, () => found);
  }

  list(text, depth) {
    for (const [sep, joined] of [[". ", "。"], ["; ", "；"], [", ", "，"]]) {
      const items = text.split(sep);
      if (items.length < 2) continue;
      const done = items.map((i) => this.translate(i, depth + 1));
      if (done.some((d, k) => d !== items[k]) && !done.some((d, k) => d === items[k] && /[A-Za-z]{2,}/.test(items[k]))) {
        return done.join(joined);
      }
    }
    return undefined;
  }

  translateNode(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const p = node.parentElement;
      if (!p || p.closest("code, pre, script, style, [data-no-i18n]")) return;
      let en = this.original.get(node);
      if (en === undefined || (node.data !== en && node.data !== node.__shown)) { en = node.data; this.original.set(node, en); }
      const shown = this.translateString(en);
      node.__shown = shown;
      if (node.data !== shown) node.data = shown;
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      let orig = this.original.get(node);
      if (!orig) { orig = {}; this.original.set(node, orig); }
      for (const a of ATTRS) {
        const v = node.getAttribute(a);
        if (v === null) continue;
        if (orig[a] === undefined || (v !== orig[a] && v !== node[`__${a}`])) orig[a] = v;
        const shown = this.translateString(orig[a]);
        node[`__${a}`] = shown;
        if (v !== shown) node.setAttribute(a, shown);
      }
    }
  }

  translateTree(el) {
    this.translateNode(el);
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    while (walk.nextNode()) this.translateNode(walk.currentNode);
  }

  onMutations(ms) {
    for (const m of ms) {
      if (m.type === "childList") m.addedNodes.forEach((n) => this.translateTree(n));
      else this.translateNode(m.target);
    }
  }
}
