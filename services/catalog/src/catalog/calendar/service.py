"""The working-day calendar the whole platform counts deadlines on (DOMAIN: working days)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.calendar.schemas import WorkingDayAnswer, YearScheduleIn, YearSchedulePublic
from catalog.deadlines import recompute_provisional
from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.calendar import InvalidSchedule, YearSchedule
from pdp_kit.calendar_store import load_calendar, store_year
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.events.outbox import record_event

MAX_ADD = 3650


async def load_year(
    session: AsyncSession, *, year: int, data: YearScheduleIn, principal: Principal
) -> YearSchedulePublic:
    """The bureau loads a year's State Council schedule without a code release; every service
    receives it as an event. Loading the same schedule again publishes nothing."""
    require_role(principal, Role.BUREAU)
    try:
        schedule = YearSchedule.parse(year, holidays=data.holidays, workdays=data.workdays)
    except InvalidSchedule as exc:
        raise Invalid(
            "日历数据无效", errors=[FieldProblem(field, message) for field, message in exc.errors]
        ) from exc
    if await store_year(session, schedule):
        # Deadlines that were provisional for lack of this year's schedule become real now.
        await recompute_provisional(session, actor=principal.client_id)
        await record_event(
            session,
            CalendarYearLoaded(
                year=year, holidays=sorted(schedule.holidays), workdays=sorted(schedule.workdays)
            ),
            subject=str(year),
            actor=principal.client_id,
        )
    return await get_year(session, year=year)


async def get_year(session: AsyncSession, *, year: int) -> YearSchedulePublic:
    calendar = await load_calendar(session)
    days = [
        date.fromordinal(n)
        for n in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)
    ]
    weekday_off = [d for d in days if d.weekday() < 5 and not calendar.is_working_day(d)]
    weekend_work = [d for d in days if d.weekday() >= 5 and calendar.is_working_day(d)]
    return YearSchedulePublic(
        year=year, source=calendar.source_for(year), holidays=weekday_off, workdays=weekend_work
    )


async def working_days_after(session: AsyncSession, *, start: date, add: int) -> WorkingDayAnswer:
    if not 1 <= add <= MAX_ADD:
        raise Invalid(errors=[FieldProblem("add", f"must be between 1 and {MAX_ADD}")])
    deadline = (await load_calendar(session)).add_working_days(start, add)
    return WorkingDayAnswer(
        from_=start, add=add, date=deadline.due_on, provisional=deadline.provisional
    )
