// The notebook widget's entry (anywidget): the same page (main.js) inside the widget's element, talking to
// its session in the kernel (relulab.notebook) over the widget's channel -- the second implementation of
// the transport interface of transport.js. relulab.notebook.bundle composes this module and the page's
// modules into the one ES module anywidget loads.
import { mount } from "./main.js";
import { esc } from "./panels.js";

const bytesOf = (v) => (v && v.byteLength ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : null);

// Custom messages both ways: the page's JSON messages go out as they are; from the kernel come JSON
// messages, frames ({type: "frame", n} with the frame as its one buffer) and replies to requests
// (uploads, exports) matched by id. The last state and frame are also traits (_state, _frame), so a
// notebook saved with its widget state shows them when it is opened without a kernel.
// Flow control (relulab.notebook.flow): this view says hello and bye with its tag, and, when it has
// painted a frame the kernel marked {ack: true}, acknowledges the newest it painted ({type: "ack", view,
// n}: all up to n), at most once per animation frame; the kernel asks for an acknowledgement every few
// frames (each one costs a kernel round of busy/idle messages) and keeps a bounded window of frames
// unacknowledged, so a state message never waits behind a queue.
export class WidgetTransport {
  // listening from the start: the page asks for resources (lessons) before it connects
  constructor(model) {
    this.model = model; this.replies = new Map(); this.next = 0; this.to = null;
    this.tag = Math.random().toString(36).slice(2);
    const on = (msg, buffers) => {
      if (msg.type === "reply") { this.replies.get(msg.id)?.(msg, buffers); this.replies.delete(msg.id); }
      else if (!this.to) return; // not connected yet: the state and a full frame come after hello
      else if (msg.type === "frame") { this.to.frame(bytesOf(buffers[0])); this.painted(msg.n, msg.ack); }
      else this.to.message(msg);
    };
    model.on("msg:custom", on);
    this.off = () => model.off("msg:custom", on);
  }

  connect({ open, message, frame, close }) {
    this.to = { message, frame, close };
    const state = this.model.get("_state"), last = bytesOf(this.model.get("_frame"));
    if (state && state.type === "state") message(state);
    if (last) frame(last);
    open();
    this.send({ type: "hello", view: this.tag }); // the kernel answers with the state and a full frame
  }

  // acknowledge frame n after the page has drawn it (main.js draws in the animation frame requested first)
  painted(n, ack) {
    if (typeof n !== "number") return;
    this.drawn = n;
    if (!ack || this.acking) return;
    this.acking = true;
    requestAnimationFrame(() => { this.acking = false; this.send({ type: "ack", view: this.tag, n: this.drawn }); });
  }

  send(msg, buffers) {
    try { this.model.send(msg, undefined, buffers); return true; } catch { return false; }
  }

  // registries, defaults, previews: traits (there without a kernel); the lessons and the catalogue: asked
  async resource(name) {
    const kept = this.model.get("_resources")[name];
    return kept !== undefined ? kept : (await this.request({ type: "resource", name })).body;
  }

  post(name) { return this.request({ type: "post", name }); }

  request(msg, buffers) {
    const id = `${this.tag}-${++this.next}`;
    return new Promise((resolve) => {
      this.replies.set(id, (m, b) => resolve({ ok: m.ok, status: m.status, body: m.body, buffers: b }));
      if (!this.send({ ...msg, id }, buffers)) resolve({ ok: false, status: 0, body: { detail: "no kernel" } });
    });
  }

  async upload(kind, file) { return this.request({ type: kind }, [await file.arrayBuffer()]); }

  exportHref() { return null; }

  async download(name, query) {
    const r = await this.request({ type: "export", name, query });
    if (r.ok) {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([r.buffers[0]], { type: r.body.mime }));
      a.download = r.body.filename; a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    }
    return r;
  }

  initialLink() { return null; }

  showLink(hash) { this.link = hash; }

  close() { if (this.to) this.send({ type: "bye", view: this.tag }); this.off(); this.replies.clear(); }
}

export default {
  async render({ model, el }) {
    el.classList.add("relulab-widget");
    el.innerHTML = model.get("_html");
    const transport = new WidgetTransport(model);
    try {
      const app = await mount(el, transport);
      el.relulab = app; // for the tests and the curious
      app.connect();
    } catch (err) {
      el.insertAdjacentHTML("afterbegin", `<div class="toast">${esc(err)}</div>`);
    }
    return () => transport.close();
  },
};
