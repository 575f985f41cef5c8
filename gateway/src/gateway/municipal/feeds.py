"""Reading the city's feeds (open-data applications, hand-back batches) by cursor.

A page is stored in one transaction together with the cursor that follows it, so a crash between
the two is impossible; an item already stored (a repeated page, a duplicated item) is skipped by
its id. A malformed item is stored as ``refused`` with the reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.municipal.client import MunicipalClient
from gateway.municipal.models import FeedCursor
from pdp_kit.db import get_for_update, utcnow

#: Stores one item unless its id is known; True when it was new.
Store = Callable[[AsyncSession, dict[str, Any]], Awaitable[bool]]


async def pull_feed(
    sessionmaker: async_sessionmaker[AsyncSession],
    municipal: MunicipalClient,
    *,
    feed: str,
    path: str,
    limit: int,
    store: Store,
) -> int:
    """Read one page after the stored cursor; return how many new items were stored."""
    async with sessionmaker() as session:
        cursor = await session.get(FeedCursor, feed)
        position = cursor.position if cursor else 0
    page = await municipal.call("GET", path, params={"after": position, "limit": limit})
    added = 0
    async with sessionmaker() as session, session.begin():
        cursor = await get_for_update(session, FeedCursor, feed)
        if cursor is None:
            cursor = FeedCursor(feed=feed)
            session.add(cursor)
        for item in page.get("items", []):
            if isinstance(item, dict) and await store(session, item):
                added += 1
                await session.flush()
        following = page.get("next")
        if isinstance(following, int) and following > cursor.position:
            cursor.position = following
        cursor.read_at = utcnow()
    return added


def problems(item: dict[str, Any], required: dict[str, type | tuple[type, ...]]) -> str | None:
    """What is wrong with a feed item, or ``None``."""
    wrong = [name for name, kind in required.items() if not isinstance(item.get(name), kind)]
    return f"字段缺失或类型错误：{', '.join(wrong)}" if wrong else None
