"""The desensitisation rules (Art. 22, 25): what a masked field looks like when it leaves.

Pure functions, no I/O: every open-data page and download passes each record through
:func:`apply_profile`. A rule never returns the raw value of a value it cannot shorten safely
(too short to keep the prescribed characters and still hide something): it hides it all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any

STAR = "*"


class Action(StrEnum):
    KEEP = "keep"
    MASK = "mask"
    DROP = "drop"


class Rule(StrEnum):
    ID_NUMBER = "id_number"  # first 6 and last 4 characters kept
    PHONE = "phone"  # first 3 and last 4 digits kept
    NAME = "name"  # first character kept
    ADDRESS = "address"  # down to the street
    EMAIL = "email"  # first character of the mailbox and the domain
    TEXT = "text"  # free text: removed


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return STAR * len(value)
    return value[:head] + STAR * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    return _keep_ends(value.strip(), 6, 4)


def mask_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value)
    return _keep_ends(digits, 3, 4)


def mask_name(value: str) -> str:
    name = value.strip()
    if len(name) <= 1:
        return STAR * len(name)
    return name[0] + STAR * (len(name) - 1)


#: The street level of a Chinese address: what follows (lane, number, building, room) is cut.
_STREET = re.compile(r"^.*?(?:街道|大道|路|街|镇|乡)")
_DISTRICT = re.compile(r"^.*?(?:区|县|市)")


def mask_address(value: str) -> str:
    text = value.strip()
    street = _STREET.match(text)
    if street is not None and street.end() < len(text):
        return street.group(0) + STAR * 3
    district = _DISTRICT.match(text)
    if district is not None and district.end() < len(text):
        return district.group(0) + STAR * 3
    return STAR * 3


def mask_email(value: str) -> str:
    mailbox, at, domain = value.strip().partition("@")
    if not at:
        return STAR * 3
    return (mailbox[:1] if len(mailbox) > 1 else "") + STAR * 3 + "@" + domain


def remove_text(_: str) -> None:
    return None


MASKS: dict[Rule, Callable[[str], str | None]] = {
    Rule.ID_NUMBER: mask_id_number,
    Rule.PHONE: mask_phone,
    Rule.NAME: mask_name,
    Rule.ADDRESS: mask_address,
    Rule.EMAIL: mask_email,
    Rule.TEXT: remove_text,
}

_BY_FORMAT = {"resident_id": Rule.ID_NUMBER, "phone": Rule.PHONE, "email": Rule.EMAIL}
_NAME_HINTS = ("姓名", "联系人", "法定代表人", "负责人")
_ADDRESS_HINTS = ("地址", "住址", "住所")


def default_rule(field: Mapping[str, Any]) -> Rule:
    """The rule a ``mask`` without an explicit rule uses: the field's checked format first, then
    its name and title; anything else is free text and removed."""
    by_format = _BY_FORMAT.get(str(field.get("format") or ""))
    if by_format is not None:
        return by_format
    name, title = str(field.get("name", "")).lower(), str(field.get("title", ""))
    if name in ("name", "full_name", "person_name") or any(hint in title for hint in _NAME_HINTS):
        return Rule.NAME
    if "address" in name or any(hint in title for hint in _ADDRESS_HINTS):
        return Rule.ADDRESS
    return Rule.TEXT


def mask_value(rule: Rule, value: Any) -> Any:
    """A masked non-text value (a number, a date) cannot be partly shown: it is removed."""
    if value is None:
        return None
    if not isinstance(value, str):
        return None
    return MASKS[rule](value)


class CompiledProfile:
    """A listing's profile, ready for the hot path: the fields that leave, in order, and the
    rule of each masked one."""

    def __init__(self, fields: list[str], masks: dict[str, Rule]) -> None:
        self.fields = fields
        self.masks = masks

    def apply(self, record: Mapping[str, Any]) -> dict[str, Any]:
        out = {name: record.get(name) for name in self.fields}
        for name, rule in self.masks.items():
            out[name] = mask_value(rule, out[name])
        return out


def compile_profile(
    fields: Sequence[Mapping[str, Any]], profile: Mapping[str, Mapping[str, str]]
) -> CompiledProfile:
    """``profile``: field name -> ``{"action", "rule"?}`` as stored on the listing. A field the
    profile does not name is kept; a dropped field is never read from the catalog nor written out.

    Fails closed: a sensitive field the profile leaves ``keep`` — one a later version of the
    resource added or made sensitive after the listing was accepted — is dropped, never sent."""
    leaving: list[str] = []
    masks: dict[str, Rule] = {}
    for field in fields:
        name = str(field["name"])
        entry = profile.get(name, {"action": Action.KEEP})
        action = Action(entry["action"])
        if action is Action.DROP or (action is Action.KEEP and field.get("sensitive")):
            continue
        leaving.append(name)
        if action is Action.MASK:
            masks[name] = Rule(entry.get("rule") or default_rule(field))
    return CompiledProfile(leaving, masks)


def apply_profile(profile: CompiledProfile, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [profile.apply(record) for record in records]
