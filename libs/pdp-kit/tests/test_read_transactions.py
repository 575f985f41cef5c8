"""Reads do not queue behind writers: a safe request never waits for SQLite's write lock."""

import asyncio

import httpx

from pdp_kit.models import CalendarYearRow


async def test_a_list_is_read_while_a_writer_holds_its_transaction_open(
    app, client: httpx.AsyncClient, as_bureau
) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        session.add(CalendarYearRow(year=2040, holidays=[], workdays=[]))
    async with app.state.sessionmaker() as writer, writer.begin():
        writer.add(CalendarYearRow(year=2041, holidays=[], workdays=[]))
        await writer.flush()  # the writer now holds the write lock (SQLite) until it commits
        # Bounded so a read that queued for the lock fails here instead of after the busy timeout.
        page = await asyncio.wait_for(client.get("/api/demo/years", headers=as_bureau), 10)
        assert page.status_code == 200
        assert [item["year"] for item in page.json()["items"]] == [2040]  # not the uncommitted
    after = await client.get("/api/demo/years", headers=as_bureau)
    assert [item["year"] for item in after.json()["items"]] == [2040, 2041]


async def test_a_write_request_waits_for_the_writer_before_it_and_then_succeeds(
    app, client: httpx.AsyncClient, as_bureau, outbox
) -> None:
    release = asyncio.Event()

    async def hold_the_lock() -> None:
        async with app.state.sessionmaker() as writer, writer.begin():
            writer.add(CalendarYearRow(year=2042, holidays=[], workdays=[]))
            await writer.flush()
            await release.wait()

    holding = asyncio.create_task(hold_the_lock())
    await asyncio.sleep(0.1)
    posting = asyncio.create_task(client.post("/api/demo/calendar/2043", headers=as_bureau))
    await asyncio.sleep(0.3)
    release.set()
    await holding
    response = await posting
    assert response.status_code == 200
    assert response.json() == {"year": 2043}
