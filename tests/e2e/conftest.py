"""The running suite: ``pdp-devstack`` (what ``make run`` starts) in a subprocess, on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pdp_kit.broker import free_port
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

READY_WITHIN_SECONDS = 30.0


def _free_port_block(size: int) -> int:
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

    def token(self, client_id: str = DEV_ADMIN_ID, secret: str = DEV_ADMIN_SECRET) -> str:
        response = httpx.post(
            f"{self.url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    workdir = tmp_path_factory.mktemp("platform")
    gateway_port = free_port()
    env = {
        **os.environ,
        "PDP_ENV": "dev",
        "PDP_DATA_DIR": str(workdir / "data"),
        "PDP_GATEWAY_PORT": str(gateway_port),
        "PDP_KAFKA_PORT": str(free_port()),
        "PDP_SERVICE_PORT_BASE": str(_free_port_block(5)),
    }
    for name in ("PDP_DATABASE_URL", "PDP_KAFKA_BOOTSTRAP"):
        env.pop(name, None)
    log = workdir / "platform.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pdp_devstack"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{gateway_port}"
    try:
        _wait_ready(url, process, log, deadline=started + READY_WITHIN_SECONDS * 3)
        yield RunningPlatform(url, process, log, time.monotonic() - started)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
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
