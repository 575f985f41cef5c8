from datetime import date

from fastapi import FastAPI

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar import CalendarSource
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.envelope import Event
from registry.subscriptions import subscriptions


async def deliver(app: FastAPI, *events: Event) -> None:
    """Run each event's handlers from the subscriptions table in one transaction."""
    async with app.state.sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)


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
    assert calendar.add_working_days(date(2030, 12, 31), 1).due_on == date(2031, 1, 3)


async def test_the_registry_reads_the_catalog_events_topic() -> None:
    assert subscriptions.all_topics() == {"pdp.catalog.events"}
