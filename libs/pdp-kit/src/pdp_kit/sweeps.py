"""Scheduled sweeps: idempotent functions of an ``as_of`` date (deadlines, idle grants, retention).

Each sweep runs in its own transaction holding its lease row; on PostgreSQL the row is taken with
``FOR UPDATE SKIP LOCKED``, so with several replicas exactly one runs a sweep at a time and the
others skip it. Running a sweep twice for the same date changes nothing the second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from pdp_kit.auth import CurrentPrincipal, Role, require_role
from pdp_kit.db import utcnow
from pdp_kit.errors import PROBLEM_RESPONSES, FieldProblem, Invalid
from pdp_kit.iso import IsoDate
from pdp_kit.metrics import changes_in, platform_metrics
from pdp_kit.models import SweepLease

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")

SweepFunction = Callable[[AsyncSession, date], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Sweep:
    name: str
    run: SweepFunction


def today_in_shanghai() -> date:
    """Deadlines are dates in Asia/Shanghai (ARCHITECTURE: Time)."""
    return datetime.now(SHANGHAI).date()


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_sweeps(
    sessionmaker: async_sessionmaker[AsyncSession],
    sweeps: Sequence[Sweep],
    *,
    as_of: date,
    skip_if_done: bool = False,
) -> dict[str, Any]:
    """Run each sweep once for ``as_of``; a sweep another replica holds is reported as skipped."""
    results: dict[str, Any] = {}
    for sweep in sweeps:
        await _ensure_lease_row(sessionmaker, sweep.name)
        async with sessionmaker() as session, session.begin():
            query = select(SweepLease).where(col(SweepLease.name) == sweep.name)
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            lease = await session.scalar(query)
            if lease is None:
                results[sweep.name] = {"skipped": "running elsewhere"}
                continue
            if skip_if_done and lease.last_as_of == as_of:
                results[sweep.name] = {"skipped": "already run for this date"}
                continue
            lease.holder, lease.started_at = _holder(), utcnow()
            outcome = await _run_counted(sweep, session, as_of)
            lease.last_as_of, lease.last_result = as_of, outcome
            results[sweep.name] = outcome
            log.info("sweep %s as of %s: %s", sweep.name, as_of, outcome)
    return results


async def _run_counted(sweep: Sweep, session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Run one sweep, counting the run by outcome and what it changed."""
    metrics = platform_metrics()
    try:
        outcome = await sweep.run(session, as_of)
    except Exception:
        metrics.sweep_runs.labels(sweep.name, "failed").inc()
        raise
    metrics.sweep_runs.labels(sweep.name, "ok").inc()
    metrics.sweep_changes.labels(sweep.name).inc(changes_in(outcome))
    return outcome


async def _ensure_lease_row(sessionmaker: async_sessionmaker[AsyncSession], name: str) -> None:
    try:
        async with sessionmaker() as session, session.begin():
            if await session.get(SweepLease, name) is None:
                session.add(SweepLease(name=name))
    except IntegrityError:
        pass  # another replica created it first


async def run_on_schedule(
    sessionmaker: async_sessionmaker[AsyncSession],
    sweeps: Sequence[Sweep],
    *,
    interval_seconds: float,
    stop: asyncio.Event,
) -> None:
    while not stop.is_set():
        try:
            await run_sweeps(sessionmaker, sweeps, as_of=today_in_shanghai(), skip_if_done=True)
        except Exception:
            log.exception("scheduled sweeps failed; next run in %.0fs", interval_seconds)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)


class SweepReport(BaseModel):
    as_of: date
    results: dict[str, Any]


def admin_router(service: str) -> APIRouter:
    """``POST /api/<service>/admin/sweep`` (CONTRACT: Sweeps)."""
    router = APIRouter(prefix=f"/api/{service}/admin", tags=["admin"], responses=PROBLEM_RESPONSES)

    @router.post("/sweep", response_model=SweepReport)
    async def sweep(
        request: Request,
        principal: CurrentPrincipal,
        as_of: Annotated[IsoDate | None, Query(description="默认今天（上海时间）")] = None,
    ) -> SweepReport:
        """Run this service's scheduled sweeps now, as of a date. Bureau only; a date other than
        today is accepted only in the dev and test environments."""
        require_role(principal, Role.BUREAU)
        today = today_in_shanghai()
        day = as_of or today
        if day != today and not request.app.state.settings.is_dev_or_test:
            raise Invalid(
                "as_of 只能是今天（仅开发和测试环境可指定其他日期）",
                errors=[FieldProblem("as_of", "only today outside dev and test")],
            )
        results = await run_sweeps(
            request.app.state.sessionmaker, request.app.state.definition.sweeps, as_of=day
        )
        return SweepReport(as_of=day, results=results)

    return router
