"""The SM3 hash chain (Art. 32; GB/T 32905).

Each record kind has its own chain in arrival order. A link is
``SM3(previous link || canonical bytes of the record)``, where the canonical bytes name the kind
and the record's chain position, so a record edited, moved, inserted or removed breaks every link
from there on.

Two canonical forms exist; both are injective (no two different records share their bytes):

- Form 1 (:func:`canonical`): ``[kind, position, *values]`` as compact JSON, dates in ISO 8601.
  Every chain used it first; the journal, usage records and reports still do.
- Form 2 (:func:`fields_text`, :func:`links_of`): ``2 TAB kind TAB position TAB fields``, where
  ``fields`` are the record's values in the table's column order as PostgreSQL's ``COPY`` text
  format writes them (``\\N`` for NULL; backslash, tab, newline and carriage return escaped;
  integers in decimal, floats as Python's shortest ``repr``, times as UTC ISO 8601 with
  microseconds). The network log uses it since its batch ingest: the same text is the row sent
  by ``COPY``, so a record costs one string and one SM3, and no JSON (bench/README.md, round 4).
  A chain moves from form 1 to form 2 once; verification follows it (``audit.chain.verify``).

SM3 is OpenSSL's, through ``hashlib`` when OpenSSL offers it (the same digest as
``cryptography``'s ``hashes.SM3``, at about half the cost a call), else ``cryptography``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes


class Kind(StrEnum):
    """The chained record kinds, one chain each."""

    JOURNAL = "journal"
    USAGE = "usage"
    REPORTS = "reports"
    NETLOG = "netlog"


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class _CryptographySM3:
    """``cryptography``'s SM3 behind ``hashlib``'s interface."""

    def __init__(self) -> None:
        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.finalize()


def _sm3_factory() -> Callable[[], _Digest]:
    try:
        return hashlib.new("sm3").copy  # a copy of an empty state: no algorithm look-up a call
    except ValueError:  # OpenSSL built without SM3
        return _CryptographySM3


_new_sm3: Callable[[], _Digest] = _sm3_factory()


def sm3(data: bytes) -> bytes:
    digest = _new_sm3()
    digest.update(data)
    return digest.digest()


def genesis(kind: str) -> bytes:
    """The link before a chain's first record."""
    return sm3(f"pdp-audit-chain:{kind}".encode())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot chain a {type(value).__name__}")


#: One encoder for every link (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(
    default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":")
)


def canonical(kind: str, position: int, row: Mapping[Any, Any], columns: Iterable[str]) -> bytes:
    """The bytes a record is chained by: the same for the row as written and as read back."""
    return _ENCODER.encode([kind, position, *(row[name] for name in columns)]).encode()


def link(
    previous: bytes, kind: str, position: int, row: Mapping[Any, Any], columns: Iterable[str]
) -> bytes:
    return sm3(previous + canonical(kind, position, row, columns))


# Form 2: the COPY text of a record.

FORM_2 = 2
#: PostgreSQL's COPY text format: these characters are written escaped (NUL cannot be stored).
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL_TEXT = "\\N"


def copy_text(value: str) -> str:
    """A string as a COPY text field."""
    return value.translate(_COPY_ESCAPES)


def time_text(moment: datetime) -> str:
    """A timestamp as form 2 writes it: UTC, ISO 8601, always six fractional digits."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def value_text(value: Any) -> str:
    """One stored value as a form 2 field (how the row is read back for verification)."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, str):
        return copy_text(value)
    if isinstance(value, bool):
        raise TypeError("cannot chain a bool in form 2")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return time_text(value)
    raise TypeError(f"cannot chain a {type(value).__name__} in form 2")


def fields_text(row: Mapping[Any, Any], columns: Iterable[str]) -> str:
    """A stored record's chained values in form 2: COPY text fields joined by tabs."""
    return "\t".join([value_text(row[name]) for name in columns])


def links_of(previous: bytes, kind: str, position: int, texts: Iterable[str]) -> Iterator[bytes]:
    """Form 2 links of consecutive records, the first at ``position + 1``, each given as its
    :func:`fields_text`. The one definition both the ingest and the verification use."""
    new = _new_sm3
    head = f"{FORM_2}\t{kind}\t"
    for text in texts:
        position += 1
        digest = new()
        digest.update(previous)
        digest.update(f"{head}{position}\t{text}".encode())
        previous = digest.digest()
        yield previous
