"""``make run``'s supervisor: prints what a newcomer needs, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pdp_kit.broker import free_port
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

from .conftest import _free_port_block, _wait_ready


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_ctrl_c_stops_every_process_it_started(tmp_path: Path) -> None:
    gateway_port = free_port()
    env = {
        **os.environ,
        "PDP_ENV": "dev",
        "PDP_DATA_DIR": str(tmp_path / "data"),
        "PDP_GATEWAY_PORT": str(gateway_port),
        "PDP_KAFKA_PORT": str(free_port()),
        "PDP_SERVICE_PORT_BASE": str(_free_port_block(6)),  # services, municipal-sim
    }
    env.pop("PDP_DATABASE_URL", None)
    env.pop("PDP_KAFKA_BOOTSTRAP", None)
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pdp_devstack"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_ready(
            f"http://127.0.0.1:{gateway_port}", process, log, deadline=time.monotonic() + 90
        )
        deadline = time.monotonic() + 10
        while "Press Ctrl-C" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        started = descendants(process.pid)
        assert len(started) >= 8  # five services, the gateway, the municipal simulator, the broker
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text()
    assert f"http://127.0.0.1:{gateway_port}" in output
    assert f"{DEV_ADMIN_ID} / {DEV_ADMIN_SECRET}" in output
    assert "stopped." in output
    time.sleep(0.5)
    assert [pid for pid in started if alive(pid)] == []
