"""The operator calendar in each service's database, and the handler that keeps copies in step.

The catalog owns ``PUT /api/catalog/calendar/{year}`` and publishes ``CalendarYearLoaded``; every
other service stores the same year through :func:`when_calendar_year_loaded_store_it`, so all
deadlines in the platform are computed on the same calendar (DOMAIN: working days).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar import WorkingCalendar, YearSchedule
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event
from pdp_kit.models import CalendarYearRow


async def load_calendar(session: AsyncSession) -> WorkingCalendar:
    rows = (await session.scalars(select(CalendarYearRow))).all()
    return WorkingCalendar(
        YearSchedule.parse(
            row.year,
            holidays=[date.fromisoformat(d) for d in row.holidays],
            workdays=[date.fromisoformat(d) for d in row.workdays],
        )
        for row in rows
    )


async def store_year(session: AsyncSession, schedule: YearSchedule) -> bool:
    """Insert or replace the year's schedule; return whether it changed anything."""
    holidays = sorted(d.isoformat() for d in schedule.holidays)
    workdays = sorted(d.isoformat() for d in schedule.workdays)
    row = await session.get(CalendarYearRow, schedule.year)
    if row is None:
        session.add(CalendarYearRow(year=schedule.year, holidays=holidays, workdays=workdays))
        await session.flush()
        return True
    if row.holidays == holidays and row.workdays == workdays:
        return False
    row.holidays, row.workdays, row.loaded_at = holidays, workdays, utcnow()
    await session.flush()
    return True


#: A service's recomputation of its open deadlines after ``year``'s schedule changed:
#: ``(session, year, calendar, actor)``. It publishes an event per deadline it moved.
Recompute = Callable[[AsyncSession, int, WorkingCalendar, str | None], Awaitable[object]]
Handler = Callable[[AsyncSession, Event], Awaitable[None]]


async def store_and_recompute(
    session: AsyncSession,
    schedule: YearSchedule,
    recomputes: tuple[Recompute, ...],
    *,
    actor: str | None,
) -> bool:
    """Store the year; if that changed it, run each recompute on the new calendar."""
    if not await store_year(session, schedule):
        return False
    calendar = await load_calendar(session)
    for recompute in recomputes:
        await recompute(session, schedule.year, calendar, actor)
    return True


def when_calendar_year_loaded(*recomputes: Recompute) -> Handler:
    """The handler that stores a loaded year and recomputes the service's open deadlines whose
    dates fall in it: ``handlers={CalendarYearLoaded.event_type:
    [when_calendar_year_loaded(recompute_my_deadlines)]}``."""

    async def when_calendar_year_loaded_store_it(session: AsyncSession, event: Event) -> None:
        loaded = event.payload(CalendarYearLoaded)
        schedule = YearSchedule.parse(
            loaded.year, holidays=loaded.holidays, workdays=loaded.workdays
        )
        await store_and_recompute(session, schedule, recomputes, actor=event.actor)

    return when_calendar_year_loaded_store_it


#: Store the year only (a service with no deadlines of its own).
when_calendar_year_loaded_store_it = when_calendar_year_loaded()
