"""Change obligations: open, extend once, and read them (Art. 10).

A change in law, regulation, a superior decision or the department's duties obliges the
department to update its catalogue and submit it within 10 working days of ``occurred_on`` (the day
itself not counted); the bureau may grant one extension of 5 working days.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog import clock
from catalog.access import ensure_owner, ensure_owner_or_bureau, ensure_readable
from catalog.changes.models import ChangeObligation
from catalog.changes.schemas import ChangeCreate, ChangePublic
from catalog.departments.service import require_department
from catalog.ids import new_id
from catalog.resources.models import Resource
from pdp_contracts.catalog import (
    ChangeClosed,
    ChangeExtended,
    ChangeExtensionRefused,
    ChangeExtensionRequested,
    ChangeOpened,
    ChangeOverdueCleared,
)
from pdp_kit.auth import SUPERVISORS, Principal, Role, require_role
from pdp_kit.calendar import WorkingCalendar
from pdp_kit.calendar_store import load_calendar
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, FieldProblem, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

UPDATE_WORKING_DAYS = 10  # Art. 10
EXTENSION_WORKING_DAYS = 5  # Art. 10, once, with the bureau's consent


class WrongChangeState(Conflict):
    code, title = "change-wrong-state", "更新义务当前状态不允许此操作"


def to_public(change: ChangeObligation) -> ChangePublic:
    data: dict[str, Any] = {
        name: getattr(change, name) for name in ChangePublic.model_fields if name != "overdue"
    }
    return ChangePublic(**data, overdue=change.overdue_on is not None and change.status == "open")


def due_date(calendar: WorkingCalendar, change: ChangeObligation) -> tuple[Any, bool]:
    """Counted from ``occurred_on`` every time, so a recomputation never compounds."""
    days = UPDATE_WORKING_DAYS + (
        EXTENSION_WORKING_DAYS if change.extension_status == "approved" else 0
    )
    deadline = calendar.add_working_days(change.occurred_on, days)
    return deadline.due_on, deadline.provisional


async def open_change(
    session: AsyncSession, *, data: ChangeCreate, principal: Principal
) -> ChangeObligation:
    await require_department(session, data.department)
    ensure_owner_or_bureau(principal, data.department)
    problems = []
    if data.occurred_on > clock.today():
        problems.append(FieldProblem("occurred_on", "a change cannot have occurred in the future"))
    for index, resource_id in enumerate(data.resources):
        resource = await session.get(Resource, resource_id)
        if resource is None or resource.department != data.department:
            problems.append(
                FieldProblem(
                    f"resources.{index}", f"{resource_id} is not a resource of {data.department}"
                )
            )
    if problems:
        raise Invalid("更新义务有误", errors=problems)
    change = ChangeObligation(
        id=new_id(),
        department=data.department,
        kind="change",
        reason=data.reason,
        summary=data.summary,
        occurred_on=data.occurred_on,
        resources=list(dict.fromkeys(data.resources)),
        due_on=data.occurred_on,
    )
    change.due_on, change.provisional = due_date(await load_calendar(session), change)
    session.add(change)
    await record_event(
        session,
        ChangeOpened(
            id=change.id,
            department=change.department,
            kind=change.kind,
            reason=change.reason,
            occurred_on=change.occurred_on,
            due_on=change.due_on,
            provisional=change.provisional,
            resources=change.resources,
        ),
        subject=change.id,
        actor=principal.client_id,
        department=change.department,
    )
    await session.flush()
    return change


async def find_change(
    session: AsyncSession, change_id: str, principal: Principal, *, lock: bool = False
) -> ChangeObligation:
    change = (
        await get_for_update(session, ChangeObligation, change_id)
        if lock
        else await session.get(ChangeObligation, change_id)
    )
    if change is None:
        raise NotFound(f"更新义务 {change_id} 不存在")
    ensure_readable(principal, change.department)
    return change


async def list_changes(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    department: str | None,
    status: str | None,
) -> Page[ChangePublic]:
    query: Any = select(ChangeObligation)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        query = query.where(col(ChangeObligation.department) == (principal.department or ""))
    if department is not None:
        query = query.where(col(ChangeObligation.department) == department)
    if status is not None:
        query = query.where(col(ChangeObligation.status) == status)
    return await keyset_page(
        session,
        query,
        key=ChangeObligation.id,  # type: ignore[arg-type]
        page=page,
        to_public=to_public,
        cursor_of=lambda c: c.id,
    )


def _require(
    change: ChangeObligation, *, kind: str | None = None, extension: str | None = None
) -> None:
    problems = []
    if change.status != "open":
        problems.append(FieldProblem("status", f"is {change.status}"))
    if kind is not None and change.kind != kind:
        problems.append(FieldProblem("kind", f"is {change.kind}; the action needs {kind}"))
    if extension is not None and change.extension_status != extension:
        problems.append(
            FieldProblem(
                "extension_status", f"is {change.extension_status}; the action needs {extension}"
            )
        )
    if problems:
        raise WrongChangeState(errors=problems)


async def request_extension(
    session: AsyncSession, *, change_id: str, reason: str, principal: Principal
) -> ChangeObligation:
    """The department asks once, before the due date and before it submitted its update; a
    second request, granted or refused, or a late one is a 409 (Art. 10)."""
    change = await find_change(session, change_id, principal, lock=True)
    ensure_owner(principal, change.department)
    _require(change, kind="change", extension="none")
    if change.submitted_on is not None:
        raise WrongChangeState(
            errors=[FieldProblem("submitted_on", "the update was already submitted")]
        )
    if clock.today() > change.due_on:
        raise WrongChangeState(
            errors=[FieldProblem("due_on", f"the deadline {change.due_on} has passed")]
        )
    change.extension_status, change.extension_reason = "requested", reason
    await record_event(
        session,
        ChangeExtensionRequested(id=change.id, department=change.department, reason=reason),
        subject=change.id,
        actor=principal.client_id,
        department=change.department,
    )
    await session.flush()
    return change


async def approve_extension(
    session: AsyncSession, *, change_id: str, principal: Principal
) -> ChangeObligation:
    """The bureau's consent moves ``due_on`` by 5 working days (Art. 10)."""
    require_role(principal, Role.BUREAU)
    change = await find_change(session, change_id, principal, lock=True)
    _require(change, kind="change", extension="requested")
    change.extension_status = "approved"
    change.due_on, change.provisional = due_date(await load_calendar(session), change)
    change.extension_decided_at = utcnow()
    if change.overdue_on is not None and change.due_on >= change.overdue_on:
        # Asked in time, granted late: the flag published against the old date no longer holds.
        await clear_overdue(session, change, reason="extension_granted", actor=principal.client_id)
    await record_event(
        session,
        ChangeExtended(
            id=change.id,
            department=change.department,
            due_on=change.due_on,
            provisional=change.provisional,
        ),
        subject=change.id,
        actor=principal.client_id,
        department=change.department,
    )
    await session.flush()
    return change


async def refuse_extension(
    session: AsyncSession, *, change_id: str, reason: str, principal: Principal
) -> ChangeObligation:
    require_role(principal, Role.BUREAU)
    change = await find_change(session, change_id, principal, lock=True)
    _require(change, kind="change", extension="requested")
    change.extension_status = "refused"
    await record_event(
        session,
        ChangeExtensionRefused(id=change.id, department=change.department, reason=reason),
        subject=change.id,
        actor=principal.client_id,
        department=change.department,
    )
    await session.flush()
    return change


async def complete_review(
    session: AsyncSession, *, change_id: str, summary: str, principal: Principal
) -> ChangeObligation:
    """The department declares its annual full review done (Art. 10: 每年至少主动全面复核一次)."""
    change = await find_change(session, change_id, principal, lock=True)
    ensure_owner(principal, change.department)
    _require(change, kind="annual_review")
    change.summary = summary
    change.submitted_on = clock.today()
    await close(session, change, closed_on=change.submitted_on, actor=principal.client_id)
    return change


async def clear_overdue(
    session: AsyncSession, change: ChangeObligation, *, reason: str, actor: str | None
) -> None:
    """Lift a published overdue flag, publicly: nothing clears one without an event."""
    change.overdue_on = None
    await record_event(
        session,
        ChangeOverdueCleared(
            id=change.id, department=change.department, due_on=change.due_on, reason=reason
        ),
        subject=change.id,
        actor=actor,
        department=change.department,
    )


async def close(
    session: AsyncSession, change: ChangeObligation, *, closed_on: Any, actor: str | None
) -> None:
    change.status, change.closed_on = "closed", closed_on
    on_time = change.submitted_on is not None and change.submitted_on <= change.due_on
    await record_event(
        session,
        ChangeClosed(
            id=change.id,
            department=change.department,
            kind=change.kind,
            closed_on=closed_on,
            on_time=on_time,
        ),
        subject=change.id,
        actor=actor,
        department=change.department,
    )
    await session.flush()
