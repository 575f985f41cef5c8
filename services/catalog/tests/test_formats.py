"""The fast format checks agree with python-stdnum and phonenumbers."""

import random

import phonenumbers
import pytest
from stdnum.cn import ric, uscc

from catalog.records import formats


def resident_id(region: str = "110105", birth: str = "19900101", sequence: str = "123") -> str:
    """A valid number: a real county code of the birth year, a real date, its check digit."""
    base = region + birth + sequence
    return base + ric.calc_check_digit(base + "0")


def credit_code(base: str = "91310105MA1FL0000") -> str:
    return base + uscc.calc_check_digit(base)


def test_a_resident_id_with_a_real_region_birth_date_and_check_digit_is_valid() -> None:
    number = resident_id()
    assert ric.is_valid(number)
    assert formats.resident_id(number) is None
    assert formats.resident_id(number.lower()) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (resident_id()[:-1] + ("0" if resident_id()[-1] != "0" else "1"), "check digit"),
        (resident_id(birth="19900231"), "birth date"),
        (resident_id(region="999999"), "region"),
        ("11010519900101", "18-character"),
    ],
)
def test_a_resident_id_is_refused_with_its_reason(number: str, reason: str) -> None:
    assert not ric.is_valid(number)
    message = formats.resident_id(number)
    assert message is not None and reason in message


def test_resident_ids_agree_with_stdnum_on_random_numbers() -> None:
    rng = random.Random(7)
    regions = ["110105", "310105", "440305", "510104", "999999", "310112", "320102"]
    for _ in range(3000):
        base = (
            rng.choice(regions)
            + f"{rng.randint(1930, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}"
        )
        base += f"{rng.randint(0, 999):03d}"
        number = base + (
            ric.calc_check_digit(base + "0") if rng.random() < 0.8 else rng.choice("0123456789X")
        )
        assert (formats.resident_id(number) is None) == ric.is_valid(number), number


def test_credit_codes_agree_with_stdnum_on_random_codes() -> None:
    rng = random.Random(11)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for _ in range(3000):
        base = "".join(rng.choice("0123456789") for _ in range(8))
        base += "".join(rng.choice(alphabet) for _ in range(9))
        code = base + (uscc.calc_check_digit(base) if rng.random() < 0.7 else rng.choice(alphabet))
        assert (formats.uscc(code) is None) == uscc.is_valid(code), code
    assert formats.uscc(credit_code()) is None
    assert formats.uscc("91310105MA1FL0000I") is not None


def test_phone_numbers_agree_with_phonenumbers() -> None:
    rng = random.Random(3)
    samples = [
        "13812345678",
        "+8613812345678",
        "021-62345678",
        "02162345678",
        "12345678901",
        "1381234567",
        "abc",
    ]
    samples += [f"1{rng.randint(0, 9_999_999_999):010d}" for _ in range(3000)]
    for value in samples:
        try:
            expected = phonenumbers.is_valid_number(phonenumbers.parse(value, "CN"))
        except phonenumbers.NumberParseException:
            expected = False
        assert (formats.phone(value) is None) == expected, value


def test_email_addresses_are_checked() -> None:
    assert formats.email("data@changning.gov.cn") is None
    assert formats.email("not-an-address") is not None
