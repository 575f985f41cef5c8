"""The running platform for end-to-end and browser tests: ``pdp-devstack`` (what ``make run``
starts) in a subprocess, on free ports. The ``platform`` fixture (``pdp_kit.testing.plugin``)
starts it once per session and backend; ``tests/e2e`` and ``tests/browser`` share it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pdp_kit.broker import EmbeddedBroker, free_port
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET
from pdp_kit.testing.databases import postgres_server_url

READY_WITHIN_SECONDS = 30.0
#: Sharing's own client secret (PDP_SHARING_INTERNAL_CLIENT_SECRET) and audit's, so the tests
#: can call as either service; the other services get theirs from the devstack.
INTERNAL_SECRET = uuid.uuid4().hex + uuid.uuid4().hex
AUDIT_SECRET = uuid.uuid4().hex + uuid.uuid4().hex
#: The order the devstack gives the services their ports in (from PDP_SERVICE_PORT_BASE).
SERVICE_ORDER = ("catalog", "sharing", "opening", "registry", "audit")


def free_port_block(size: int) -> int:
    """A base port with ``size`` free ports after it."""
    for _ in range(50):
        base = free_port()
        if base + size >= 65535:
            continue
        try:
            sockets = []
            for port in range(base, base + size):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                sockets.append(sock)
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    raise RuntimeError("no block of free ports")


@dataclass
class RunningPlatform:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    startup_seconds: float
    service_port_base: int = 0

    def service_url(self, name: str) -> str:
        """Where a service answers directly (its internal endpoints are called here)."""
        return f"http://127.0.0.1:{self.service_port_base + SERVICE_ORDER.index(name)}"

    def headers(
        self, client_id: str = DEV_ADMIN_ID, secret: str = DEV_ADMIN_SECRET
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(client_id, secret)}"}

    def token(self, client_id: str = DEV_ADMIN_ID, secret: str = DEV_ADMIN_SECRET) -> str:
        response = httpx.post(
            f"{self.url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


@contextmanager
def started_platform(backend: str, workdir: Path) -> Iterator[RunningPlatform]:
    """``sqlite``: exactly ``make run``. ``postgresql``: ``PDP_DATABASE_URL`` on the local server
    (each service creates its own database) and ``PDP_KAFKA_BOOTSTRAP`` naming a broker the
    platform did not start (the caller has checked that PostgreSQL is reachable)."""
    gateway_port = free_port()
    env = {
        **os.environ,
        "PDP_ENV": "dev",
        "PDP_DATA_DIR": str(workdir / "data"),
        "PDP_GATEWAY_PORT": str(gateway_port),
        "PDP_KAFKA_PORT": str(free_port()),
        "PDP_SERVICE_PORT_BASE": str(free_port_block(6)),  # services, municipal-sim
        "PDP_SHARING_INTERNAL_CLIENT_SECRET": INTERNAL_SECRET,
        "PDP_AUDIT_INTERNAL_CLIENT_SECRET": AUDIT_SECRET,
    }
    for name in ("PDP_DATABASE_URL", "PDP_KAFKA_BOOTSTRAP"):
        env.pop(name, None)
    with ExitStack() as stack:
        if backend == "postgresql":
            prefix = f"pdp_e2e_{uuid.uuid4().hex[:8]}"
            env["PDP_DATABASE_URL"] = (
                make_url(postgres_server_url())
                .set(database=prefix)
                .render_as_string(hide_password=False)
            )
            stack.callback(_drop_databases, prefix)
            broker = stack.enter_context(EmbeddedBroker(log_path=workdir / "outside-broker.log"))
            env["PDP_KAFKA_BOOTSTRAP"] = broker.bootstrap
            env["PDP_KAFKA_IDEMPOTENCE"] = "false"
        yield stack.enter_context(_running(env, workdir, gateway_port))


@contextmanager
def _running(env: dict[str, str], workdir: Path, gateway_port: int) -> Iterator[RunningPlatform]:
    log = workdir / "platform.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pdp_devstack"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{gateway_port}"
    try:
        wait_ready(url, process, log, deadline=started + READY_WITHIN_SECONDS * 3)
        base = int(env["PDP_SERVICE_PORT_BASE"])
        yield RunningPlatform(url, process, log, time.monotonic() - started, base)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _drop_databases(prefix: str) -> None:
    async def drop() -> None:
        engine = create_async_engine(postgres_server_url(), isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                names = await conn.scalars(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": f"{prefix}%"},
                )
                for name in list(names):
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await engine.dispose()

    asyncio.run(drop())


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pdp-devstack exited:\n{log.read_text()[-5000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).json().get("status") == "ready":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"platform not ready:\n{log.read_text()[-5000:]}")
