"""The five services served over real HTTP by uvicorn, each in its own thread and event loop, on
fresh SQLite databases, and the real gateway in front of them: for tools that speak HTTP
themselves (schemathesis)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from joserfc.jwk import RSAKey
from service_apps import SERVICES, gateway_settings

from gateway.main import create_app as create_gateway
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.databases import TestDatabases
from pdp_kit.testing.plugin import settings_for_test

#: Per client through the gateway: far above what one fuzzing worker sends, so no call is a 429
#: (which would say nothing of the service behind it).
FUZZ_RATE_PER_SECOND = 100_000.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Servers:
    """uvicorn servers started one at a time, stopped together."""

    def __init__(self) -> None:
        self.running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(self, name: str, app: FastAPI) -> str:
        port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"uvicorn-{name}", daemon=True)
        thread.start()
        self.running.append((server, thread))
        # One at a time: lifespans starting together in threads race on process globals.
        deadline = time.monotonic() + 60
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for server, _ in self.running:
            server.should_exit = True
        for _, thread in self.running:
            thread.join(timeout=15)


@contextmanager
def served(urls: dict[str, str], issuer: TokenIssuer) -> Iterator[dict[str, str]]:
    """Base URLs keyed by service name, while the servers run."""
    servers = _Servers()
    try:
        bases = {
            name: servers.start(
                name, create_app(settings_for_test(settings_class, urls[name], issuer))
            )
            for name, (create_app, settings_class) in SERVICES.items()
        }
        yield bases
    finally:
        servers.stop()


@contextmanager
def served_behind_gateway(
    urls: dict[str, str],
    issuer: TokenIssuer,
    signing_key: RSAKey,
    databases: TestDatabases,
    directory: Path,
) -> Iterator[str]:
    """The gateway's base URL, with the five services behind it, while the servers run.

    The gateway signs with the test issuer's key and names the same issuer and audience, so it
    takes the plugin's role tokens (``Auth``) as its own: each call passes its real edge (path
    checks, token verification and revocation, the client's bucket) and proxy.
    """
    with served(urls, issuer) as bases:
        settings = gateway_settings(databases, issuer, signing_key, directory)
        settings = settings.model_copy(
            update={
                **{f"upstream_{name}": base for name, base in bases.items()},
                "rate_per_second": FUZZ_RATE_PER_SECOND,
                "rate_burst": int(FUZZ_RATE_PER_SECOND),
            }
        )
        servers = _Servers()
        try:
            yield servers.start("gateway", create_gateway(settings))
        finally:
            servers.stop()
