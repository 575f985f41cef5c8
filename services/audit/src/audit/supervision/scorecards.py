"""Scorecards (Art. 34, 35): each department's obligations in a period, from the journal.

Every measure gives its figures and a score (0–100, the share of obligations met; ``None`` when
the department had none in the period); a department's score is the mean of its scored measures.

- ``catalogue``: resources published (by the period's end, not withdrawn) that the municipal
  catalogue chain confirmed (Art. 11).
- ``changes``: catalogue update obligations due in the period met in time (Art. 10).
- ``data``: published resources with records aggregated in the period (Art. 14, fresh).
- ``share_replies``: share requests to the department answered without being flagged overdue
  (Art. 18).
- ``open_list``: published resources open to the public that are on the open list (Art. 21, 22).
- ``usage_reports``: grants the department called in the period with a usage report filed in it
  (Art. 34).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.journal.models import JournalEntry
from audit.reports.models import UsageReport
from audit.supervision.schemas import Measure, Scorecard, Scorecards
from audit.usage.models import UsageRecord
from pdp_contracts import event_type
from pdp_contracts.catalog import (
    ChangeClosed,
    ChangeOverdue,
    DepartmentCreated,
    RecordsIngested,
    ResourcePublished,
    ResourceWithdrawn,
)
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_contracts.opening import ListingPublished
from pdp_contracts.usage import UsageBasis
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.sweeps import SHANGHAI

READERS = (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR)

#: Sharing's events the scorecard reads. Named here by type until that contract publishes them;
#: attributed to ``data.provider`` / ``data.department`` or the envelope's department.
SHARE_REPLIED = event_type("sharing", "request", "replied")
SHARE_REPLY_OVERDUE = event_type("sharing", "request", "reply_overdue")
LISTING_PUBLISHED = ListingPublished.event_type

TYPES = (
    DepartmentCreated.event_type,
    ResourcePublished.event_type,
    ResourceWithdrawn.event_type,
    ChainReceiptRecorded.event_type,
    ChangeClosed.event_type,
    ChangeOverdue.event_type,
    RecordsIngested.event_type,
    SHARE_REPLIED,
    SHARE_REPLY_OVERDUE,
    LISTING_PUBLISHED,
)
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


class InvalidPeriod(Invalid):
    code, title = "invalid-period", "考核期无效"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """``YYYY`` or ``YYYY-MM`` in Shanghai time: [start, end)."""
    match = _PERIOD.match(period)
    month = int(match[2]) if match and match[2] else None
    if match is None or (month is not None and not 1 <= month <= 12):
        raise InvalidPeriod(
            "考核期格式为 YYYY 或 YYYY-MM", errors=[FieldProblem("period", "YYYY or YYYY-MM")]
        )
    year = int(match[1])
    if month is None:
        first, after = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        first = date(year, month, 1)
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=SHANGHAI),
        datetime.combine(after, time.min, tzinfo=SHANGHAI),
    )


@dataclass
class _Tally:
    published: dict[str, str] = field(default_factory=dict)  # resource -> department
    openable: set[str] = field(default_factory=set)
    chained: dict[str, bool] = field(default_factory=dict)  # resource -> chained (latest)
    changes_closed: dict[str, tuple[str, bool]] = field(default_factory=dict)
    changes_overdue: dict[str, str] = field(default_factory=dict)
    ingested: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    accepted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    replied: dict[str, str] = field(default_factory=dict)  # request -> provider
    reply_overdue: dict[str, str] = field(default_factory=dict)
    listed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    departments: set[str] = field(default_factory=set)


def _who(entry: JournalEntry, *names: str) -> str | None:
    for name in names:
        value = entry.data.get(name)
        if isinstance(value, str) and value:
            return value
    return entry.department


def _read(tally: _Tally, entry: JournalEntry, start: datetime) -> None:
    data, in_period = entry.data, entry.time >= start
    if entry.type == DepartmentCreated.event_type:
        tally.departments.add(str(data.get("code")))
    elif entry.type == ResourcePublished.event_type:
        tally.published[data["id"]] = data["department"]
        (tally.openable.add if data.get("open_type") != "not_open" else tally.openable.discard)(
            data["id"]
        )
    elif entry.type == ResourceWithdrawn.event_type:
        tally.published.pop(data["id"], None)
    elif entry.type == ChainReceiptRecorded.event_type:
        if data.get("kind", "resource") == "resource":
            tally.chained[data["resource_id"]] = data.get("status") == "chained"
    elif not in_period:
        return
    elif entry.type == ChangeClosed.event_type:
        tally.changes_closed[data["id"]] = (data["department"], bool(data.get("on_time")))
    elif entry.type == ChangeOverdue.event_type:
        tally.changes_overdue[data["id"]] = data["department"]
    elif entry.type == RecordsIngested.event_type:
        department = data["department"]
        tally.ingested[department].add(data["resource_id"])
        tally.accepted[department] += int(data.get("accepted", 0))
        tally.rejected[department] += int(data.get("rejected", 0))
    elif entry.type in (SHARE_REPLIED, SHARE_REPLY_OVERDUE):
        provider = _who(entry, "provider")
        if provider:
            target = tally.replied if entry.type == SHARE_REPLIED else tally.reply_overdue
            target[entry.subject] = provider
    elif entry.type == LISTING_PUBLISHED:
        department = _who(entry, "department", "provider")
        if department:
            tally.listed[department].add(str(data.get("resource_id", entry.subject)))


def _score(met: int, due: int) -> int | None:
    return None if due == 0 else round(100 * met / due)


async def scorecards(session: AsyncSession, *, principal: Principal, period: str) -> Scorecards:
    if not principal.has(*READERS):
        require_role(principal, *READERS, Role.DEPARTMENT)
    start, end = period_bounds(period)
    tally = _Tally()
    entries = await session.stream_scalars(
        select(JournalEntry)
        .where(col(JournalEntry.type).in_(TYPES), col(JournalEntry.time) < end)
        .order_by(col(JournalEntry.time), col(JournalEntry.seq))
        .execution_options(yield_per=2000)
    )
    async for entry in entries:
        _read(tally, entry, start)
    called, reported = await _usage(session, start, end)
    departments = (
        tally.departments
        | set(tally.published.values())
        | {d for d, _ in tally.changes_closed.values()}
        | set(tally.changes_overdue.values())
        | set(tally.replied.values())
        | set(called)
    )
    if not principal.has(*READERS):
        departments &= {principal.department or ""}
    cards = [_card(tally, d, called, reported) for d in sorted(departments)]
    return Scorecards(period=period, start=start, end=end, items=cards)


async def _usage(
    session: AsyncSession, start: datetime, end: datetime
) -> tuple[dict[str, set[str]], set[str]]:
    calls = await session.execute(
        select(col(UsageRecord.department), col(UsageRecord.basis_id))
        .where(
            col(UsageRecord.basis) == UsageBasis.GRANT.value,
            col(UsageRecord.called_at) >= start,
            col(UsageRecord.called_at) < end,
        )
        .distinct()
    )
    called: dict[str, set[str]] = defaultdict(set)
    for department, grant in calls:
        if department:
            called[department].add(grant)
    reported = set(
        await session.scalars(
            select(col(UsageReport.grant_id)).where(
                col(UsageReport.filed_at) >= start, col(UsageReport.filed_at) < end
            )
        )
    )
    return called, reported


def _card(
    tally: _Tally, department: str, called: dict[str, set[str]], reported: set[str]
) -> Scorecard:
    published = {r for r, d in tally.published.items() if d == department}
    chained = {r for r in published if tally.chained.get(r)}
    failed = {r for r in published if tally.chained.get(r) is False}
    closed = {c: on_time for c, (d, on_time) in tally.changes_closed.items() if d == department}
    overdue = {c for c, d in tally.changes_overdue.items() if d == department}
    due = set(closed) | overdue
    in_time = {c for c, on_time in closed.items() if on_time and c not in overdue}
    fresh = tally.ingested.get(department, set()) & published
    replied = {r for r, d in tally.replied.items() if d == department}
    late = {r for r, d in tally.reply_overdue.items() if d == department}
    openable = published & tally.openable
    listed = tally.listed.get(department, set()) & openable
    grants = called.get(department, set())
    measures = {
        "catalogue": Measure(
            score=_score(len(chained), len(published)),
            figures={"published": len(published), "chained": len(chained), "failed": len(failed)},
        ),
        "changes": Measure(
            score=_score(len(in_time), len(due)),
            figures={
                "due": len(due),
                "in_time": len(in_time),
                "overdue": len(overdue),
                "closed_late": len([c for c, ok in closed.items() if not ok or c in overdue]),
            },
        ),
        "data": Measure(
            score=_score(len(fresh), len(published)),
            figures={
                "resources": len(published),
                "fresh": len(fresh),
                "records_accepted": tally.accepted.get(department, 0),
                "records_rejected": tally.rejected.get(department, 0),
            },
        ),
        "share_replies": Measure(
            score=_score(len(replied - late), len(replied | late)),
            figures={
                "requests": len(replied | late),
                "in_time": len(replied - late),
                "overdue": len(late),
            },
        ),
        "open_list": Measure(
            score=_score(len(listed), len(openable)),
            figures={"openable": len(openable), "listed": len(listed)},
        ),
        "usage_reports": Measure(
            score=_score(len(grants & reported), len(grants)),
            figures={"grants_called": len(grants), "reported": len(grants & reported)},
        ),
    }
    scores = [m.score for m in measures.values() if m.score is not None]
    return Scorecard(
        department=department,
        score=round(sum(scores) / len(scores)) if scores else None,
        measures=measures,
    )
