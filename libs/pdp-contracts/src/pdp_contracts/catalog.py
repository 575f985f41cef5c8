"""Events published by the catalog service (topic ``pdp.catalog.events``)."""

from __future__ import annotations

from datetime import date

from pdp_contracts.base import EventPayload, event_type


class DepartmentCreated(EventPayload):
    event_type = event_type("catalog", "department", "created")

    code: str
    name: str


class CalendarYearLoaded(EventPayload):
    """The bureau loaded a year's State Council schedule; every service keeps a copy."""

    event_type = event_type("catalog", "calendar", "loaded")

    year: int
    holidays: list[date]
    workdays: list[date]
