from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from catalog.calendar import service
from catalog.calendar.schemas import WorkingDayAnswer, YearScheduleIn, YearSchedulePublic
from catalog.calendar.service import FIRST_DAY, LAST_DAY, MAX_ADD
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(prefix="/calendar", tags=["calendar"])
Year = Annotated[int, Path(ge=2000, le=2200)]


@router.get("/working-days", response_model=WorkingDayAnswer, response_model_by_alias=True)
async def working_days(
    session: SessionDep,
    from_: Annotated[
        date,
        Query(
            alias="from",
            description=f"起算日（当日不计入），{FIRST_DAY} 至 {LAST_DAY}",
            json_schema_extra={"formatMinimum": str(FIRST_DAY), "formatMaximum": str(LAST_DAY)},
        ),
    ],
    add: Annotated[int, Query(ge=1, le=MAX_ADD, description="工作日数")],
) -> WorkingDayAnswer:
    """The date `add` working days after `from` (the day itself not counted, Civil Code Art. 201),
    and whether it is `provisional` because that year's schedule is not yet known.
    Open to anyone."""
    return await service.working_days_after(session, start=from_, add=add)


@router.put("/{year:int}", response_model=YearSchedulePublic)
async def load_year(
    year: Year,
    data: YearScheduleIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    confirm_empty: Annotated[
        bool, Query(description="确认该年度没有任何调休安排（空日历默认拒绝）")
    ] = False,
) -> YearSchedulePublic:
    """Load or correct a year's official holidays and adjusted working weekends (bureau only).
    Every open deadline whose dates fall in that year is recomputed, each change published."""
    return await service.load_year(
        session, year=year, data=data, confirm_empty=confirm_empty, principal=principal
    )


@router.get("/{year:int}", response_model=YearSchedulePublic)
async def get_year(year: Year, session: SessionDep) -> YearSchedulePublic:
    """The year's weekday days off and working weekends, and where they come from."""
    return await service.get_year(session, year=year)
