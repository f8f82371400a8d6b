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


def lesson_view(lesson: str | None, lang: str | None, settings: ServerSettings) -> tuple[str, ServerSettings]:
    """The link keys of ``--lesson`` and ``--lang``, and the settings that serve a teacher's lesson file."""
    from pathlib import Path

    from ..i18n import check_lang
    from ..lessons import lesson_ids, load_lesson
    from ..server.teach import check_link

    keys = []
    if lesson is not None:
        if lesson.upper() in lesson_ids() and not Path(lesson).is_file():
            keys.append(f"lesson={lesson.upper()}")
        elif lesson.endswith((".yaml", ".yml")) or Path(lesson).exists():
            own = load_lesson(lesson, check_link=lambda u: check_link(u, settings))
            settings = settings.model_copy(update={"lesson_files": (*settings.lesson_files, str(Path(lesson)))})
            keys.append(f"lesson={own.id}")
        else:
            raise ValueError(f"--lesson {lesson!r}: no such lesson; give one of {lesson_ids()} or a lesson file "
                             "(.yaml)")
    if lang is not None:
        keys.append(f"lang={check_lang(lang)}")
    return "&".join(keys), settings


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
        lesson: str = typer.Option(None, "--lesson", help="open a lesson: a built-in one by its claim (C3) or a "
                                   "teacher's own lesson file (my-lesson.yaml, see docs/lesson-format.md)"),
        lang: str = typer.Option(None, "--lang", help="the page's language: en or zh (简体中文)"),
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
            view = lesson_view(lesson, lang, settings) if lesson is not None or lang is not None else ("", settings)
            state, settings = "&".join(p for p in (state, view[0]) if p), view[1]
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
