"""Calendar months (DOMAIN: Art. 20's three months and Art. 34's three years and six months are
calendar months, not working days; Art. 27's periodic evaluation counts months too)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day:
    2026-11-30 + 3 months is 2027-02-28 (2028-02-29 in a leap year); 2026-08-31 + 1 is 09-30."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
