"""The five services served over real HTTP by uvicorn, each in its own thread and event loop, on
fresh SQLite databases: for tools that speak HTTP themselves (schemathesis)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from service_apps import SERVICES

from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.plugin import settings_for_test


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(urls: dict[str, str], issuer: TokenIssuer) -> Iterator[dict[str, str]]:
    """Base URLs keyed by service name, while the servers run."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    bases: dict[str, str] = {}
    try:
        for name, (create_app, settings_class) in SERVICES.items():
            app = create_app(settings_for_test(settings_class, urls[name], issuer))
            port = _free_port()
            config = uvicorn.Config(
                app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, name=f"uvicorn-{name}", daemon=True)
            thread.start()
            servers.append((server, thread))
            bases[name] = f"http://127.0.0.1:{port}"
            # One at a time: lifespans starting together in threads race on process globals.
            deadline = time.monotonic() + 60
            while not server.started:
                if time.monotonic() > deadline or not thread.is_alive():
                    raise RuntimeError(f"{name} did not start")
                time.sleep(0.05)
        yield bases
    finally:
        for server, _ in servers:
            server.should_exit = True
        for _, thread in servers:
            thread.join(timeout=15)
