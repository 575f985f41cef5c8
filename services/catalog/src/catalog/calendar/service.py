"""The working-day calendar the whole platform counts deadlines on (DOMAIN: working days)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.calendar.schemas import WorkingDayAnswer, YearScheduleIn, YearSchedulePublic
from catalog.deadlines import recompute_deadlines
from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.calendar import InvalidSchedule, YearSchedule
from pdp_kit.calendar_store import load_calendar, store_and_recompute
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.events.outbox import record_event

MAX_ADD = 3650
#: The days a count may start on: ``LAST_DAY`` plus ``MAX_ADD`` working days stays far below
#: ``date.max`` (9999-12-31), which a far ``from`` with a large ``add`` used to overflow.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


async def load_year(
    session: AsyncSession,
    *,
    year: int,
    data: YearScheduleIn,
    confirm_empty: bool,
    principal: Principal,
) -> YearSchedulePublic:
    """The bureau loads a year's State Council schedule without a code release; every service
    receives it as an event. Loading the same schedule again publishes nothing. A year without
    any holiday is almost surely a mistake: refused unless ``confirm_empty``."""
    require_role(principal, Role.BUREAU)
    if not data.holidays and not data.workdays and not confirm_empty:
        raise Invalid(
            "日历为空，如确认请加 confirm_empty=true",
            errors=[FieldProblem("holidays", "an empty year needs confirm_empty=true")],
        )
    try:
        schedule = YearSchedule.parse(year, holidays=data.holidays, workdays=data.workdays)
    except InvalidSchedule as exc:
        raise Invalid(
            "日历数据无效", errors=[FieldProblem(field, message) for field, message in exc.errors]
        ) from exc
    # Every open deadline whose dates fall in the year follows the new schedule.
    recomputes = (recompute_deadlines,)
    if await store_and_recompute(session, schedule, recomputes, actor=principal.client_id):
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
    if not FIRST_DAY <= start <= LAST_DAY:
        raise Invalid(errors=[FieldProblem("from", f"must be between {FIRST_DAY} and {LAST_DAY}")])
    deadline = (await load_calendar(session)).add_working_days(start, add)
    return WorkingDayAnswer(
        from_=start, add=add, date=deadline.due_on, provisional=deadline.provisional
    )
