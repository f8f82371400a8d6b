// The page in a language: every text node and title/placeholder/aria-label under root goes through the
// string catalogue (/api/catalogue: English text -> translation, the same catalogue as the lessons and
// the claims report). The English original of each node is kept, so switching back restores it; a
// MutationObserver translates what the page draws later (panels, toasts, the network).
const ATTRS = ["title", "placeholder", "aria-label"];

export class Translator {
  constructor(root) {
    this.root = root; this.lang = "en"; this.strings = {}; this.templates = [];
    this.original = new WeakMap(); // node -> English text; element -> {attr: English}
    this.observer = new MutationObserver((ms) => this.onMutations(ms));
  }

  async load(lang, resource) {
    const cat = lang === "en" ? { strings: {} } : await resource(`catalogue?lang=${encodeURIComponent(lang)}`);
    this.lang = lang; this.strings = cat.strings || {};
    // "at most {n} neurons per layer" -> /^at most (.+?) neurons per layer$/ and its translation
    this.templates = Object.entries(this.strings).filter(([en]) => en.includes("{")).map(([en, out]) => {
      const names = [...en.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const re = new RegExp(`^${en.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("(.+?)")}$`);
      return { re, names, out, literal: en.replace(/\{\w+\}/g, "").length };
    }).sort((a, b) => b.literal - a.literal); // the most specific template first: "{f}: click to turn off" before "{a}: {b}"
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : lang;
    this.translateTree(this.root);
    this.observer.disconnect();
    this.observer.observe(this.root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS });
  }

  // text (English) in the page's language; values fill a template's {names}
  t(text, values = {}) {
    let out = this.strings[text] ?? text;
    for (const [k, v] of Object.entries(values)) out = out.replaceAll(`{${k}}`, v);
    return out;
  }

  translateString(en) {
    const key = en.trim();
    if (!key || this.lang === "en") return en;
    const hit = this.strings[key];
    if (hit !== undefined) return en.replace(key, hit);
    for (const sep of [" · ", " → "]) { // lists and arrows: each part on its own
      if (key.includes(sep)) return en.replace(key, key.split(sep).map((p) => this.translateString(p)).join(sep));
    }
    for (const { re, names, out } of this.templates) {
      const m = key.match(re);
      if (m) return en.replace(key, names.reduce((s, n, i) => s.replaceAll(`{${n}}`, this.translateString(m[i + 1])), out));
    }
    return en;
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
