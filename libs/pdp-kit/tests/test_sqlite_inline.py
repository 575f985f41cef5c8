"""SQLite on the event loop's thread: a writer waiting for another's lock leaves the loop free,
gives up after the busy timeout, and leaves nothing behind when it is cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp_kit import sqlite_inline
from pdp_kit.db import create_engine, sessionmaker


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    await engine.dispose()


async def holding_the_lock(maker: async_sessionmaker[AsyncSession], release: asyncio.Event) -> None:
    async with maker() as session, session.begin():
        await session.execute(text("INSERT INTO t VALUES (1)"))
        await release.wait()


async def ticks_while(task: asyncio.Task[None]) -> int:
    ticks = 0
    while not task.done():
        ticks += 1
        await asyncio.sleep(0.01)
    return ticks


async def insert(maker: async_sessionmaker[AsyncSession], n: int) -> None:
    async with maker() as session, session.begin():
        await session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})


async def test_a_writer_waits_for_the_lock_without_blocking_the_loop(engine: AsyncEngine) -> None:
    maker, release = sessionmaker(engine), asyncio.Event()
    holder = asyncio.create_task(holding_the_lock(maker, release))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(insert(maker, 2))
    ticker = asyncio.create_task(ticks_while(waiter))
    await asyncio.sleep(0.3)
    assert not waiter.done()  # still waiting for the lock ...
    release.set()  # ... which the holder could only release because the loop kept running
    await asyncio.wait_for(asyncio.gather(holder, waiter), 10)
    assert await ticker > 10
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all() == [1, 2]


async def test_a_writer_gives_up_after_the_busy_timeout(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_TIMEOUT_SECONDS", 0.2)
    maker, release = sessionmaker(engine), asyncio.Event()
    holder = asyncio.create_task(holding_the_lock(maker, release))
    await asyncio.sleep(0.05)
    with pytest.raises(OperationalError, match="locked"):
        await asyncio.wait_for(insert(maker, 2), 10)
    release.set()
    await holder


async def test_a_writer_cancelled_while_waiting_leaves_no_transaction_open(
    engine: AsyncEngine,
) -> None:
    maker, release = sessionmaker(engine), asyncio.Event()
    holder = asyncio.create_task(holding_the_lock(maker, release))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(insert(maker, 2))
    await asyncio.sleep(0.1)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    await holder
    # Nobody holds the lock now: the next writer goes straight through.
    await asyncio.wait_for(insert(maker, 3), 2)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all() == [1, 3]
