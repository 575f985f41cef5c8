"""The running suite: the ``platform`` fixture comes from the kit's pytest plugin
(``pdp_kit.testing.platform``), shared with ``tests/browser``; the names the tests here use are
re-exported so they keep importing them from ``.conftest``."""

from __future__ import annotations

from pdp_kit.testing.platform import (
    AUDIT_SECRET,
    INTERNAL_SECRET,
    READY_WITHIN_SECONDS,
    SERVICE_ORDER,
    RunningPlatform,
)
from pdp_kit.testing.platform import free_port_block as _free_port_block
from pdp_kit.testing.platform import wait_ready as _wait_ready

__all__ = [
    "AUDIT_SECRET",
    "INTERNAL_SECRET",
    "READY_WITHIN_SECONDS",
    "SERVICE_ORDER",
    "RunningPlatform",
    "_free_port_block",
    "_wait_ready",
]
