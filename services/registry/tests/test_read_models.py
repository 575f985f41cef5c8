from datetime import date
from typing import Any

from fastapi import FastAPI

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar import CalendarSource
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.envelope import Event
from registry.subscriptions import subscriptions

Registry = Any


async def test_a_loaded_calendar_year_counts_deadlines_here_too(
    app: FastAPI, registry: Registry
) -> None:
    loaded = CalendarYearLoaded(
        year=2031, holidays=[date(2031, 1, 1), date(2031, 1, 2)], workdays=[date(2031, 1, 4)]
    )
    await registry.deliver(Event.of(loaded, subject="2031"))

    async with app.state.sessionmaker() as session:
        calendar = await load_calendar(session)
    assert calendar.source_for(2031) is CalendarSource.OPERATOR
    assert not calendar.is_working_day(date(2031, 1, 2))
    assert calendar.is_working_day(date(2031, 1, 4))
    assert calendar.add_working_days(date(2030, 12, 31), 1).due_on == date(2031, 1, 3)


async def test_the_registry_reads_the_catalog_events_topic() -> None:
    assert subscriptions.all_topics() == {"pdp.catalog.events"}


async def test_an_authorisation_names_only_resources_whose_publication_arrived(
    registry: Registry,
) -> None:
    operator, _ = await registry.operator()
    body = {
        "operator": operator,
        "resources": ["R9"],
        "scenarios": ["企业信用画像"],
        "valid_from": "2026-06-01",
        "valid_until": "2027-05-31",
    }
    await registry.post("/authorisations", registry.bureau, body, status=422)
    await registry.deliver(
        registry.published("R9"), registry.published("R9")
    )  # a redelivery changes nothing
    await registry.post("/authorisations", registry.bureau, body, status=201)
    await registry.deliver(registry.withdrawn("R9"))
    await registry.post("/authorisations", registry.bureau, body, status=422)
