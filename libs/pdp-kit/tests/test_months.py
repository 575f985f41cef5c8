from datetime import date

from pdp_kit.months import add_months


def test_a_month_without_the_day_ends_on_its_last_day() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)


def test_twelve_months_is_the_same_day_next_year_and_a_leap_day_falls_back() -> None:
    assert add_months(date(2026, 6, 1), 12) == date(2027, 6, 1)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
