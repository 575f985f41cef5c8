"""Checking aggregated records against the resource's published fields (Art. 13–15).

A :class:`RecordSchema` is compiled once per published version: one small function per field,
so checking a record is a loop over plain calls. A record is refused with every problem it has;
the others in the batch are kept.
"""

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalog.records.formats import CHECKS, NORMALISE

Check = Callable[[Any], str | None]


def _string(value: Any) -> str | None:
    return None if type(value) is str else "must be a string"


def _integer(value: Any) -> str | None:
    return None if type(value) is int else "must be an integer"


def _number(value: Any) -> str | None:
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return None
    return "must be a number"


def _boolean(value: Any) -> str | None:
    return None if type(value) is bool else "must be true or false"


def _date(value: Any) -> str | None:
    if type(value) is str and len(value) == 10:
        try:
            dt.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "must be a date YYYY-MM-DD"


def _datetime(value: Any) -> str | None:
    if type(value) is str and len(value) >= 19:
        try:
            if dt.datetime.fromisoformat(value).tzinfo is not None:
                return None
        except ValueError:
            pass
    return "must be an ISO 8601 timestamp with its UTC offset"


_TYPES: dict[str, Check] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
}


def _with_format(check_format: Callable[[str], str | None]) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is not str:
            return "must be a string"
        return check_format(value)

    return check


@dataclass(frozen=True)
class Checked:
    key: str
    data: dict[str, Any]
    filled: int


class RecordSchema:
    """The published fields of one resource version, compiled for checking."""

    def __init__(self, fields: list[dict[str, Any]]) -> None:
        self.names = frozenset(f["name"] for f in fields)
        self.field_count = len(fields)
        self.keys = tuple(f["name"] for f in fields if f.get("key"))
        self._normalise: tuple[tuple[str, Callable[[str], str]], ...] = tuple(
            (f["name"], NORMALISE[f["format"]]) for f in fields if f.get("format")
        )
        self._checks: tuple[tuple[str, bool, Check], ...] = tuple(
            (
                f["name"],
                bool(f.get("required") or f.get("key")),
                _with_format(CHECKS[f["format"]]) if f.get("format") else _TYPES[f["type"]],
            )
            for f in fields
        )

    def check(self, record: Any) -> Checked | list[tuple[str, str]]:
        """The record ready to store, or its problems as (field, message)."""
        if type(record) is not dict:
            return [("", "a record is a JSON object")]
        problems: list[tuple[str, str]] = []
        if not self.names.issuperset(record):
            problems.extend(
                (name, "is not a field of the resource")
                for name in record
                if name not in self.names
            )
        filled = 0
        for name, required, check in self._checks:
            value = record.get(name)
            if value is None or value == "":
                if required:
                    problems.append((name, "is required"))
                continue
            message = check(value)
            if message is not None:
                problems.append((name, message))
            else:
                filled += 1
        if problems:
            return problems
        if self._normalise:
            record = dict(record)
            for name, normalise in self._normalise:
                if record.get(name):
                    record[name] = normalise(record[name])
        return Checked(self.key_of(record), record, filled)

    def filled_in(self, data: dict[str, Any]) -> int:
        """Fields of this version with a value in ``data`` (a stored record merged with a push)."""
        return sum(1 for name, _, _ in self._checks if data.get(name) not in (None, ""))

    def key_of(self, record: dict[str, Any]) -> str:
        """The upsert key: the key fields' values, or a digest of the whole record without them."""
        if len(self.keys) == 1:
            return str(_by_value(record[self.keys[0]]))
        if self.keys:
            return json.dumps(
                [_by_value(record[k]) for k in self.keys], ensure_ascii=False, separators=(",", ":")
            )
        values = {name: _by_value(value) for name, value in record.items()}
        canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _by_value(value: Any) -> Any:
    """Numbers are keyed by value: ``1``, ``1.0`` and ``1.00`` are one key."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@lru_cache(maxsize=256)
def schema_for(resource_id: str, version: int, fields_json: str) -> RecordSchema:
    return RecordSchema(json.loads(fields_json))
