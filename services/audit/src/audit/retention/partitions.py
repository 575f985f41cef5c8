"""Monthly range partitions of the network log on PostgreSQL (Art. 34: kept six months).

Partition ``netlog_pYYYYMM`` holds the requests of that month (UTC); ``netlog_default`` catches
what falls outside them. The retention sweep creates partitions ahead (this month and the next
two) and for any month found in the default partition (rows are moved over in the same
transaction), and drops a whole partition once every row in it is purgeable.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PARENT = "netlog"
DEFAULT = "netlog_default"
_NAME = re.compile(r"^netlog_p(\d{4})(\d{2})$")
MONTHS_AHEAD = 2


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


async def partitions(session: AsyncSession) -> dict[str, tuple[int, int]]:
    """The monthly partitions that exist: name -> (year, month)."""
    names = await session.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :parent"
        ),
        {"parent": PARENT},
    )
    found = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            found[name] = (int(match[1]), int(match[2]))
    return found


async def ensure_partitions(session: AsyncSession, as_of: date) -> list[str]:
    """Create this month's and the next months' partitions, and one for every month that has
    rows in the default partition. Returns the partitions created."""
    existing = set((await partitions(session)).values())
    wanted: set[tuple[int, int]] = set()
    year, month = as_of.year, as_of.month
    for _ in range(MONTHS_AHEAD + 1):
        wanted.add((year, month))
        year, month = next_month(year, month)
    stray = await session.execute(
        text(
            f"SELECT DISTINCT EXTRACT(YEAR FROM time AT TIME ZONE 'UTC')::int, "
            f"EXTRACT(MONTH FROM time AT TIME ZONE 'UTC')::int FROM {DEFAULT}"
        )
    )
    wanted |= {(int(y), int(m)) for y, m in stray}
    created = []
    for year, month in sorted(wanted - existing):
        created.append(await _create(session, year, month))
    return created


async def _create(session: AsyncSession, year: int, month: int) -> str:
    name = f"netlog_p{year:04d}{month:02d}"
    low, high = month_start(year, month), month_start(*next_month(year, month))
    bounds = f"FROM ('{low.isoformat()}') TO ('{high.isoformat()}')"
    in_range = "time >= :low AND time < :high"
    moved = await session.scalar(
        text(f"SELECT count(*) FROM {DEFAULT} WHERE {in_range}"),
        {"low": low, "high": high},
    )
    if not moved:
        await session.execute(
            text(f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES {bounds}")
        )
        return name
    # Rows of this month sit in the default partition: move them into the new one (same rows,
    # same chain links), then attach it.
    await session.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING ALL)"))
    await session.execute(
        text(f"INSERT INTO {name} SELECT * FROM {DEFAULT} WHERE {in_range}"),
        {"low": low, "high": high},
    )
    await session.execute(
        text(f"DELETE FROM {DEFAULT} WHERE {in_range}"),
        {"low": low, "high": high},
    )
    await session.execute(text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES {bounds}"))
    return name


async def drop_partitions_through(
    session: AsyncSession, *, older_than: datetime, position: int
) -> int:
    """Drop each monthly partition wholly before ``older_than`` whose rows all lie at or before
    chain ``position`` (so the chain stays a contiguous suffix). Returns the rows dropped."""
    dropped = 0
    for name, (year, month) in sorted((await partitions(session)).items()):
        if month_start(*next_month(year, month)) > older_than:
            continue
        count, last = (await session.execute(text(f"SELECT count(*), max(seq) FROM {name}"))).one()
        if last is not None and last > position:
            continue
        await session.execute(text(f"ALTER TABLE {PARENT} DETACH PARTITION {name}"))
        await session.execute(text(f"DROP TABLE {name}"))
        dropped += int(count)
    return dropped
