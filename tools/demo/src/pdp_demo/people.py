"""Synthetic residents and organisations of Changning, with identifiers the catalog accepts.

Faker's ``zh_CN`` provider makes names, companies and mobile numbers. Its ``ssn`` counts ages
from today (a run tomorrow would make other people) and its county codes are not always assigned
in the birth year, which ``stdnum.cn.ric`` (and so the catalog) also checks; so resident ID
numbers are built here from Changning's county code, a birth date drawn by the seeded faker
before :data:`REFERENCE_DAY`, and stdnum's check digit. Unified social credit codes are built the
same way and checked with ``stdnum.cn.uscc``; phone numbers with ``phonenumbers``. Every value is
checked with the libraries the catalog uses and drawn again until valid. Everything is seeded and
dated from a fixed day: a run makes the same records as the last one, so loading them again is an
update, not new data.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from typing import Any

import phonenumbers
from faker import Faker
from stdnum.cn import ric, uscc

CHANGNING = "310105"
STREETS = (
    "华阳路街道",
    "江苏路街道",
    "新华路街道",
    "周家桥街道",
    "天山路街道",
    "仙霞新村街道",
    "虹桥街道",
    "程家桥街道",
    "北新泾街道",
    "新泾镇",
)
ROADS = (
    "长宁路",
    "愚园路",
    "延安西路",
    "天山路",
    "仙霞路",
    "虹桥路",
    "娄山关路",
    "古北路",
    "遵义路",
    "中山西路",
    "金钟路",
    "淞虹路",
)
#: Dates are drawn relative to this day, not today, so every run makes the same records.
REFERENCE_DAY = dt.date(2026, 11, 1)
#: USCC alphabet without I, O, S, V, Z (GB 32100).
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class District:
    """A seeded generator of the district's people and organisations."""

    def __init__(self, seed: str) -> None:
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(zlib.crc32(seed.encode()))

    def _valid(self, make: Callable[[], str], check: Callable[[str], bool]) -> str:
        for _ in range(1000):
            value = make()
            if check(value):
                return value
        raise RuntimeError("could not draw a valid value")  # pragma: no cover - seeded

    def resident_id(self, min_age: int = 18, max_age: int = 90) -> str:
        """居民身份证号码 of someone born in Changning: checksum, birth date and region valid."""

        def make() -> str:
            born = self.fake.date_between_dates(
                REFERENCE_DAY - dt.timedelta(days=365 * max_age),
                REFERENCE_DAY - dt.timedelta(days=365 * min_age),
            )
            body = f"{CHANGNING}{born:%Y%m%d}{self.fake.numerify('###')}"
            return body + ric.calc_check_digit(body)

        return self._valid(make, ric.is_valid)

    def phone(self) -> str:
        return self._valid(
            lambda: str(self.fake.phone_number()),
            lambda n: phonenumbers.is_valid_number(phonenumbers.parse(n, "CN")),
        )

    def credit_code(self, kind: str = "91") -> str:
        """统一社会信用代码: ``91`` an enterprise, ``12`` a public institution, ``52`` a social
        organisation; Changning's county code; a random organisation code; the check character."""

        def make() -> str:
            body = kind + CHANGNING + "".join(self.fake.random_choices(_USCC_CHARS, length=9))
            return body + uscc.calc_check_digit(body)

        return self._valid(make, uscc.is_valid)

    def name(self) -> str:
        return str(self.fake.name())

    def company(self) -> str:
        return f"上海{self.fake.company_prefix()}{self.fake.company_suffix()}"

    def street(self) -> str:
        return str(self.fake.random_element(STREETS))

    def address(self) -> str:
        road = self.fake.random_element(ROADS)
        return f"上海市长宁区{road}{self.fake.random_int(1, 1800)}号"

    def date(self, days_before: int = 3650, days_after: int = -30) -> str:
        """A day between ``days_before`` before and ``days_after`` after the reference day."""
        return self.fake.date_between_dates(
            REFERENCE_DAY - dt.timedelta(days=days_before),
            REFERENCE_DAY + dt.timedelta(days=days_after),
        ).isoformat()

    def birth_date(self, resident_id: str) -> str:
        number = resident_id
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])).isoformat()

    def integer(self, low: int, high: int) -> int:
        return int(self.fake.random_int(low, high))

    def amount(self, low: float, high: float) -> float:
        return round(self.fake.pyfloat(min_value=low, max_value=high), 2)

    def choice(self, options: tuple[str, ...]) -> str:
        return str(self.fake.random_element(options))


RecordMaker = Callable[[District], dict[str, Any]]


def records(seed: str, count: int, make: RecordMaker, key: str) -> list[dict[str, Any]]:
    """``count`` records with distinct ``key`` values, the same on every run."""
    district = District(seed)
    made: dict[Any, dict[str, Any]] = {}
    while len(made) < count:
        record = make(district)
        made.setdefault(record[key], record)
    return list(made.values())
