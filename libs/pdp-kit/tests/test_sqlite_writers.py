"""SQLite writers of one process take turns with the write lock; readers never wait for it."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pdp_kit.db import create_engine, read_sessionmaker, sessionmaker


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE item (n INTEGER)"))
    yield engine
    await engine.dispose()


async def _write(engine: AsyncEngine, n: int, *, hold: float = 0.0) -> None:
    async with sessionmaker(engine)() as session, session.begin():
        await session.execute(text("INSERT INTO item VALUES (:n)"), {"n": n})
        await asyncio.sleep(hold)


async def _count(engine: AsyncEngine) -> int:
    async with read_sessionmaker(engine)() as session:
        return int(await session.scalar(text("SELECT count(*) FROM item")) or 0)


async def test_concurrent_writers_all_commit_one_after_another(engine: AsyncEngine) -> None:
    await asyncio.gather(*(_write(engine, n, hold=0.002) for n in range(100)))
    assert await _count(engine) == 100


async def test_a_reader_does_not_wait_for_a_writer_holding_the_lock(engine: AsyncEngine) -> None:
    writing = asyncio.create_task(_write(engine, 1, hold=5.0))
    await asyncio.sleep(0.1)
    assert await asyncio.wait_for(_count(engine), timeout=2.0) == 0
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing


async def test_a_transaction_cut_short_gives_the_lock_back(engine: AsyncEngine) -> None:
    """A failure inside the transaction, and a cancelled writer, both leave the lock free."""

    async def failing() -> None:
        async with sessionmaker(engine)() as session, session.begin():
            await session.execute(text("INSERT INTO item VALUES (1)"))
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        await failing()
    cancelled = asyncio.create_task(_write(engine, 2, hold=5.0))
    await asyncio.sleep(0.1)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await asyncio.wait_for(_write(engine, 3), timeout=5.0)
    assert await _count(engine) == 1
