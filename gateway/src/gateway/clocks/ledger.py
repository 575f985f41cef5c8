"""Applying one event to one clock, whatever order the events come in.

Every handler says what its event does to the clock (:class:`Effect`) and what it knows about it
(department, subject, due date). The newest event wins: an event older than the last one applied
only fills in what the row still lacks (a subject, a department, a first due date), never the
state, and never a date a newer event set.
A closed clock stays closed unless an event that starts the clock again (a resubmission, a
reopened obligation) is newer than the one that closed it.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.models import ClockKind, ClockState, LegalClock
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.events.envelope import Event

SUBJECT_LENGTH = 200


class Effect(Enum):
    START = "start"  # the clock runs (again) from this event: open, with its due date
    UPDATE = "update"  # facts about a running clock: a new due date, an extension asked for
    OVERDUE = "overdue"  # the owing service's sweep flagged it
    CLEAR = "clear"  # an overdue flag was lifted: open again
    CLOSE = "close"  # answered, decided, filed, closed


async def record(
    session: AsyncSession,
    event: Event,
    *,
    kind: ClockKind,
    object_id: str,
    effect: Effect,
    department: str | None = None,
    subject: str | None = None,
    due_on: date | None = None,
    provisional: bool | None = None,
    extension_requested: bool | None = None,
) -> None:
    clock = await get_for_update(session, LegalClock, (kind.value, object_id))
    subject = subject[:SUBJECT_LENGTH] if subject else None
    if clock is None:
        clock = LegalClock(
            kind=kind.value,
            object_id=object_id,
            last_event_at=event.time,
            last_event_type=event.type,
            state=_state_after(None, effect).value,
        )
        session.add(clock)
    elif event.time < clock.last_event_at:
        _fill_in(clock, department=department, subject=subject, due_on=due_on)
        await session.flush()
        return
    else:
        current = ClockState(clock.state)
        if current is ClockState.CLOSED and effect is not Effect.START:
            _fill_in(clock, department=department, subject=subject, due_on=due_on)
            await session.flush()
            return
        clock.state = _state_after(current, effect).value
        clock.last_event_at, clock.last_event_type = event.time, event.type
    if department is not None:
        clock.department = department
    if subject:
        clock.subject = subject
    if due_on is not None:
        clock.due_on = due_on
    if provisional is not None:
        clock.provisional = provisional
    if extension_requested is not None:
        clock.extension_requested = extension_requested
    if effect is Effect.CLOSE:
        clock.extension_requested = False
    clock.updated_at = utcnow()
    await session.flush()


def _state_after(current: ClockState | None, effect: Effect) -> ClockState:
    if effect is Effect.CLOSE:
        return ClockState.CLOSED
    if effect is Effect.OVERDUE:
        return ClockState.OVERDUE
    if effect in (Effect.START, Effect.CLEAR) or current is None:
        return ClockState.OPEN
    return current


def _fill_in(
    clock: LegalClock, *, department: str | None, subject: str | None, due_on: date | None
) -> None:
    if clock.department is None and department is not None:
        clock.department = department
    if not clock.subject and subject:
        clock.subject = subject
    if clock.due_on is None and due_on is not None:
        clock.due_on = due_on
