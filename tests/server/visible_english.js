// The English left visible on a page in another language (technical names aside): its text nodes and titles /
// placeholders, plus `texts` drawn elsewhere (a canvas's words); `names`: the page's own data names kept as they are.
({ names = [], texts = [] } = {}) => {
  const keep = /\b(relulab claim|relulab|Wilson|MLP|CNN|Novikoff|Leaky|PReLU|ELU|cx|Shift|label|Rosenblatt|Python|scikit|learn|make_moons|et|al|sigma|ge|RunConfig|batchSize|dataset|learningRate|networkShape|noise|percTrainData|problem|regDataset|regularizationRate|data_seed|y|H|PyTorch|TensorFlow Playground|Zaslavsky|Montúfar|Serra|ReLU|relu|tanh|sigmoid|leaky_relu|prelu|elu|selu|celu|gelu|silu|mish|softplus|softsign|relu6|hardtanh|hardsigmoid|abs|identity|linear|step|L1|L2|SGD|Adam|sgd|adam|momentum|MSE|BCE|mse|cross_entropy|bce|CSV|JSON|PNG|SVG|XOR|xor|x1|x2|x1sq|x2sq|x1x2|sin|cos|state_dict|run\.json|model\.pt|data\.csv|heatmap\.png|heatmap\.svg|regions\.png|regions\.svg|URL|playground|circle|digits|gauss|spiral|spiral3|spiral4|xor4|linsep|moons|checkerboard|reg-plane|reg-gauss|exp|cubic|formula|add|sub|mul|playground|xavier|he|zero|torch|orthogonal|none|f|x|W|b|a|max|float64|float32|classification|regression|epoch|lr|None|Classification|Regression|C\d+|e|tensorflow|org)\b/g;
  const own = names.length ? new RegExp(`(?<![\\w.-])(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![\\w-])`, "g") : null;
  const strip = (s) => (own ? s.replace(own, "") : s).replace(keep, "");
  const out = texts.filter((s) => /[A-Za-z]{2,}/.test(strip(s)));
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode, el = n.parentElement;
    if (!el || el.closest("code, pre, script, style, .formula, option:not(:checked)")) continue;
    const r = el.getBoundingClientRect(), st = getComputedStyle(el);
    if (!r.width || !r.height || st.visibility === "hidden" || el.closest("[hidden]")) continue;
    const rest = strip(n.data);
    if (/[A-Za-z]{2,}/.test(rest)) out.push(n.data.trim());
  }
  for (const el of document.querySelectorAll("[title],[placeholder],[aria-label]")) {
    if (el.closest("[hidden]")) continue;
    for (const a of ["title", "placeholder"]) { const v = el.getAttribute(a); if (v && /[A-Za-z]{2,}/.test(strip(v))) out.push(`${a}: ${v}`); }
  }
  return out;
}
