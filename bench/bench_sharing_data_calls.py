"""Data calls per second through the gateway, beside the same pages read straight from the
catalog's internal endpoint, in the same run (Art. 19).

Starts the platform as ``make run`` does (``pdp-devstack``, SQLite, embedded broker) on free ports,
publishes a resource with 10,000 records, has another department's request approved, then walks
the records 100 at a time three times over, alternating: (a) ``GET /api/sharing/grants/{id}/data``
through the gateway as the holder — token check, network log, grant check, usage record, and
sharing's own call to the catalog — and (b) the same pages from
``/api/catalog/internal/resources/{id}/records`` on the catalog's own URL as ``pdp-sharing``.
Goal: (a) at least 0.6× (b).
Run: ``.venv/bin/python bench/bench_sharing_data_calls.py [RECORDS]`` (default 10,000).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from _support import report, size_argument, verdict
from stdnum.cn import uscc

from pdp_kit.broker import free_port
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

RECORDS = 10_000
PAGE = 100
ROUNDS = 3
GOAL = 0.6
# ``python -m pdp_devstack`` (make run), allowed longer than its 60 s to get ready: on a machine
# busy with other work six processes importing at once can take more.
START_DEVSTACK = (
    "import pdp_devstack.__main__ as devstack; "
    "devstack.READY_TIMEOUT_SECONDS = 300; devstack.main()"
)


@dataclass(frozen=True)
class Platform:
    """A running ``make run``: the gateway's URL, the catalog's own URL, sharing's internal
    secret, and the devstack's process id."""

    url: str
    catalog: str
    secret: str
    pid: int


@contextmanager
def running_platform(workdir: Path) -> Iterator[Platform]:
    """``make run`` on free ports, until the block ends."""
    gateway, base, secret = free_port(), free_port(), secrets.token_urlsafe(32)
    while any(_taken(port) for port in range(base, base + 5)):
        base = free_port()
    env = {
        **os.environ,
        "PDP_ENV": "dev",
        "PDP_DATA_DIR": str(workdir / "data"),
        "PDP_GATEWAY_PORT": str(gateway),
        "PDP_KAFKA_PORT": str(free_port()),
        "PDP_SERVICE_PORT_BASE": str(base),
        "PDP_SHARING_INTERNAL_CLIENT_SECRET": secret,
        "PDP_LOG_LEVEL": "WARNING",
    }
    for name in ("PDP_DATABASE_URL", "PDP_KAFKA_BOOTSTRAP"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{gateway}"
    with open(workdir / "platform.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", START_DEVSTACK], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 320
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError((workdir / "platform.log").read_text()[-3000:])
            try:
                if httpx.get(f"{url}/readyz", timeout=2).json().get("status") == "ready":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError("platform not ready")
        yield Platform(url, f"http://127.0.0.1:{base}", secret, process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def token(client: httpx.Client, client_id: str, secret: str) -> dict[str, str]:
    response = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def department(client: httpx.Client, bureau: dict[str, str], code: str) -> dict[str, str]:
    ok(client.post("/api/catalog/departments", json={"code": code, "name": code}, headers=bureau))
    made = ok(
        client.post(
            "/api/gateway/clients",
            json={"name": code, "roles": ["department"], "department": code},
            headers=bureau,
        )
    )
    unlimited(client, bureau, made["client_id"])
    return token(client, made["client_id"], made["client_secret"])


def unlimited(client: httpx.Client, bureau: dict[str, str], client_id: str) -> None:
    """The highest per-client rate the bureau can set: the default (50/s) would measure the
    limiter, not the path."""
    ok(
        client.put(
            f"/api/gateway/clients/{client_id}/rate-limit",
            json={"per_second": 10_000, "burst": 100_000},
            headers=bureau,
        )
    )


def credit_code(serial: int) -> str:
    base = f"91310105MA{serial:07d}"
    return base + uscc.calc_check_digit(base)


def set_up(client: httpx.Client, records: int = RECORDS) -> tuple[str, str, dict[str, str]]:
    """A published resource with the records, and an approved grant: (resource, grant, holder)."""
    bureau = token(client, DEV_ADMIN_ID, DEV_ADMIN_SECRET)
    provider_code, requester_code = (f"B{uuid.uuid4().hex[:5].upper()}" for _ in range(2))
    provider = department(client, bureau, provider_code)
    requester = department(client, bureau, requester_code)
    base = f"/api/catalog/departments/{provider_code}"
    ok(
        client.post(
            f"{base}/duties",
            json={"code": "DU1", "name": "登记", "legal_basis": "条例"},
            headers=provider,
        )
    )
    ok(client.post(f"{base}/systems", json={"code": "SY1", "name": "系统"}, headers=provider))
    fields = [
        {
            "name": "credit_code",
            "title": "统一社会信用代码",
            "type": "string",
            "format": "uscc",
            "sensitive": False,
            "key": True,
        },
        {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
        {"name": "capital", "title": "注册资本", "type": "number", "sensitive": False},
        {"name": "address", "title": "住所", "type": "string", "sensitive": True},
    ]
    resource = ok(
        client.post(
            "/api/catalog/resources",
            json={
                "department": provider_code,
                "code": "R1",
                "name": "企业登记信息",
                "description": "基准",
                "duty": "DU1",
                "system": "SY1",
                "share_type": "conditional",
                "open_type": "not_open",
                "grade": "general",
                "level": 2,
                "important": False,
                "update_frequency": "daily",
                "fields": fields,
            },
            headers=provider,
        )
    )["id"]
    ok(client.post(f"/api/catalog/resources/{resource}/submit", headers=provider))
    ok(client.post(f"/api/catalog/resources/{resource}/publish", headers=bureau))
    for start in range(0, records, 2_000):
        batch = [
            {"credit_code": credit_code(n), "name": f"企业{n}", "capital": n, "address": f"路{n}号"}
            for n in range(start, min(start + 2_000, records))
        ]
        assert ok(
            client.post(
                f"/api/catalog/resources/{resource}/records",
                json={"records": batch},
                headers=provider,
            )
        )["accepted"] == len(batch)
    ask = {
        "resource_id": resource,
        "requester": requester_code,
        "legal_basis": "条例",
        "scenario": "基准",
        "fields": ["credit_code", "name", "capital"],
        "method": "api",
        "valid_until": (date.today() + timedelta(days=30)).isoformat(),
        "attestation": True,
    }
    deadline = time.monotonic() + 60
    while True:  # until sharing's read model has the publication
        submitted = client.post("/api/sharing/requests", json=ask, headers=requester)
        if submitted.status_code == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    request = ok(submitted)["id"]
    grant = ok(client.post(f"/api/sharing/requests/{request}/approve", headers=provider))
    return resource, grant["grant_id"], requester


def walk(
    client: httpx.Client,
    path: str,
    headers: dict[str, str],
    fields: str | None,
    records: int = RECORDS,
) -> float:
    """Pages per second over all the records, 100 at a time."""
    params: dict[str, Any] = {"limit": PAGE}
    if fields:
        params["fields"] = fields
    pages, seen, started = 0, 0, time.perf_counter()
    while True:
        page = ok(client.get(path, params=params, headers=headers))
        pages, seen = pages + 1, seen + len(page["items"])
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == records, seen
    return pages / (time.perf_counter() - started)


def main() -> None:
    records = size_argument(RECORDS)
    with tempfile.TemporaryDirectory() as tmp, running_platform(Path(tmp)) as platform:
        url, catalog, key = platform.url, platform.catalog, platform.secret
        with httpx.Client(base_url=url, timeout=30) as gateway:
            print(f"publishing {records:,} records and approving a grant …", flush=True)
            resource, grant, holder = set_up(gateway, records)
            sharing_token = token(gateway, "pdp-sharing", key)
        direct_rates, gateway_rates = [], []
        with (
            httpx.Client(base_url=catalog, timeout=30) as direct,
            httpx.Client(base_url=url, timeout=30) as gateway,
        ):
            internal = f"/api/catalog/internal/resources/{resource}/records"
            data = f"/api/sharing/grants/{grant}/data"
            fields = "credit_code,name,capital"
            walk(direct, internal, sharing_token, fields, records)  # warm up
            walk(gateway, data, holder, None, records)
            for round_ in range(ROUNDS):
                direct_rates.append(walk(direct, internal, sharing_token, fields, records))
                gateway_rates.append(walk(gateway, data, holder, None, records))
                print(
                    f"  round {round_ + 1}: direct {direct_rates[-1]:,.1f} calls/s, "
                    f"through the gateway {gateway_rates[-1]:,.1f} calls/s",
                    flush=True,
                )
    direct_rate = sum(direct_rates) / ROUNDS
    gateway_rate = sum(gateway_rates) / ROUNDS
    report(
        f"Data calls, pages of {PAGE} over {records:,} records (make run: SQLite, embedded broker)",
        [
            ("catalog internal endpoint, direct (baseline)", direct_rate, "calls/s"),
            ("grant data call through the gateway", gateway_rate, "calls/s"),
        ],
        baseline="catalog internal endpoint, direct (baseline)",
    )
    ratio = gateway_rate / direct_rate
    verdict(f"data call / direct read {ratio:.2f}×", f"≥ {GOAL}× direct", ratio >= GOAL)


if __name__ == "__main__":
    main()
