"""The integrity check's last result on ``/metrics`` (beside the kit's, :mod:`pdp_kit.metrics`).

Set by every check, the API's and the daily sweep's. Until a process has checked, the result is
NaN (unknown), which no alert mistakes for a failure.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from prometheus_client import Gauge


@dataclass(frozen=True)
class IntegrityMetrics:
    ok: Gauge
    checked_at: Gauge

    def record(self, ok: bool) -> None:
        self.ok.set(1 if ok else 0)
        self.checked_at.set(time.time())


@functools.cache
def integrity_metrics() -> IntegrityMetrics:
    """Registered on first call (the audit lifespan makes it), never at import."""
    ok = Gauge("pdp_audit_integrity_ok", "1 if the last integrity check found the chains intact.")
    ok.set(math.nan)
    return IntegrityMetrics(
        ok=ok,
        checked_at=Gauge(
            "pdp_audit_integrity_checked_timestamp_seconds",
            "When this process last checked the chains' integrity (Unix time; 0 for never).",
        ),
    )


@asynccontextmanager
async def integrity_gauges(app: FastAPI) -> AsyncIterator[None]:
    """Extension: name the integrity metrics on ``/metrics`` from the first scrape."""
    integrity_metrics()
    yield
