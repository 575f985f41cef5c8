"""get_for_update: concurrent changes of one aggregate run one after the other."""

import asyncio

import pytest

from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.models import CalendarYearRow


async def _append_holiday(app, day: str, *, hold: asyncio.Event | None = None) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        row = await get_for_update(session, CalendarYearRow, 2031)
        assert row is not None
        if hold is not None:
            await hold.wait()
        row.holidays = [*row.holidays, day]


async def test_a_second_change_waits_for_the_first_and_sees_its_result(app, backend) -> None:
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writers already run one at a time")
    async with app.state.sessionmaker() as session, session.begin():
        session.add(CalendarYearRow(year=2031, holidays=[], workdays=[]))
    release = asyncio.Event()
    first = asyncio.create_task(_append_holiday(app, "2031-01-01", hold=release))
    await asyncio.sleep(0.2)  # the first holds the lock
    second = asyncio.create_task(_append_holiday(app, "2031-10-01"))
    await asyncio.sleep(0.3)
    assert not second.done(), "the second change must wait for the first's lock"
    release.set()
    await asyncio.gather(first, second)
    async with app.state.sessionmaker() as session:
        row = await session.get(CalendarYearRow, 2031)
    assert row is not None
    assert row.holidays == ["2031-01-01", "2031-10-01"]  # neither change was lost


async def test_a_missing_row_is_none(app) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        assert await get_for_update(session, CalendarYearRow, 1999) is None


class YearTaken(Exception):
    pass


async def _register(app, year: int, *, hold: asyncio.Event | None = None) -> str:
    async with app.state.sessionmaker() as session, session.begin():
        try:
            await insert_or_conflict(
                session, CalendarYearRow(year=year, holidays=[], workdays=[]), YearTaken()
            )
        except YearTaken:
            return "conflict"
        if hold is not None:
            await hold.wait()
        return "created"


async def test_two_concurrent_inserts_of_one_key_give_one_row_and_one_conflict(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite writers already run one at a time")
    release = asyncio.Event()
    first = asyncio.create_task(_register(app, 2032, hold=release))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(_register(app, 2032))
    await asyncio.sleep(0.2)
    release.set()
    assert sorted(await asyncio.gather(first, second)) == ["conflict", "created"]


async def test_a_conflicting_insert_leaves_the_transaction_usable(app) -> None:
    assert await _register(app, 2033) == "created"
    async with app.state.sessionmaker() as session, session.begin():
        with pytest.raises(YearTaken):
            await insert_or_conflict(
                session, CalendarYearRow(year=2033, holidays=[], workdays=[]), YearTaken()
            )
        session.add(CalendarYearRow(year=2034, holidays=[], workdays=[]))
    async with app.state.sessionmaker() as session:
        assert await session.get(CalendarYearRow, 2034) is not None
