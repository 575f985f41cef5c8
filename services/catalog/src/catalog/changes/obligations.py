"""How obligations are met and missed (Art. 10): submitting updates meets the deadline,
publishing them closes the obligation; the sweeps open the annual review and flag what is late.

An obligation that names resources is met when each of them has been submitted after it opened;
one that names none is met by the department's next submission. The deadline measures the
department's part (Art. 10: complete the update and submit it within 10 working days); the
bureau's 2-day review is tracked on the resource. The obligation closes once every update it
counted is published.
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.changes.models import ChangeObligation, ChangeUpdate
from catalog.changes.service import close
from catalog.departments.models import Department
from catalog.ids import new_id
from catalog.resources.models import Resource
from pdp_contracts.catalog import ChangeOpened, ChangeOverdue, ChangeReopened
from pdp_kit.auth import Principal
from pdp_kit.events.outbox import record_event


async def _open_changes(session: AsyncSession, department: str) -> list[ChangeObligation]:
    # Locked, in one order, so two updates counted by one obligation are applied one at a time.
    query = (
        select(ChangeObligation)
        .where(
            col(ChangeObligation.department) == department,
            col(ChangeObligation.kind) == "change",
            col(ChangeObligation.status) == "open",
        )
        .order_by(col(ChangeObligation.id))
        .with_for_update()
    )
    return list((await session.scalars(query)).all())


async def when_resource_submitted(
    session: AsyncSession, *, resource: Resource, submitted_on: date
) -> None:
    for change in await _open_changes(session, resource.department):
        if change.resources and resource.id not in change.resources:
            continue
        update = await session.get(ChangeUpdate, (change.id, resource.id))
        if update is None:
            update = ChangeUpdate(change_id=change.id, resource_id=resource.id)
            session.add(update)
        update.submitted_on = submitted_on  # a resubmission after a rejection counts anew
        await session.flush()
        updates = await _updates(session, change)
        if all(u.submitted_on is not None for u in updates) and (
            not change.resources or {u.resource_id for u in updates} >= set(change.resources)
        ):
            change.submitted_on = max(u.submitted_on for u in updates if u.submitted_on)


async def when_resource_rejected(
    session: AsyncSession, *, resource: Resource, actor: str | None
) -> None:
    """A rejected update is not a submitted one: the obligation that counted it reopens and its
    deadline runs again (Art. 10), so the sweep flags it if nothing is resubmitted in time."""
    for change in await _open_changes(session, resource.department):
        update = await session.get(ChangeUpdate, (change.id, resource.id))
        if update is None or update.submitted_on is None:
            continue
        update.submitted_on = None
        change.submitted_on = None
        await record_event(
            session,
            ChangeReopened(
                id=change.id,
                department=change.department,
                resource_id=resource.id,
                due_on=change.due_on,
            ),
            subject=change.id,
            actor=actor,
            department=change.department,
        )
    await session.flush()


async def when_resource_published(
    session: AsyncSession, *, resource: Resource, published_on: date, principal: Principal
) -> None:
    for change in await _open_changes(session, resource.department):
        update = await session.get(ChangeUpdate, (change.id, resource.id))
        if update is None:
            continue
        update.published_on = published_on
        await session.flush()
        updates = await _updates(session, change)
        if change.submitted_on is not None and all(u.published_on for u in updates):
            await close(session, change, closed_on=published_on, actor=principal.client_id)


async def _updates(session: AsyncSession, change: ChangeObligation) -> list[ChangeUpdate]:
    query = select(ChangeUpdate).where(col(ChangeUpdate.change_id) == change.id)
    return list((await session.scalars(query)).all())


async def open_annual_reviews(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Every department reviews its whole catalogue at least once a year (Art. 10): one
    obligation per department and year, due on 31 December; running again opens nothing."""
    year = as_of.year
    taken = set(
        (
            await session.scalars(
                select(col(ChangeObligation.department)).where(
                    col(ChangeObligation.annual_key).like(f"%:{year}")
                )
            )
        ).all()
    )
    opened = []
    for department in (
        await session.scalars(select(Department).order_by(col(Department.code)))
    ).all():
        if department.code in taken:
            continue
        change = ChangeObligation(
            id=new_id(),
            department=department.code,
            kind="annual_review",
            annual_key=f"{department.code}:{year}",
            reason="annual_review",
            summary=f"{year} 年度公共数据目录全面复核",
            occurred_on=date(year, 1, 1),
            due_on=date(year, 12, 31),
        )
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
                provisional=False,
            ),
            subject=change.id,
            department=change.department,
        )
        opened.append(change.id)
    await session.flush()
    return {"year": year, "opened": len(opened)}


async def flag_overdue(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """An open obligation past its due date whose update was not submitted in time is flagged
    once, and published so supervision sees it (Art. 10, 35)."""
    query = select(ChangeObligation).where(
        col(ChangeObligation.status) == "open",
        col(ChangeObligation.due_on) < as_of,
        col(ChangeObligation.overdue_on).is_(None),
    )
    flagged = []
    for change in (await session.scalars(query)).all():
        if change.submitted_on is not None and change.submitted_on <= change.due_on:
            continue  # the department did its part in time; the bureau's review is pending
        change.overdue_on = as_of
        await record_event(
            session,
            ChangeOverdue(
                id=change.id,
                department=change.department,
                kind=change.kind,
                due_on=change.due_on,
                as_of=as_of,
            ),
            subject=change.id,
            department=change.department,
        )
        flagged.append(change.id)
    await session.flush()
    return {"flagged": flagged}
