"""A small HTTP/1.1 keep-alive load generator, and a way to run an ASGI app in its own process.

The same client drives the baseline and the platform in the same run, so its own cost is the same
on both sides of a ratio. It speaks just enough HTTP for ``Content-Length`` responses (what
uvicorn sends for JSON), which keeps it far below the server's cost per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", *(f"{k}: {v}" for k, v in headers.items())]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _connection(
    port: int, raw: bytes, deadline: float, latencies: list[float], counts: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(raw)
            status = await _read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            counts[0 if status < 400 else 1] += 1
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def hammer(
    port: int,
    path: str,
    *,
    headers: dict[str, str],
    connections: int,
    seconds: float,
    method: str = "GET",
    body: bytes = b"",
) -> Load:
    """``connections`` keep-alive connections sending the same request for ``seconds``."""
    if body:
        headers = {**headers, "Content-Type": "application/json"}
    raw = _request(method, path, headers, body)
    latencies: list[float] = []
    counts = [0, 0]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(port, raw, deadline, latencies, counts) for _ in range(connections))
    )
    return Load(counts[0] + counts[1], time.perf_counter() - started, latencies, counts[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux ``/proc``): a figure that, unlike the
    request rate, does not fall when other work shares the machine's cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(factory: str, env: dict[str, str], *, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``uvicorn --factory`` in a child process as ``make run`` starts it; stopped on exit."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={**os.environ, **env, "PYTHONPATH": str(BENCH_DIR)},
        cwd=BENCH_DIR,
    )
    try:
        _wait_for_port(port, child)
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_for_port(port: int, child: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"server exited with {child.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")
