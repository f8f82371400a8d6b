"""``relulab sweep serve DB``: the sweep explorer on this machine (loopback unless --host says otherwise).

    relulab sweep serve out/c11.db --open
    relulab sweep serve out/c11.db --lang zh      # the page in Simplified Chinese (its address ends in #lang=zh)
"""

from __future__ import annotations

import contextlib
import threading
import webbrowser
from pathlib import Path

import typer

from ..server.settings import ANY_ADDRESS, ServerSettings
from .common import bad_input

_DEFAULT = ServerSettings()


def serve_cmd(
    db: Path = typer.Argument(..., help="a sweep database written by `relulab sweep` (it may still be writing it)"),
    host: str = typer.Option(None, "--host", help=f"address to listen on (default {_DEFAULT.host}: this machine "
                                                  "only; 0.0.0.0 opens it to the network)"),
    port: int = typer.Option(None, "--port", help=f"port (default {_DEFAULT.port}; 0 picks a free one)"),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="a host name browsers use to reach this "
                                         "server (repeatable); loopback and --host are always allowed"),
    open_page: bool = typer.Option(False, "--open", help="open the page in the browser"),
    lang: str = typer.Option("en", "--lang", help="the page's language: en or zh (the page's switch changes it)"),
) -> None:
    """Explore a sweep in the browser: success-rate grid, parallel coordinates, loss curves, filter, CSV,
    and any run opened in the playground (trained again from its config, checked against the database)."""
    from ..i18n import check_lang
    from ..server.explorer import create_explorer
    from ..server.serve import address, bind_socket, serve

    given = {k: v for k, v in {"host": host, "port": port,
                               "allow_hosts": tuple(allow_host) if allow_host else None}.items() if v is not None}
    with bad_input():
        check_lang(lang)
        settings = ServerSettings(**given)
        if not settings.host.strip():
            raise ValueError("--host must not be empty; use 127.0.0.1 (this machine only)")
        app = create_explorer(db, settings)
        sock = bind_socket(settings.host, settings.port)
    url = address(sock, settings.host) + "sweep/" + ("" if lang == "en" else f"#lang={lang}")
    typer.echo(f"relulab sweep explorer of {db} running at {url}  (Ctrl+C stops it)")
    if settings.host in ANY_ADDRESS:
        typer.echo(f"warning: --host {settings.host or repr('')} listens on every network interface; browsers must "
                   f"use a name this server answers to ({', '.join(sorted(settings.allowed_hosts()))}); add one "
                   "with --allow-host NAME.", err=True)
    if open_page:
        threading.Timer(0.8, webbrowser.open, (url,)).start()
    with contextlib.suppress(KeyboardInterrupt):
        serve(settings, sock, app)
    typer.echo("relulab sweep explorer stopped")
