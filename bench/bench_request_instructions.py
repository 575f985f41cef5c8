"""CPU instructions per request: the catalog's GET against the bare app, counted, not timed.

The request-path rates of ``bench_request_path.py`` swing by tens of percent when anything else
runs on the machine. An instruction count does not: each side runs in its own process under
``valgrind --tool=callgrind`` with instrumentation off until the app is started and warmed up,
then counts the instructions of N requests driven in process through the ASGI interface (the
same raw ASGI messages for both sides; the database work is real, on PostgreSQL if reachable).
The server's HTTP parsing (uvicorn) is the same code on both sides and is left out.

Read it as the CPU the service spends per request beside the bare app's: the rate ratio of the
request-path goal can only come near 1 / this ratio (PostgreSQL's own work aside).
Run: ``.venv/bin/python bench/bench_request_instructions.py [requests]`` (needs valgrind).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _support import report, verdict

BENCH_DIR = Path(__file__).resolve().parent
WARM_UP = 300


async def _drive(app: Any, path: str, headers: dict[str, str], count: int) -> None:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"host", b"bench")]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    for _ in range(count):
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any], sent: list[dict[str, Any]] = sent) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise RuntimeError(f"{path} answered {sent[0]['status']}")


def _callgrind(on: bool) -> None:
    control = shutil.which("callgrind_control") or "callgrind_control"
    subprocess.run(
        [control, "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        capture_output=True,
    )


async def _child(side: str, count: int) -> None:
    """Runs under callgrind: start one side, warm it up, count ``count`` requests."""
    import bench_request_path as request_path
    from _support import scratch_database

    jwks, token = request_path.signing()
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_database("instructions", Path(tmp)) as url:
            await request_path.prepare(url)
            if side == "bare":
                os.environ["BENCH_DATABASE_URL"] = url
                from _bare_app import create

                app, path, headers = create(), request_path.PATH, {}
            else:
                os.environ.update(request_path.service_env(url, jwks, role="api", bootstrap=""))
                os.environ["PDP_KAFKA_BOOTSTRAP"] = "127.0.0.1:1"
                from catalog.main import create_app

                app = create_app()
                path, headers = (
                    f"/api/catalog{request_path.PATH}",
                    {"Authorization": f"Bearer {token}"},
                )
            async with app.router.lifespan_context(app):
                await _drive(app, path, headers, WARM_UP)
                _callgrind(True)
                await _drive(app, path, headers, count)
                _callgrind(False)


def _count(side: str, count: int) -> int:
    """Instructions per request of one side, counted in a child process under callgrind."""
    done = subprocess.run(
        [
            shutil.which("valgrind") or "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            side,
            str(count),
        ],
        cwd=BENCH_DIR,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), *_python_path()])},
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run of {side} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1)) // count


def _python_path() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        asyncio.run(_child(sys.argv[2], int(sys.argv[3])))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed (apt-get install valgrind): instruction counts skipped")
        return
    print(f"counting the instructions of {count} requests a side under callgrind…", flush=True)
    bare = _count("bare", count)
    service = _count("service", count)
    report(
        f"Instructions per GET of one department (in process, {count} requests, callgrind)",
        [
            ("bare FastAPI + SQLModel (baseline)", bare, "instructions"),
            ("catalog service", service, "instructions"),
        ],
        baseline="bare FastAPI + SQLModel (baseline)",
    )
    # Instructions are what the machine's load cannot change; a rate of ≥ 0.85× bare needs ≤ 1.18×.
    verdict(f"service / bare {service / bare:.2f}× instructions", "≤ 1.18×", service / bare <= 1.18)


if __name__ == "__main__":
    main()
