"""A service recomputes its open deadlines when a calendar year lands: the kit's handler stores
the year and calls the service's recompute hooks, only when the year changed."""

from datetime import date
from typing import Any

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar import WorkingCalendar
from pdp_kit.calendar_store import when_calendar_year_loaded
from pdp_kit.events.envelope import Event


def loaded(year: int, holidays: list[date]) -> Event:
    return Event.of(
        CalendarYearLoaded(year=year, holidays=holidays, workdays=[]),
        subject=str(year),
        actor="bureau-admin",
    )


async def test_a_loaded_year_runs_the_services_recompute_on_the_new_calendar(app) -> None:
    calls: list[tuple[int, date, str | None]] = []

    async def recompute(session: Any, year: int, calendar: WorkingCalendar, actor: str | None):
        calls.append((year, calendar.add_working_days(date(2043, 4, 30), 1).due_on, actor))

    handler = when_calendar_year_loaded(recompute)
    event = loaded(2043, [date(2043, 5, 1), date(2043, 5, 4)])
    for _ in range(2):  # the same year again changes nothing: no second recompute
        async with app.state.sessionmaker() as session, session.begin():
            await handler(session, event)
    assert calls == [(2043, date(2043, 5, 5), "bureau-admin")]
    async with app.state.sessionmaker() as session, session.begin():
        await handler(session, loaded(2043, [date(2043, 5, 1)]))  # a correction
    assert calls[-1] == (2043, date(2043, 5, 4), "bureau-admin")
