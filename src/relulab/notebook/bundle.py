"""The widget's one ES module, composed in Python from the page's own modules (``server/static/js``).

anywidget loads a single module and cannot resolve the page's relative imports, so the modules are
composed here, at first use, instead of bundled by a JavaScript tool: there is no build step and no
shipped bundle that could fall behind the sources. Each module the entry imports (depth first, each
once) becomes a function scope returning its exports; its ``import { a, b as c } from "./x.js"``
lines become ``const { a, b: c } = __x;``. The entry (``widget.js``) stays at the top level, so its
``export default`` is the module's. Only the import and export forms the page uses are accepted; any
other is a ``ValueError`` naming the file and the line, never a silently broken widget.

>>> "export default" in compose() and "class WidgetTransport" in compose()
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "server" / "static" / "js"
ENTRY = "widget.js"

IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+)\.js";?[ \t]*$', re.M)
EXPORT = re.compile(r"^export\s+((?:async\s+)?function\*?|class|const|let)\s+([\w$]+)", re.M)
ANY_IMPORT_EXPORT = re.compile(r"^(import|export)\b.*$", re.M)
NAME = re.compile(r"^[\w$]+$")


def _bindings(names: str, where: str) -> str:
    """``a, b as c`` -> ``a, b: c``."""
    out = []
    for item in (n.strip() for n in names.split(",")):
        if not item:
            continue
        parts = item.split()
        if len(parts) == 1 and NAME.match(parts[0]):
            out.append(parts[0])
        elif len(parts) == 3 and parts[1] == "as" and NAME.match(parts[0]) and NAME.match(parts[2]):
            out.append(f"{parts[0]}: {parts[2]}")
        else:
            raise ValueError(f"{where}: cannot compose the import of {item!r}; use import {{ name }} or "
                             "{ name as other } from \"./module.js\"")
    return ", ".join(out)


def _module(name: str, js: Path, *, entry: bool) -> tuple[str, list[str], list[str]]:
    """``(body, the modules it imports, the names it exports)`` of one page module."""
    text = (js / f"{name}.js").read_text(encoding="utf-8")
    deps: list[str] = []

    def imp(m: re.Match[str]) -> str:
        deps.append(m.group(2))
        line = text.count("\n", 0, m.start()) + 1
        return f"const {{ {_bindings(m.group(1), f'{name}.js:{line}')} }} = __{m.group(2)};"

    body = IMPORT.sub(imp, text)
    exports = [m.group(2) for m in EXPORT.finditer(body)]
    if not entry:
        body = EXPORT.sub(lambda m: f"{m.group(1)} {m.group(2)}", body)
    for m in ANY_IMPORT_EXPORT.finditer(body):
        if entry and m.group(0).startswith("export "):
            continue
        raise ValueError(f"{name}.js: cannot compose {m.group(0)[:80]!r}; the page's modules use only "
                         "import { ... } from \"./module.js\" and export function/class/const/let")
    return body, deps, exports


def compose(js: Path = JS, entry: str = ENTRY) -> str:
    """The entry module with every page module it imports, as one ES module (text)."""
    return _compose(js, entry) if js != JS or entry != ENTRY else _cached()


@lru_cache(maxsize=1)
def _cached() -> str:
    return _compose(JS, ENTRY)


def _compose(js: Path, entry: str) -> str:
    stem = entry.removesuffix(".js")
    done: dict[str, str] = {}
    visiting: list[str] = [stem]

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise ValueError(f"the page's modules import each other in a circle: {' -> '.join([*visiting, name])}")
        if not (js / f"{name}.js").is_file():
            raise ValueError(f"{visiting[-1]}.js imports ./{name}.js, which is not in {js}")
        visiting.append(name)
        body, deps, exports = _module(name, js, entry=False)
        for d in deps:
            visit(d)
        visiting.pop()
        done[name] = (f"// ---- {name}.js\nconst __{name} = (() => {{\n{body.rstrip()}\n"
                      f"return {{ {', '.join(exports)} }};\n}})();\n")

    body, deps, _ = _module(stem, js, entry=True)
    for d in deps:
        visit(d)
    head = (f"// relulab's playground page as one module: {entry} and the modules it imports, "
            "composed by relulab.notebook.bundle\n")
    return head + "".join(done.values()) + f"// ---- {entry}\n{body}"
