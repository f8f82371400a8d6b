"""``relulab playground``: start the web playground on this machine and open it in the browser."""

from __future__ import annotations

import contextlib
import threading
import webbrowser

import typer

from ..server.settings import ANY_ADDRESS, ServerSettings
from .common import bad_input

_DEFAULT = ServerSettings()


def link_state(link: str) -> str:
    """The state (hash) of a playground link, checked: a link the page could not open is bad input."""
    from ..config import RunConfig
    from ..playground_url import link_fragment

    RunConfig.from_playground_url(link)  # raises, naming the key, on a link that is not a valid setting
    return link_fragment(link)


def register(app: typer.Typer) -> None:
    @app.command("playground")
    def playground(
        host: str = typer.Option(None, "--host", help=f"address to listen on (default {_DEFAULT.host}: this "
                                                      "machine only; 0.0.0.0 opens it to the network)"),
        port: int = typer.Option(None, "--port", help=f"port (default {_DEFAULT.port}; 0 picks a free one)"),
        no_browser: bool = typer.Option(False, "--no-browser", help="only print the address"),
        max_layers: int = typer.Option(None, "--max-layers", help=f"hidden layers a page may ask for "
                                                                  f"(default {_DEFAULT.max_layers})"),
        max_neurons: int = typer.Option(None, "--max-neurons",
                                        help=f"units per layer (default {_DEFAULT.max_neurons})"),
        max_points: int = typer.Option(None, "--max-points",
                                       help=f"points per session (default {_DEFAULT.max_points})"),
        max_sessions: int = typer.Option(None, "--max-sessions", help=f"open tabs at once "
                                                                      f"(default {_DEFAULT.max_sessions})"),
        allow_host: list[str] = typer.Option(None, "--allow-host", help="a host name browsers use to reach this "
                                             "server (repeatable); loopback and --host are always allowed"),
        open_link: str = typer.Option(None, "--open", help="a playground link ('http://127.0.0.1:8000/#...', "
                                      "'#...', or a TensorFlow Playground link): open the page at that setting"),
    ) -> None:
        """TensorFlow Playground in Python: train live in the browser, plus exact linear regions and more."""
        from ..server.serve import address, bind_socket, serve

        options = {"host": host, "port": port, "max_layers": max_layers, "max_neurons": max_neurons,
                   "max_points": max_points, "max_sessions": max_sessions,
                   "allow_hosts": tuple(allow_host) if allow_host else None}
        given = {k: v for k, v in options.items() if v is not None}
        with bad_input():
            settings = ServerSettings(**given)
            if not settings.host.strip():
                raise ValueError("--host must not be empty; use 127.0.0.1 (this machine only)")
            state = link_state(open_link) if open_link is not None else ""
            sock = bind_socket(settings.host, settings.port)
        url = address(sock, settings.host)
        typer.echo(f"relulab playground running at {url}  (Ctrl+C stops it)")
        if state:
            url += "#" + state
            typer.echo(f"opening the setting of the link: {url}")
        if settings.host in ANY_ADDRESS:
            typer.echo(f"warning: --host {settings.host or repr('')} listens on every network interface: anyone who "
                       "can reach this machine can train networks on it. Browsers must use a name this server "
                       f"answers to ({', '.join(sorted(settings.allowed_hosts()))}); add this machine's name or "
                       "address with --allow-host NAME.", err=True)
        if not no_browser:
            threading.Timer(0.8, webbrowser.open, (url,)).start()
        with contextlib.suppress(KeyboardInterrupt):
            serve(settings, sock)
        typer.echo("relulab playground stopped")
