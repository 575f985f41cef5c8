"""Runs the stack's processes, prefixes their output, and stops all of them together.

Children are asked to die with the supervisor (``PR_SET_PDEATHSIG``) so even a killed
supervisor leaves no orphan behind; Ctrl-C or SIGTERM stops every child and the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from pdp_devstack.stack import Process

_PR_SET_PDEATHSIG = 1
#: The gateway's own uvicorn options, as in the image (Dockerfile, compose).
GATEWAY_UVICORN_ARGS = (
    "--no-proxy-headers",
    "--http",
    "gateway.edge.head_deadline:HeadDeadlineProtocol",
)


def _die_with_parent() -> None:
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Supervisor:
    env: dict[str, str]
    host: str
    children: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    _pumps: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, process: Process) -> None:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            process.module,
            "--host",
            self.host,
            "--port",
            str(process.port),
            "--no-access-log",
            # the gateway judges X-Forwarded-For itself (PDP_GATEWAY_TRUSTED_PROXIES) and
            # bounds each request's head (slowloris callers get 408)
            *(GATEWAY_UVICORN_ARGS if process.name == "gateway" else []),
            "--timeout-graceful-shutdown",
            "10",
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self.children[process.name] = child
        self._pumps.append(asyncio.create_task(_pump(process.name, child)))

    async def wait_any_exit(self) -> str:
        waits = {asyncio.create_task(c.wait()): name for name, c in self.children.items()}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return waits[done.pop()]

    async def stop(self, timeout: float = 15.0) -> None:
        for child in self.children.values():
            if child.returncode is None:
                child.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(c.wait() for c in self.children.values())), timeout
            )
        except TimeoutError:
            for child in self.children.values():
                if child.returncode is None:
                    child.kill()
            await asyncio.gather(*(c.wait() for c in self.children.values()))
        for pump in self._pumps:
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)


async def _pump(name: str, child: asyncio.subprocess.Process) -> None:
    assert child.stdout is not None
    label = f"[{name:>8}] "
    while line := await child.stdout.readline():
        sys.stdout.write(label + line.decode(errors="replace"))
        sys.stdout.flush()


def install_stop_signals(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
