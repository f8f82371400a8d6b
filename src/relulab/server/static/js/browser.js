// The web page's entry: the page (main.js) inside <body>, over a WebSocket to the server that served it.
import { mount } from "./main.js";
import { esc } from "./panels.js";
import { SocketTransport } from "./transport.js";

// ?run=KEY (a link from the sweep explorer, `relulab sweep serve`): once connected, import that run's run.json
const RUN = new URLSearchParams(location.search).get("run");

async function openSweepRun(app, key) {
  const lang = app.state?.view?.lang ?? "en", said = (why) => app.t("sweep run {key}: {why}", { key: key.slice(0, 10), why });
  const r = await fetch(`/sweep/api/runs/${encodeURIComponent(key)}/run.json${lang === "en" ? "" : `?lang=${lang}`}`);
  if (!r.ok) {
    let why = `HTTP ${r.status}`;
    try { why = (await r.json()).detail ?? why; } catch { /* not JSON */ }
    return app.toast(said(why)); // the refusal in the page's language
  }
  const done = await app.transport.upload("import", await r.blob());
  if (!done.ok) return app.toast(said(done.body?.detail ?? done.status));
  document.body.dataset.sweepRun = key;
}

mount(document.body, new SocketTransport()).then((app) => {
  window.relulab = app; // for the browser tests and the curious
  if (RUN) {
    const onState = app.onState.bind(app);
    let first = true;
    app.onState = (s) => { onState(s); if (first) { first = false; openSweepRun(app, RUN); } };
  }
  app.connect();
  // an edit of the address bar's hash opens that link (the page's own replaceState fires no hashchange)
  addEventListener("hashchange", () => { if (location.hash.length > 1) app.openLink(location.hash); });
}).catch((err) => { document.body.insertAdjacentHTML("afterbegin", `<div class="toast">${esc(err)}</div>`); });
