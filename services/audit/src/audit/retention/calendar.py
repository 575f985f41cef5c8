"""Retention in calendar months (DOMAIN: months are calendar months; Art. 34).

A record of date ``d`` (Asia/Shanghai) is kept through ``d`` plus N calendar months. Where that
day does not exist (31 August + 6 months, 29 February + 36 months) the later reading is taken:
the first day of the following month. It may be purged from the day after.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from pdp_kit.sweeps import SHANGHAI


def kept_through(day: date, months: int) -> date:
    """The last day a record of ``day`` must still be kept."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    return date(year, month, last) + timedelta(days=1)


def purgeable_before(as_of: date, months: int) -> datetime:
    """The instant before which every record is past its retention on ``as_of``: the start (in
    Shanghai) of the first day whose records must still be kept."""
    day = as_of - timedelta(days=31 * months)  # early enough; walked forward below
    while kept_through(day, months) < as_of:
        day += timedelta(days=1)
    while kept_through(day - timedelta(days=1), months) >= as_of:
        day -= timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)
