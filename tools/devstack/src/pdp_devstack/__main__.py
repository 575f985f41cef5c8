"""``make run``: the whole platform on one machine, with no setup beyond Python.

Starts the embedded Kafka-protocol broker (unless ``PDP_KAFKA_BOOTSTRAP`` names one), the five
services on SQLite under ``PDP_DATA_DIR`` (unless ``PDP_DATABASE_URL`` names a PostgreSQL server)
and the gateway on ``PDP_GATEWAY_PORT``; waits until the gateway reports every part ready; prints
the URLs and the dev bureau credentials; stops everything on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import httpx

from pdp_devstack.stack import StackConfig
from pdp_devstack.supervisor import Supervisor, install_stop_signals
from pdp_kit.broker import EmbeddedBroker

READY_TIMEOUT_SECONDS = 60.0


async def wait_ready(url: str, deadline: float) -> dict[str, object] | None:
    last: dict[str, object] | None = None
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get(f"{url}/readyz")
                last = response.json()
                if last.get("status") == "ready":
                    return last
            except (httpx.HTTPError, ValueError):
                pass
            await asyncio.sleep(0.5)
    print(f"not ready after {READY_TIMEOUT_SECONDS:.0f}s; last answer: {last}", flush=True)
    return None


def banner(config: StackConfig, bootstrap: str, embedded: bool) -> str:
    admin_id, admin_secret = config.admin_credentials()
    dev = os.environ.get("PDP_ENV", "dev") in ("dev", "test")
    # A development secret is printed for the newcomer; a real one never is.
    shown_secret = f"{admin_secret}   (dev only)" if dev else "(PDP_BOOTSTRAP_ADMIN_SECRET)"
    broker_note = " (embedded Tansu, memory only)" if embedded else ""
    processes = [f"  {p.name:<14} http://{config.host}:{p.port}" for p in config.processes()]
    return "\n".join(
        [
            "",
            "长宁区公共数据平台 — the platform is ready",
            f"  gateway        {config.gateway_url}   (front door: open it in a browser)",
            f"  token          POST {config.gateway_url}/oauth/token (client credentials)",
            f"  bureau client  {admin_id} / {shown_secret}",
            f"  API docs       {config.gateway_url}/api/<service>/docs",
            f"  readiness      {config.gateway_url}/readyz",
            "  demo data      make demo   (in another terminal)",
            f"  broker         {bootstrap}{broker_note}",
            f"  data           {config.data_dir}",
            *processes,
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )


async def run() -> int:
    config = StackConfig.from_env()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    broker = None
    bootstrap = config.kafka_bootstrap
    if bootstrap is None:
        broker = EmbeddedBroker(config.kafka_port, log_path=config.data_dir / "broker.log").start()
        bootstrap = broker.bootstrap
    supervisor = Supervisor(
        config.environment(bootstrap, embedded_broker=broker is not None), config.host
    )
    stop = asyncio.Event()
    install_stop_signals(asyncio.get_running_loop(), stop.set)
    exit_code = 0
    try:
        started = time.monotonic()
        for process in config.processes():
            await supervisor.start(process)
        ready = asyncio.create_task(wait_ready(config.gateway_url, started + READY_TIMEOUT_SECONDS))
        crashed = asyncio.create_task(supervisor.wait_any_exit())
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({ready, crashed, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if ready in done and ready.result() is not None:
            print(banner(config, bootstrap, broker is not None), flush=True)
            print(f"ready in {time.monotonic() - started:.1f}s", flush=True)
            done, _ = await asyncio.wait({crashed, stopped}, return_when=asyncio.FIRST_COMPLETED)
        elif ready in done:
            exit_code = 1
        if crashed in done:
            print(f"{crashed.result()} exited unexpectedly; stopping the platform", flush=True)
            exit_code = 1
        for task in (ready, crashed, stopped):
            task.cancel()
    finally:
        print("stopping…", flush=True)
        await supervisor.stop()
        if broker is not None:
            broker.stop()
        print("stopped.", flush=True)
    return exit_code


def main() -> None:
    sys.exit(asyncio.run(run()))


if __name__ == "__main__":
    main()
