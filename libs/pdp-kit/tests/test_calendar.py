"""Working-day arithmetic (DOMAIN.md "Working days"; Civil Code Art. 201).

Expected dates are worked out by hand from the State Council schedules, not from the code.
"""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdp_kit.calendar import (
    CalendarSource,
    Deadline,
    InvalidSchedule,
    WorkingCalendar,
    YearSchedule,
)


def hypothetical_2027_schedule() -> YearSchedule:
    """Not the real 2027 schedule (unpublished when written): National Day 1–7 October off,
    Saturday 9 October worked."""
    return YearSchedule.parse(
        2027,
        holidays=[date(2027, 10, d) for d in range(1, 8)],
        workdays=[date(2027, 10, 9)],
    )


# --- known years: the library's official data -------------------------------------------------


def test_deadline_crossing_2026_national_day_skips_the_holiday_and_counts_the_adjusted_saturday():
    # State Council 2026: 1–7 Oct off, Sat 10 Oct worked. From Mon 28 Sep: 29 Sep (1), 30 Sep (2),
    # 8 Oct (3), 9 Oct (4), Sat 10 Oct (5), 12–16 Oct (6–10).
    deadline = WorkingCalendar().add_working_days(date(2026, 9, 28), 10)
    assert deadline == Deadline(due_on=date(2026, 10, 16), provisional=False)


def test_adjusted_working_sunday_counts_as_a_working_day():
    calendar = WorkingCalendar()
    # Sun 20 Sep 2026 is worked for National Day; Sun 27 Sep is a normal weekend.
    assert calendar.is_working_day(date(2026, 9, 20))
    assert not calendar.is_working_day(date(2026, 9, 27))
    # Received Sat 19 Sep: the very next day, a Sunday, is the first working day.
    assert calendar.add_working_days(date(2026, 9, 19), 1).due_on == date(2026, 9, 20)


def test_adjusted_working_saturday_counts_as_a_working_day():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(date(2026, 10, 10))
    # Received Fri 9 Oct 2026: Sat 10 Oct is the first working day, not Mon 12 Oct.
    assert calendar.add_working_days(date(2026, 10, 9), 1).due_on == date(2026, 10, 10)


def test_holiday_on_a_weekday_is_not_a_working_day():
    assert not WorkingCalendar().is_working_day(date(2026, 10, 1))  # a Thursday


def test_day_of_receipt_is_not_counted():
    # Fri 12 Jun 2026 + 1 working day is Mon 15 Jun, not the Friday itself.
    deadline = WorkingCalendar().add_working_days(date(2026, 6, 12), 1)
    assert deadline == Deadline(due_on=date(2026, 6, 15), provisional=False)


def test_working_calendar_agrees_with_the_library_on_every_day_it_knows():
    calendar = WorkingCalendar()
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_library_years_are_known_and_reported_as_library():
    calendar = WorkingCalendar()
    assert calendar.known_years() == set(range(2004, 2027))
    assert calendar.source_for(2026) is CalendarSource.LIBRARY
    assert calendar.source_for(2027) is CalendarSource.WEEKENDS


# --- unknown years: weekends only, provisional ------------------------------------------------


@pytest.mark.parametrize("year", [2027, 2030])
def test_year_the_library_does_not_know_counts_weekends_only_and_is_provisional(year):
    calendar = WorkingCalendar()
    start = date(year, 9, 30)
    # Count by hand: the 5th weekday strictly after 30 September, weekends skipped.
    expected, counted = start, 0
    while counted < 5:
        expected += timedelta(days=1)
        counted += expected.weekday() < 5
    deadline = calendar.add_working_days(start, 5)
    assert deadline == Deadline(due_on=expected, provisional=True)
    assert calendar.source_for(year) is CalendarSource.WEEKENDS


def test_year_the_library_does_not_know_gives_this_concrete_2027_date():
    # Thu 30 Sep 2027 + 5: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 October.
    deadline = WorkingCalendar().add_working_days(date(2027, 9, 30), 5)
    assert deadline == Deadline(due_on=date(2027, 10, 7), provisional=True)


def test_is_working_day_never_raises_for_any_date():
    calendar = WorkingCalendar()
    for day in (
        date.min,
        date(2003, 12, 31),
        date(2027, 1, 1),
        date(2100, 3, 1),
        date.max,
    ):
        assert calendar.is_working_day(day) is (day.weekday() < 5)


def test_deadline_starting_in_a_known_year_and_ending_in_an_unknown_one_is_provisional():
    # Thu 31 Dec 2026 + 1: Fri 1 Jan 2027, a weekday in a year only known by weekends.
    deadline = WorkingCalendar().add_working_days(date(2026, 12, 31), 1)
    assert deadline == Deadline(due_on=date(2027, 1, 1), provisional=True)


def test_deadline_received_on_the_last_day_of_an_unknown_year_counts_only_the_next_year():
    operator_2028 = YearSchedule.parse(2028, holidays=[], workdays=[])
    deadline = WorkingCalendar([operator_2028]).add_working_days(date(2027, 12, 31), 1)
    assert deadline == Deadline(due_on=date(2028, 1, 3), provisional=False)


# --- operator schedules -----------------------------------------------------------------------


def test_operator_2027_schedule_makes_the_deadline_final_and_honours_its_days():
    calendar = WorkingCalendar([hypothetical_2027_schedule()])
    # Thu 30 Sep 2027 + 5: Fri 1 – Thu 7 Oct off, Fri 8 (1), Sat 9 (2), Mon 11 – Wed 13 Oct (3–5).
    deadline = calendar.add_working_days(date(2027, 9, 30), 5)
    assert deadline == Deadline(due_on=date(2027, 10, 13), provisional=False)
    assert calendar.source_for(2027) is CalendarSource.OPERATOR
    assert 2027 in calendar.known_years()


def test_operator_schedules_may_be_given_as_a_mapping_by_year():
    calendar = WorkingCalendar({2027: hypothetical_2027_schedule()})
    assert not calendar.is_working_day(date(2027, 10, 4))


def test_operator_schedule_filed_under_the_wrong_year_is_refused():
    with pytest.raises(ValueError, match="2027"):
        WorkingCalendar({2028: hypothetical_2027_schedule()})


def test_operator_schedule_overrides_the_library_for_a_year_it_knows():
    # A fictional correction of 2026: Thu 8 Oct also off, Sat 10 Oct no longer worked.
    corrected = YearSchedule.parse(
        2026,
        holidays=[date(2026, 10, d) for d in range(1, 9)],
        workdays=[date(2026, 9, 20)],
    )
    calendar = WorkingCalendar([corrected])
    assert calendar.source_for(2026) is CalendarSource.OPERATOR
    assert not calendar.is_working_day(date(2026, 10, 8))
    assert not calendar.is_working_day(date(2026, 10, 10))
    # Mon 28 Sep + 10: 29, 30 Sep (1–2), Fri 9 Oct (3), 12–16 Oct (4–8), 19–20 Oct (9–10).
    deadline = calendar.add_working_days(date(2026, 9, 28), 10)
    assert deadline == Deadline(due_on=date(2026, 10, 20), provisional=False)


def test_library_is_asked_about_an_unknown_year_only_once(monkeypatch):
    asked = []
    real = chinese_calendar.is_workday

    def counting_is_workday(day):
        asked.append(day.year)
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", counting_is_workday)
    calendar = WorkingCalendar()
    for offset in range(40):
        calendar.is_working_day(date(2027, 3, 1) + timedelta(days=offset))
    calendar.add_working_days(date(2027, 3, 1), 30)
    assert asked.count(2027) == 1


# --- YearSchedule.parse -----------------------------------------------------------------------


def test_parse_accepts_weekend_holidays_and_weekend_workdays():
    schedule = YearSchedule.parse(
        2026,
        holidays=[date(2026, 10, 1), date(2026, 10, 3)],  # Thu and Sat
        workdays=[date(2026, 9, 20), date(2026, 10, 10)],  # Sun and Sat
    )
    assert schedule.holidays == {date(2026, 10, 1), date(2026, 10, 3)}
    assert schedule.workdays == {date(2026, 9, 20), date(2026, 10, 10)}


def test_parse_lists_every_problem_at_once():
    with pytest.raises(InvalidSchedule) as caught:
        YearSchedule.parse(
            2027,
            holidays=[
                date(2027, 10, 1),
                date(2026, 10, 2),
                date(2028, 1, 3),
                date(2027, 10, 9),
            ],
            workdays=[date(2027, 10, 6), date(2027, 10, 9), date(2028, 1, 8)],
        )
    fields = [field for field, _ in caught.value.errors]
    assert sorted(fields) == sorted(
        [
            "holidays[1]",  # 2026, out of year
            "holidays[2]",  # 2028, out of year
            "workdays[2]",  # 2028, out of year
            "workdays[0]",  # a Wednesday
            "workdays[1]",  # Sat 9 Oct also listed as a holiday
        ]
    )
    messages = dict(caught.value.errors)
    assert "not in 2027" in messages["holidays[1]"]
    assert "Wednesday" in messages["workdays[0]"]
    assert "holiday" in messages["workdays[1]"]


def test_parse_refuses_timestamps_instead_of_truncating_them():
    with pytest.raises(InvalidSchedule) as caught:
        YearSchedule.parse(2027, holidays=[datetime(2027, 10, 1, 8)], workdays=[])
    assert [field for field, _ in caught.value.errors] == ["holidays[0]"]


def test_invalid_schedule_is_a_value_error():
    assert issubclass(InvalidSchedule, ValueError)


# --- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1])
def test_deadline_of_fewer_than_one_working_day_is_refused(n):
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(date(2026, 6, 12), n)


def test_timestamp_is_refused_because_its_day_depends_on_the_time_zone():
    with pytest.raises(TypeError):
        WorkingCalendar().is_working_day(datetime(2026, 10, 1, 12))


def test_working_days_between_counts_the_end_but_not_the_start():
    calendar = WorkingCalendar()
    # (Mon 28 Sep, Mon 12 Oct 2026]: 29, 30 Sep, 8, 9, Sat 10, 12 Oct.
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 12)) == 6
    assert calendar.working_days_between(date(2026, 10, 12), date(2026, 10, 12)) == 0
    assert calendar.working_days_between(date(2026, 10, 12), date(2026, 9, 28)) == 0


# --- properties -------------------------------------------------------------------------------

_calendar = WorkingCalendar([hypothetical_2027_schedule()])


@given(
    start=st.dates(min_value=date(2003, 1, 1), max_value=date(2031, 12, 31)),
    n=st.integers(min_value=1, max_value=80),
)
def test_deadline_is_the_first_day_by_which_n_working_days_have_passed(start, n):
    deadline = _calendar.add_working_days(start, n)
    assert deadline.due_on > start
    assert _calendar.is_working_day(deadline.due_on)
    assert _calendar.working_days_between(start, deadline.due_on) == n
    assert _calendar.working_days_between(start, deadline.due_on - timedelta(days=1)) == n - 1


@given(
    start=st.dates(min_value=date(2003, 1, 1), max_value=date(2031, 12, 31)),
    n=st.integers(min_value=1, max_value=80),
)
def test_deadline_is_provisional_exactly_when_it_counts_a_weekends_only_day(start, n):
    deadline = _calendar.add_working_days(start, n)
    day, touched_unknown = start, False
    while day < deadline.due_on:
        day += timedelta(days=1)
        touched_unknown |= _calendar.source_for(day.year) is CalendarSource.WEEKENDS
    assert deadline.provisional == touched_unknown
