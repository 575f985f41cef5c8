"""Checked formats of string fields (Art. 13, 15: accuracy, e.g. ID and credit-code checksums).

The rules are python-stdnum's and phonenumbers', made fast enough to run on every aggregated
value: the libraries' own check-digit functions run on every value, and the expensive lookups
(the region table of resident ID numbers, which depends on the birth year; phone-number parsing)
are cached or taken only off the common path. ``tests/test_formats.py`` checks they agree with
the libraries.
"""

import datetime as dt
import re
from functools import lru_cache

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata
from stdnum.cn import ric
from stdnum.cn import uscc as uscc_checksum
from stdnum.exceptions import ValidationError

_RIC = re.compile(r"^\d{17}[\dX]$")
_USCC = re.compile(r"^\d{8}[0-9A-HJ-NPQRTUWXY]{10}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)


def _mobile_pattern() -> re.Pattern[str] | None:
    """The CN mobile pattern of phonenumbers' own metadata: a match is valid for it too."""
    metadata = PhoneMetadata.metadata_for_region("CN")
    mobile = metadata.mobile if metadata else None
    if (
        mobile is None
        or not mobile.national_number_pattern
        or 11 not in (mobile.possible_length or ())
    ):
        return None
    return re.compile(rf"(?:{mobile.national_number_pattern})")


_MOBILE = _mobile_pattern()


@lru_cache(maxsize=65536)
def _region_known(region: str, year: int) -> bool:
    """stdnum's region table says which county codes were assigned in which years."""
    try:
        ric.get_birth_place(f"{region}{year:04d}0101000")
    except ValidationError:
        return False
    return True


def resident_id(value: str) -> str | None:
    """居民身份证号码 (GB 11643): 18 characters, ISO 7064 check digit, a real birth date and a
    county code assigned in the birth year. Same verdict as ``stdnum.cn.ric.is_valid``."""
    number = value.strip().upper()
    if not _RIC.match(number):
        return "not an 18-character resident ID number"
    if ric.calc_check_digit(number) != number[-1]:
        return "resident ID check digit is wrong"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "resident ID birth date is not a date"
    if not _region_known(number[:6], birth.year):
        return "resident ID region code was not assigned in the birth year"
    return None


def uscc(value: str) -> str | None:
    """统一社会信用代码 (GB 32100): 18 characters, mod-31 check character. Same verdict as
    ``stdnum.cn.uscc.is_valid``."""
    code = value.replace(" ", "").replace("-", "").upper()
    if not _USCC.match(code):
        return "not an 18-character unified social credit code"
    if uscc_checksum.calc_check_digit(code[:-1]) != code[-1]:
        return "unified social credit code check character is wrong"
    return None


def phone(value: str) -> str | None:
    """A valid phone number (mainland China unless it carries a country code), by phonenumbers;
    an 11-digit mobile number matching the metadata's mobile pattern is valid without parsing."""
    if _MOBILE is not None and len(value) == 11 and value.isdigit() and _MOBILE.fullmatch(value):
        return None
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return "not a phone number"
    return None if phonenumbers.is_valid_number(parsed) else "not a valid phone number"


def email(value: str) -> str | None:
    return None if len(value) <= 254 and _EMAIL.match(value) else "not an email address"


CHECKS = {"resident_id": resident_id, "uscc": uscc, "phone": phone, "email": email}


def _phone_e164(value: str) -> str:
    if _MOBILE is not None and len(value) == 11 and value.isdigit() and _MOBILE.fullmatch(value):
        return f"+86{value}"
    return phonenumbers.format_number(
        phonenumbers.parse(value, "CN"), phonenumbers.PhoneNumberFormat.E164
    )


def _email(value: str) -> str:
    local, _, domain = value.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


#: One spelling per value, applied to a valid value before it is keyed and stored, so `…002x`,
#: ` …002X` and `…002X` are one person (Art. 13: one data, one standard).
NORMALISE = {
    "resident_id": lambda value: value.strip().upper(),
    "uscc": lambda value: value.replace(" ", "").replace("-", "").strip().upper(),
    "phone": _phone_e164,
    "email": _email,
}
