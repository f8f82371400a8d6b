// How the page reaches its session. The page (main.js) talks to one transport interface; two implement it:
// SocketTransport below (the web page: a WebSocket and the server's HTTP routes) and WidgetTransport
// (widget.js: the notebook widget's channel). A transport has:
//   connect({ open, message, frame, close })  start the session; message(obj): a JSON message (state, error,
//                                             notes), frame(ArrayBuffer): a binary frame, close(): the end
//   send(obj) -> bool                         a JSON message to the session; false when not connected
//   resource(name) -> Promise<obj>            "registries" | "defaults" | "previews": what the controls are built from;
//                                             "lessons?lang=zh", "catalogue?lang=zh": the lessons and the page's strings
//   upload(kind, file) -> Promise<{ ok, status, body }>   kind "upload" (CSV points) or "import" (run.json)
//   post(name) -> Promise<{ ok, status, body }>   an action of the server: "claim/C3" runs the quick claim
//   exportHref(name, query) -> string | null  a link that downloads export `name`; null: call download(name, query)
//   download(name, query) -> Promise<{ ok, status, body }>  (only where exportHref gives null) fetch the export
//                                             and save it
//   initialLink() -> string | null            a playground link to open once connected (the page's URL hash)
//   showLink(hash)                            the session's state as a link (the page puts it in its URL)

export class SocketTransport {
  constructor(loc = location) {
    this.loc = loc; this.ws = null; this.session = null;
  }

  connect({ open, message, frame, close }) {
    const ws = new WebSocket(`${this.loc.protocol === "https:" ? "wss" : "ws"}://${this.loc.host}/ws`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => open();
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return frame(e.data);
      const m = JSON.parse(e.data);
      if (m.type === "state") this.session = m.session;
      message(m);
    };
    ws.onclose = () => close();
  }

  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  resource(name) { return fetch(`/api/${name}`).then((r) => r.json()); }

  async upload(kind, file) {
    const r = await fetch(`/api/session/${this.session}/${kind}`, { method: "POST", body: file });
    let body = null;
    try { body = await r.json(); } catch { /* not JSON */ }
    return { ok: r.ok, status: r.status, body };
  }

  async post(name) {
    const r = await fetch(`/api/${name}`, { method: "POST" });
    let body = null;
    try { body = await r.json(); } catch { /* not JSON */ }
    return { ok: r.ok, status: r.status, body };
  }

  exportHref(name, query) {
    return `/api/session/${this.session}/export/${name}${query ? `?${new URLSearchParams(query)}` : ""}`;
  }

  initialLink() { return this.loc.hash.length > 1 ? this.loc.hash : null; }

  showLink(hash) { history.replaceState(null, "", `#${hash}`); }
}
