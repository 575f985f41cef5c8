"""The gateway's cost: requests per second and p50/p99 latency for a small GET through the gateway
(edge checks, token and revocation, rate limit, routing, network log) beside the same GET straight
to the service, in the same run, at 16 connections (and p50 at one connection).

Two GETs: a hello-class one (a bare FastAPI handler, no database) and a database-backed one
(catalog's ``GET /api/catalog/departments/{code}``, token verified by the service). Every process
is a real uvicorn process on a local port, as ``make run`` starts them; the load generator is a
small keep-alive HTTP/1.1 client in this process. Figures are printed as ratios against the
same-run direct baseline, beside the goals of issue #8: at least 0.45× direct on the hello GET,
0.8× on the database GET, at most 2 ms added at p50.

Run: ``.venv/bin/python bench/bench_gateway.py [seconds per measurement]`` (default 4).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from _support import Figure, report, scratch_database, verdict

from pdp_devstack.supervisor import GATEWAY_UVICORN_ARGS

CONNECTIONS = 16
GOALS = {"hello": 0.45, "database": 0.8}
P50_ADDED_GOAL_MS = 2.0
HERE = Path(__file__).resolve().parent


def hello_app():  # type: ignore[no-untyped-def]
    """The hello-class service: one bare handler (served by ``--serve-hello``)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/api/opening/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def uvicorn(target: str, port: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "--factory", target, "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--log-level", "warning", *extra,
    ]  # fmt: skip


async def wait_ready(url: str, log: Path) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(600):
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    tail = (await asyncio.to_thread(log.read_text))[-3000:]
    raise RuntimeError(f"{url} did not start:\n{tail}")


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"content-length:")
    if at >= 0:
        await reader.readexactly(int(lower[at + 15 : lower.index(b"\r\n", at)]))
        return status
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return status


async def load(port: int, path: str, token: str, *, seconds: float, connections: int) -> Result:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (started := time.perf_counter()) < deadline:
                writer.write(request)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                errors += status != 200
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return Result(
        requests_per_second=len(ordered) / elapsed,
        p50_ms=ordered[len(ordered) // 2] * 1000,
        p99_ms=ordered[int(len(ordered) * 0.99)] * 1000,
        errors=errors,
    )


@asynccontextmanager
async def platform(workdir: Path) -> AsyncIterator[dict[str, str]]:
    """Hello service, catalog and the gateway as processes; yields their URLs and a token."""
    ports = {name: free_port() for name in ("hello", "catalog", "gateway")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    async with AsyncExitStack() as stack:
        catalog_db = await stack.enter_async_context(scratch_database("gw_catalog", workdir))
        gateway_db = await stack.enter_async_context(scratch_database("gw_gateway", workdir))
        base = {
            **os.environ,
            "PDP_ENV": "dev",  # said explicitly: a bare launch is prod
            "PDP_ROLE": "api",
            "PDP_DATA_DIR": str(workdir),
            "PDP_CREATE_DATABASE": "false",
            "PDP_KAFKA_BOOTSTRAP": "127.0.0.1:9",
            "PDP_LOG_JSON": "false",
            "PDP_LOG_LEVEL": "WARNING",
            "PDP_TOKEN_ISSUER": urls["gateway"],
            "PDP_JWKS_URL": f"{urls['gateway']}/.well-known/jwks.json",
            "PYTHONPATH": str(HERE),
        }
        gateway_env = {
            **base,
            "PDP_GATEWAY_DATABASE_URL": gateway_db,
            "PDP_GATEWAY_UPSTREAM_CATALOG": urls["catalog"],
            "PDP_GATEWAY_UPSTREAM_OPENING": urls["hello"],
            # the bench measures the bucket's cost, not its refusals
            "PDP_GATEWAY_RATE_PER_SECOND": "1000000",
            "PDP_GATEWAY_RATE_BURST": "1000000",
        }
        logs = {name: workdir / f"{name}.log" for name in ports}
        stack.enter_context(
            process(uvicorn("bench_gateway:hello_app", ports["hello"]), base, logs["hello"])
        )
        catalog_env = {**base, "PDP_CATALOG_DATABASE_URL": catalog_db}
        stack.enter_context(
            process(
                uvicorn("catalog.main:create_app", ports["catalog"]), catalog_env, logs["catalog"]
            )
        )
        stack.enter_context(
            process(
                uvicorn("gateway.main:create_app", ports["gateway"], *GATEWAY_UVICORN_ARGS),
                gateway_env,
                logs["gateway"],
            )
        )
        for name in ("gateway", "catalog"):
            await wait_ready(urls[name], logs[name])
        async with httpx.AsyncClient(timeout=10) as client:
            issued = await client.post(
                f"{urls['gateway']}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=("bureau-admin", "dev-only-bureau-secret"),
            )
            issued.raise_for_status()
            token = issued.json()["access_token"]
            seeded = await client.post(
                f"{urls['catalog']}/api/catalog/departments",
                json={"code": "D001", "name": "区市场监管局"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert seeded.status_code in (200, 201), seeded.text
        yield {**{f"{k}_port": str(v) for k, v in ports.items()}, "token": token}


async def measure(seconds: float) -> None:
    paths = {"hello": "/api/opening/hello", "database": "/api/catalog/departments/D001"}
    with tempfile.TemporaryDirectory() as tmp:
        async with platform(Path(tmp)) as running:
            token = running["token"]
            direct_port = {"hello": running["hello_port"], "database": running["catalog_port"]}
            gateway = int(running["gateway_port"])
            results: dict[tuple[str, str, int], list[Result]] = {}
            for _ in range(2):  # two rounds, interleaved: each figure measured twice
                for kind, path in paths.items():
                    for route, port in (("direct", int(direct_port[kind])), ("gateway", gateway)):
                        for connections in (CONNECTIONS, 1):
                            await load(port, path, token, seconds=0.5, connections=connections)
                            result = await load(
                                port, path, token, seconds=seconds, connections=connections
                            )
                            results.setdefault((kind, route, connections), []).append(result)
    for kind in paths:
        direct = results[(kind, "direct", CONNECTIONS)]
        through = results[(kind, "gateway", CONNECTIONS)]
        single_direct = results[(kind, "direct", 1)]
        single_through = results[(kind, "gateway", 1)]
        for route, rows in (("direct", direct), ("gateway", through)):
            errors = sum(row.errors for row in rows)
            if errors:
                print(f"  {kind} {route}: {errors} requests failed")
        report(
            f"{kind} GET {paths[kind]}: gateway vs direct, {CONNECTIONS} connections "
            f"(p50 at 1 connection), {seconds:g} s a figure, median of 2 rounds",
            [
                _figure("direct (baseline)", direct, single_direct),
                _figure("through the gateway", through, single_through),
            ],
            baseline="direct (baseline)",
        )
        pairs = zip(direct, through, strict=True)
        ratio = statistics.median(g.requests_per_second / d.requests_per_second for d, g in pairs)
        added = statistics.median(
            g.p50_ms - d.p50_ms for d, g in zip(single_direct, single_through, strict=True)
        )
        goal = GOALS[kind]
        verdict(f"{kind}: gateway / direct {ratio:.2f}×", f"≥ {goal}×", ratio >= goal)
        verdict(
            f"{kind}: p50 added at 1 connection {added:.2f} ms",
            f"≤ {P50_ADDED_GOAL_MS} ms",
            added <= P50_ADDED_GOAL_MS,
        )


def _figure(name: str, many: list[Result], one: list[Result]) -> Figure:
    return Figure(
        name,
        statistics.median(r.requests_per_second for r in many),
        "req/s",
        p50_ms=statistics.median(r.p50_ms for r in one),
        p99_ms=statistics.median(r.p99_ms for r in many),
    )


def main() -> None:
    asyncio.run(measure(float(sys.argv[1]) if len(sys.argv) > 1 else 4.0))


if __name__ == "__main__":
    main()
