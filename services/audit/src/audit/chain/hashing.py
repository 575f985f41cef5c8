"""The SM3 hash chain (Art. 32; GB/T 32905 through ``cryptography``'s ``hashes.SM3``).

Each record kind has its own chain in arrival order. A link is
``SM3(previous link || canonical bytes of the record)``, where the canonical bytes name the kind
and the record's chain position, so a record edited, moved, inserted or removed breaks every link
from there on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives import hashes


class Kind(StrEnum):
    """The chained record kinds, one chain each."""

    JOURNAL = "journal"
    USAGE = "usage"
    REPORTS = "reports"
    NETLOG = "netlog"


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


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
