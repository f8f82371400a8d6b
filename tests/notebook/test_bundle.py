"""The widget's module, composed from the page's modules: every module the entry imports is in it once,
each with the exports it declares; forms the composer does not know are refused by name; the result
runs (Node, when installed: the composed module imports and its widget transport works on a fake model)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from relulab.notebook.bundle import JS, compose


def test_every_page_module_is_in_once_with_its_exports():
    text = compose()
    for name in ("plots", "controls", "network", "panels", "main"):
        assert text.count(f"const __{name} = (() => {{") == 1
        src = (JS / f"{name}.js").read_text()
        exported = re.findall(r"^export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([\w$]+)", src, re.M)
        assert f"return {{ {', '.join(exported)} }};" in text
    assert "class SocketTransport" not in text  # the widget does not take the WebSocket transport in
    assert text.count("export default") == 1 and not re.search(r"^import\b", text, re.M)
    # modules come before the ones that import them
    assert text.index("const __plots") < text.index("const __controls") < text.index("const __main")


def test_the_sources_are_read_as_they_are_now(tmp_path):
    for f in JS.glob("*.js"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "panels.js").write_text((tmp_path / "panels.js").read_text() + "\nexport const EXTRA_MARK = 1;\n")
    assert "EXTRA_MARK" in compose(tmp_path) and "EXTRA_MARK" not in compose()


@pytest.mark.parametrize("source, error", [
    ('import plots from "./plots.js";\n', "cannot compose 'import plots"),
    ('import * as p from "./plots.js";\n', "cannot compose 'import * as p"),
    ('export { a };\nconst a = 1;\n', "cannot compose 'export { a };'"),
    ('import { a } from "./missing.js";\n', "imports ./missing.js, which is not in"),
    ('import { b } from "./loop.js";\nexport const a = 1;\n', "in a circle: widget -> x -> loop -> x"),
    ('import { a as } from "./plots.js";\n', "cannot compose the import of 'a as'"),
])
def test_an_unknown_form_is_refused_by_name(tmp_path, source, error):
    (tmp_path / "plots.js").write_text("export const a = 1;\n")
    (tmp_path / "loop.js").write_text('import { a } from "./x.js";\nexport const b = a;\n')
    (tmp_path / "x.js").write_text(source)
    (tmp_path / "widget.js").write_text('import { a } from "./x.js";\nexport default { a };\n')
    with pytest.raises(ValueError, match=re.escape(error)):
        compose(tmp_path)


FAKE_MODEL = """
const sent = [], handlers = {}, frames = [];
globalThis.requestAnimationFrame = (f) => frames.push(f);
const model = {
  state: { _state: { type: "state", config: { lr: 0.1 } }, _frame: new DataView(new Uint8Array([7, 8, 9]).buffer) },
  get(k) { return this.state[k]; }, on(e, f) { handlers[e] = f; }, off(e) { delete handlers[e]; },
  send(msg, cb, buffers) { sent.push([msg, buffers ? buffers.length : 0]); },
};
const t = new WidgetTransport(model), got = [];
t.connect({ open: () => got.push("open"), message: (m) => got.push(m.type),
            frame: (b) => got.push(Array.from(new Uint8Array(b))) });
const reply = t.request({ type: "export", name: "run.json" });
const id = sent[1][0].id;
handlers["msg:custom"]({ type: "reply", id: "other", ok: false }, []);
handlers["msg:custom"]({ type: "reply", id, ok: true, status: 200, body: { mime: "x" } },
                       [new DataView(new ArrayBuffer(2))]);
handlers["msg:custom"]({ type: "frame", n: 4, ack: true }, [new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)]);
handlers["msg:custom"]({ type: "error", message: "m" }, []);
handlers["msg:custom"]({ type: "frame", n: 5, ack: false }, [new DataView(new Uint8Array([6]).buffer)]);
const before = sent.length;
frames.splice(0).forEach((f) => f());  // one animation frame: the newest painted acknowledged, once
handlers["msg:custom"]({ type: "frame", n: 6, ack: false }, [new DataView(new Uint8Array([6]).buffer)]);
frames.splice(0).forEach((f) => f());  // not asked for: no acknowledgement
handlers["msg:custom"]({ type: "frame", n: 7, ack: true }, [new DataView(new Uint8Array([6]).buffer)]);
frames.splice(0).forEach((f) => f());
const acks = sent.slice(before).map(([m]) => m);
t.close();
const r = await reply;
const href = t.exportHref("run.json");
console.log(JSON.stringify({ got, sent, acks, reply: [r.ok, r.body, r.buffers.length], href }));
"""


def test_the_composed_module_runs_and_its_transport_works(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the browser tests run the module too)")
    (tmp_path / "widget.mjs").write_text(compose())
    (tmp_path / "probe.mjs").write_text('import w, { WidgetTransport } from "./widget.mjs";\n'
                                        'if (typeof w.render !== "function") throw new Error("no render");\n'
                                        + FAKE_MODEL)
    p = subprocess.run([node, str(tmp_path / "probe.mjs")], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    # the saved state and frame are shown first (a notebook opened without a kernel), then it says hello
    assert out["got"] == ["state", [7, 8, 9], "open", [2, 3], "error", [6], [6], [6]]
    hello = out["sent"][0][0]
    assert hello["type"] == "hello" and hello["view"] and out["sent"][1][0]["type"] == "export"
    # each view acknowledges, when it painted a frame marked for it, the newest it painted, once per
    # animation frame; frames not marked cost no message; bye when it goes
    view = hello["view"]
    assert out["acks"] == [{"type": "ack", "view": view, "n": 5}, {"type": "ack", "view": view, "n": 7}]
    assert out["sent"][-1] == [{"type": "bye", "view": view}, 0]
    assert out["reply"] == [True, {"mime": "x"}, 1] and out["href"] is None
