"""Who sees which clocks, and the board's rows: working days left on the services' calendar.

A department's staff see the clocks their department owes; the bureau and ops see every
department's. Nobody else reads the board (Art. 32: least privilege).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.clocks.models import ClockDepartment, ClockKind, ClockState, LegalClock
from pdp_kit.auth import Principal, Role
from pdp_kit.calendar import WorkingCalendar
from pdp_kit.calendar_store import load_calendar
from pdp_kit.errors import Forbidden, Invalid
from pdp_kit.sweeps import today_in_shanghai

PAGE_SIZE = 50
SEES_EVERY_DEPARTMENT = (Role.BUREAU, Role.OPS)


class BoardNotForThisUser(Forbidden):
    code, title = "clocks-forbidden", "无权查看时限看板"


def today() -> date:
    """The day the board counts from (Asia/Shanghai); tests move it."""
    return today_in_shanghai()


@dataclass(frozen=True)
class BoardRow:
    kind: str
    object_id: str
    department: str | None
    subject: str
    due_on: date | None
    provisional: bool
    overdue: bool
    extension_requested: bool
    #: Working days from today to the due date; negative once it has passed.
    days_left: int | None


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    page: int
    has_next: bool
    #: The one department this user may see, or ``None`` for all of them.
    own_department: str | None


def department_scope(principal: Principal) -> str | None:
    """``None`` for a user who sees every department, else the one department it sees."""
    if principal.has(*SEES_EVERY_DEPARTMENT):
        return None
    if principal.has(Role.DEPARTMENT) and principal.department:
        return principal.department
    raise BoardNotForThisUser("时限看板仅向区数据局、平台运维和各部门工作人员开放")


async def open_clocks(
    session: AsyncSession,
    *,
    principal: Principal,
    department: str | None = None,
    kind: str | None = None,
    page: int = 1,
) -> Board:
    """One page of the clocks still running, soonest due first; ``department`` and ``kind``
    narrow the list (a department user's list is its own department's whatever it asks)."""
    own = department_scope(principal)
    if kind and kind not in ClockKind.__members__.values():
        raise Invalid(f"未知的时限类型：{kind}")
    if page < 1:
        raise Invalid("页码从 1 开始")
    query = select(LegalClock).where(col(LegalClock.state) != ClockState.CLOSED.value)
    if own is not None:
        query = query.where(col(LegalClock.department) == own)
    elif department:
        query = query.where(col(LegalClock.department) == department)
    if kind:
        query = query.where(col(LegalClock.kind) == kind)
    query = query.order_by(
        col(LegalClock.due_on).is_(None),
        col(LegalClock.due_on),
        col(LegalClock.kind),
        col(LegalClock.object_id),
    )
    found = list(
        (await session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))).all()
    )
    calendar = await load_calendar(session)
    on = today()
    rows = [_row(clock, calendar, on) for clock in found[:PAGE_SIZE]]
    return Board(rows=rows, page=page, has_next=len(found) > PAGE_SIZE, own_department=own)


def working_days_left(calendar: WorkingCalendar, on: date, due_on: date) -> int:
    """Working days in (on, due_on]; once due_on has passed, minus the working days since."""
    if due_on >= on:
        return calendar.working_days_between(on, due_on)
    return -calendar.working_days_between(due_on, on)


def _row(clock: LegalClock, calendar: WorkingCalendar, on: date) -> BoardRow:
    days_left = working_days_left(calendar, on, clock.due_on) if clock.due_on else None
    overdue = clock.state == ClockState.OVERDUE.value or (days_left is not None and days_left < 0)
    return BoardRow(
        kind=clock.kind,
        object_id=clock.object_id,
        department=clock.department,
        subject=clock.subject,
        due_on=clock.due_on,
        provisional=clock.provisional,
        overdue=overdue,
        extension_requested=clock.extension_requested,
        days_left=days_left,
    )


async def count_by_kind_and_state(session: AsyncSession) -> dict[tuple[str, str], int]:
    """Running clocks per (kind, state), for ``pdp_open_clocks``."""
    query = (
        select(col(LegalClock.kind), col(LegalClock.state), func.count())
        .where(col(LegalClock.state) != ClockState.CLOSED.value)
        .group_by(col(LegalClock.kind), col(LegalClock.state))
    )
    return {(kind, state): count for kind, state, count in (await session.execute(query)).all()}


async def departments_with_clocks(session: AsyncSession, *, principal: Principal) -> list[str]:
    """The departments the filter offers: those owing a running clock that this user sees."""
    own = department_scope(principal)
    if own is not None:
        return [own]
    query = (
        select(col(LegalClock.department))
        .where(
            col(LegalClock.state) != ClockState.CLOSED.value,
            col(LegalClock.department).is_not(None),
        )
        .distinct()
        .order_by(col(LegalClock.department))
    )
    return [code for code in (await session.scalars(query)).all() if code]


async def department_names(session: AsyncSession) -> dict[str, str]:
    """Department code -> name, as catalog registered them."""
    rows = (await session.scalars(select(ClockDepartment))).all()
    return {row.code: row.name for row in rows}


def department_label(names: dict[str, str], code: str | None) -> str:
    """``区民政局（D003）``; the code alone for a department catalog has not named (yet)."""
    if not code:
        return "—"
    return f"{names[code]}（{code}）" if code in names else code
