from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from pdp_contracts.catalog import CalendarYearLoaded, DepartmentCreated, ResourceSuperseded
from pdp_kit.calendar import CalendarSource
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.envelope import Event
from sharing.subscriptions import subscriptions

DEPARTMENTS = "/api/sharing/departments"


async def deliver(app: FastAPI, *events: Event) -> None:
    """Run each event's handlers from the subscriptions table in one transaction."""
    async with app.state.sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)


def department_created(code: str, name: str) -> Event:
    return Event.of(DepartmentCreated(code=code, name=name), subject=code, department=code)


async def test_a_loaded_calendar_year_counts_deadlines_here_too(app: FastAPI) -> None:
    loaded = CalendarYearLoaded(
        year=2031, holidays=[date(2031, 1, 1), date(2031, 1, 2)], workdays=[date(2031, 1, 4)]
    )
    await deliver(app, Event.of(loaded, subject="2031"))

    async with app.state.sessionmaker() as session:
        calendar = await load_calendar(session)
    assert calendar.source_for(2031) is CalendarSource.OPERATOR
    assert not calendar.is_working_day(date(2031, 1, 2))
    assert calendar.is_working_day(date(2031, 1, 4))
    # Received on the last working day of 2030, one working day later skips the holidays.
    assert calendar.add_working_days(date(2030, 12, 31), 1).due_on == date(2031, 1, 3)


async def test_a_created_department_is_remembered_once_however_often_it_arrives(
    app: FastAPI, client: httpx.AsyncClient, as_department: dict[str, str]
) -> None:
    created = department_created("D002", "区卫健委")
    await deliver(app, created)
    await deliver(app, created, created)
    await deliver(app, department_created("D001", "区教育局"))

    response = await client.get(DEPARTMENTS, headers=as_department)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "items": [{"code": "D001", "name": "区教育局"}, {"code": "D002", "name": "区卫健委"}],
        "next_cursor": None,
    }


async def test_departments_are_listed_page_by_page_to_any_authenticated_caller(
    app: FastAPI, client: httpx.AsyncClient, as_public: dict[str, str]
) -> None:
    await deliver(app, *(department_created(f"D00{n}", f"部门{n}") for n in range(1, 4)))

    first = (await client.get(DEPARTMENTS, params={"limit": 2}, headers=as_public)).json()
    rest = await client.get(
        DEPARTMENTS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=as_public
    )

    assert [d["code"] for d in first["items"]] == ["D001", "D002"]
    assert [d["code"] for d in rest.json()["items"]] == ["D003"]
    assert rest.json()["next_cursor"] is None
    assert (await client.get(DEPARTMENTS)).status_code == 401
    too_many = await client.get(DEPARTMENTS, params={"limit": 501}, headers=as_public)
    assert too_many.status_code == 400


def test_the_read_models_come_from_the_catalog_events_topic() -> None:
    assert subscriptions.all_topics() == {"pdp.catalog.events"}


async def test_a_superseded_version_takes_no_requests_until_its_successor_is_published(
    sharing: Any,
) -> None:
    superseded = ResourceSuperseded(id="R1", version=1, department="D001", by_version=2)
    await sharing.deliver(Event.of(superseded, subject="R1"))
    waiting = await sharing.client.post(
        "/api/sharing/requests", json=sharing.body(), headers=sharing.requester
    )
    assert waiting.status_code == 404

    await sharing.deliver(sharing.published("R1", version=2))
    await sharing.deliver(sharing.published("R1", version=1))  # late and older: ignored
    request = await sharing.submit()
    assert request["resource_version"] == 2
