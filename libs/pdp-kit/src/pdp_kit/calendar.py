"""Working days of mainland China, the unit of every deadline in the regulation.

Three sources, in order of authority (DOMAIN.md, "Working days"):

1. an operator-loaded State Council schedule: the bureau loads next year's schedule through the API
   when it is published, without a code release, and it also corrects the library for a year;
2. the ``chinesecalendar`` library, for the years it ships (2004–2026 in 1.11);
3. weekends alone, for any year neither covers. A deadline that counts such a day is
   ``provisional``: we never refuse a request because a date lies beyond what we know.

Pure logic: no database, no I/O. Dates are calendar days in Asia/Shanghai; converting a timestamp
to that day is the caller's job, which is why a ``datetime`` is refused rather than truncated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from enum import StrEnum

import chinese_calendar

_SATURDAY = 5


class InvalidSchedule(ValueError):
    """An operator schedule that cannot be loaded; ``errors`` lists every problem at once."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))


@dataclass(frozen=True)
class YearSchedule:
    """An operator-loaded State Council schedule for one year.

    ``holidays`` are the official days off; weekend dates among them are tolerated and change
    nothing. ``workdays`` are the adjusted working weekends (调休). Build it with :meth:`parse`,
    which is where operator input is checked.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    @classmethod
    def parse(
        cls, year: int, *, holidays: Iterable[date], workdays: Iterable[date]
    ) -> YearSchedule:
        """Check operator input and report every problem, so one correction round is enough."""
        holiday_list, workday_list = list(holidays), list(workdays)
        errors: list[tuple[str, str]] = []
        if not MINYEAR <= year <= MAXYEAR:
            errors.append(("year", f"{year} is not a calendar year"))
        errors += _date_problems("holidays", holiday_list, year)
        errors += _date_problems("workdays", workday_list, year)
        for index, day in enumerate(workday_list):
            if _is_plain_date(day) and day.weekday() < _SATURDAY:
                errors.append(
                    (
                        f"workdays[{index}]",
                        f"{day} is a {day:%A}; an adjusted working day (调休) "
                        "is a Saturday or Sunday",
                    )
                )
        holiday_set = frozenset(day for day in holiday_list if _is_plain_date(day))
        for index, day in enumerate(workday_list):
            if _is_plain_date(day) and day in holiday_set:
                errors.append((f"workdays[{index}]", f"{day} is also listed as a holiday"))
        if errors:
            raise InvalidSchedule(errors)
        return cls(year=year, holidays=holiday_set, workdays=frozenset(workday_list))


def _is_plain_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _date_problems(field: str, days: list[date], year: int) -> list[tuple[str, str]]:
    problems = []
    for index, day in enumerate(days):
        if not _is_plain_date(day):
            problems.append((f"{field}[{index}]", f"{day!r} is not a calendar date"))
        elif day.year != year:
            problems.append((f"{field}[{index}]", f"{day} is not in {year}"))
    return problems


class CalendarSource(StrEnum):
    OPERATOR = "operator"
    LIBRARY = "library"
    WEEKENDS = "weekends"


@dataclass(frozen=True)
class Deadline:
    """The last day to act; ``provisional`` when a counted day lies in a weekends-only year."""

    due_on: date
    provisional: bool


@dataclass(frozen=True)
class _Year:
    source: CalendarSource
    working_days: tuple[date, ...]  # sorted, so counting is a bisection
    working_set: frozenset[date]


class WorkingCalendar:
    """Answers working-day questions; each year is worked out once, on first use."""

    def __init__(
        self, operator_years: Mapping[int, YearSchedule] | Iterable[YearSchedule] = ()
    ) -> None:
        self._operator = _index_by_year(operator_years)
        self._years: dict[int, _Year] = {}
        self._library_coverage: dict[int, bool] = {}

    def source_for(self, year: int) -> CalendarSource:
        """The operator schedule wins: it is the official correction of the library."""
        if year in self._operator:
            return CalendarSource.OPERATOR
        if self._library_covers(year):
            return CalendarSource.LIBRARY
        return CalendarSource.WEEKENDS

    def known_years(self) -> set[int]:
        """Years with a real schedule (library or operator); deadlines elsewhere are provisional."""
        span = {day.year for day in chinese_calendar.holidays}
        library = {year for year in range(min(span), max(span) + 1) if self._library_covers(year)}
        return library | set(self._operator)

    def is_working_day(self, day: date) -> bool:
        _require_date(day)
        return day in self._year(day.year).working_set

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day strictly after ``start``.

        The day of receipt is not counted (Civil Code Art. 201), even when it is a working day.
        """
        _require_date(start)
        if n < 1:
            raise ValueError(f"a deadline counts at least one working day, got n={n}")
        remaining, year = n, start.year
        while True:
            working = self._year(year).working_days
            already_passed = bisect_right(working, start)
            available = len(working) - already_passed
            if available >= remaining:
                due_on = working[already_passed + remaining - 1]
                break
            remaining -= available
            year += 1
        counted_years = range((start + timedelta(days=1)).year, due_on.year + 1)
        provisional = any(self.source_for(y) is CalendarSource.WEEKENDS for y in counted_years)
        return Deadline(due_on=due_on, provisional=provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``: how far past its deadline a request is; 0 if none."""
        _require_date(start)
        _require_date(end)
        total = 0
        for year in range(start.year, end.year + 1):
            working = self._year(year).working_days
            total += max(0, bisect_right(working, end) - bisect_right(working, start))
        return total

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        if not MINYEAR <= year <= MAXYEAR:
            raise OverflowError(f"year {year} is beyond the calendar (date.max is {date.max})")
        source = self.source_for(year)
        schedule = self._operator.get(year)
        if schedule is None and source is CalendarSource.LIBRARY:
            schedule = _library_schedule(year)
        days = _days_of(year)
        if schedule is None:
            working = tuple(day for day in days if day.weekday() < _SATURDAY)
        else:
            # Same rule as chinese_calendar.is_workday: an adjusted weekend beats everything.
            working = tuple(
                day
                for day in days
                if day in schedule.workdays
                or (day.weekday() < _SATURDAY and day not in schedule.holidays)
            )
        return _Year(source=source, working_days=working, working_set=frozenset(working))

    def _library_covers(self, year: int) -> bool:
        """Ask the library once per year; it raises NotImplementedError for years it lacks."""
        covered = self._library_coverage.get(year)
        if covered is None:
            covered = MINYEAR <= year <= MAXYEAR and _library_answers_for(year)
            self._library_coverage[year] = covered
        return covered


def _library_answers_for(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _library_schedule(year: int) -> YearSchedule:
    return YearSchedule(
        year=year,
        holidays=frozenset(day for day in chinese_calendar.holidays if day.year == year),
        workdays=frozenset(day for day in chinese_calendar.workdays if day.year == year),
    )


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    length = (date(year, 12, 31) - first).days + 1
    return [first + timedelta(days=offset) for offset in range(length)]


def _index_by_year(
    operator_years: Mapping[int, YearSchedule] | Iterable[YearSchedule],
) -> dict[int, YearSchedule]:
    if isinstance(operator_years, Mapping):
        for year, schedule in operator_years.items():
            if schedule.year != year:
                raise ValueError(f"schedule for {schedule.year} filed under {year}")
        return dict(operator_years)
    indexed: dict[int, YearSchedule] = {}
    for schedule in operator_years:
        if schedule.year in indexed:
            raise ValueError(f"two operator schedules for {schedule.year}")
        indexed[schedule.year] = schedule
    return indexed


def _require_date(value: date) -> None:
    """A timestamp's calendar day depends on its time zone (Asia/Shanghai); the caller decides."""
    if isinstance(value, datetime):
        raise TypeError("pass the calendar day in Asia/Shanghai (a date), not a datetime")
