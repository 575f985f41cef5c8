"""Dates and times in query strings as ISO 8601 text only (CONTRACT: Conventions).

Pydantic's lax mode reads a bare number as a Unix timestamp, so ``?as_of=0`` was 1970-01-01 and
``?to=0.5`` (or ``{"from": 0}`` in a body) a moment after the epoch: input the documents call
invalid was accepted (schemathesis, issue #14). These types keep the documented ``format: date``
and ``date-time`` and refuse anything that does not start as an ISO date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _iso_datetime_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("expected an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss)")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime_text)]
