"""Lists page with opaque cursors; the operator calendar round-trips through the database."""

from datetime import date

import httpx

from pdp_kit.calendar import CalendarSource, YearSchedule
from pdp_kit.calendar_store import load_calendar, store_year


async def _store_years(app, years: range) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        for year in years:
            await store_year(session, YearSchedule.parse(year, holidays=[], workdays=[]))


async def test_a_list_is_walked_page_by_page_with_the_cursor(
    app, client: httpx.AsyncClient, as_bureau
) -> None:
    await _store_years(app, range(2030, 2037))
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/demo/years", params=params, headers=as_bureau)).json()
        seen += [item["year"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(2030, 2037))


async def test_a_limit_over_500_is_a_400_and_a_forged_cursor_too(
    client: httpx.AsyncClient, as_bureau
) -> None:
    too_many = await client.get("/api/demo/years", params={"limit": 501}, headers=as_bureau)
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["field"] == "limit"
    forged = await client.get("/api/demo/years", params={"cursor": "%%%"}, headers=as_bureau)
    assert forged.status_code == 400


async def test_a_stored_year_is_used_and_storing_it_again_changes_nothing(app) -> None:
    schedule = YearSchedule.parse(2031, holidays=[date(2031, 10, 1)], workdays=[date(2031, 9, 27)])
    async with app.state.sessionmaker() as session, session.begin():
        assert await store_year(session, schedule) is True
        assert await store_year(session, schedule) is False
    async with app.state.sessionmaker() as session:
        calendar = await load_calendar(session)
    assert calendar.source_for(2031) is CalendarSource.OPERATOR
    assert not calendar.is_working_day(date(2031, 10, 1))
    assert calendar.is_working_day(date(2031, 9, 27))
