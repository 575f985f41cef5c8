"""The simulator's memory: issued tokens, the catalogue chain, the two feeds and the fault switches.

Everything lives in one :class:`SimState` per app, so a test gets a fresh municipal side with each
app it builds. Nothing here is persistent: a restart of the simulator is a fresh city.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from pydantic import BaseModel, Field


def canonical_json(value: Any) -> bytes:
    """The bytes the chain hashes: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905), the national hash the catalogue chain uses."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def now() -> datetime:
    return datetime.now(UTC)


class Faults(BaseModel):
    """Switches an operator or a test flips through ``POST /admin/faults``."""

    fail: int = Field(default=0, ge=-1, description="next N requests answer 503; -1: all of them")
    lose: int = Field(
        default=0, ge=-1, description="next N writes are done, then answered 503 (lost answer)"
    )
    refuse: int = Field(
        default=0, ge=-1, description="next N writes answer 422, as a refusal for good"
    )
    slow: float = Field(default=0.0, ge=0, le=120, description="seconds each request is delayed")
    duplicate: bool = Field(
        default=False, description="feeds deliver every item twice and repeat the last page"
    )


@dataclass
class ChainEntry:
    height: int
    kind: str
    entry_id: str
    version: int
    idempotency_key: str
    entry: dict[str, Any]
    hash: str
    tx_id: str
    chained_at: datetime

    def receipt(self) -> dict[str, Any]:
        return {
            "tx_id": self.tx_id,
            "hash": self.hash,
            "height": self.height,
            "kind": self.kind,
            "id": self.entry_id,
            "version": self.version,
            "chained_at": self.chained_at.isoformat(),
        }


@dataclass
class FeedItem:
    seq: int
    body: dict[str, Any]


@dataclass
class SimState:
    client_id: str
    client_secret: str
    token_lifetime: int = 3600
    faults: Faults = field(default_factory=Faults)
    tokens: dict[str, datetime] = field(default_factory=dict)
    chain: list[ChainEntry] = field(default_factory=list)
    by_key: dict[str, ChainEntry] = field(default_factory=dict)
    applications: list[FeedItem] = field(default_factory=list)
    decisions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    handbacks: list[FeedItem] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = now()
        return token

    def token_valid(self, token: str) -> bool:
        issued = self.tokens.get(token)
        return issued is not None and (now() - issued).total_seconds() < self.token_lifetime

    def take_fault(self, name: str) -> bool:
        """Use up one of the ``fail``, ``refuse`` or ``lose`` switches; True when this request is
        hit."""
        left: int = getattr(self.faults, name)
        if left == 0:
            return False
        if left > 0:
            setattr(self.faults, name, left - 1)
        return True

    def append_to_chain(
        self, *, kind: str, entry_id: str, version: int, key: str, entry: dict[str, Any]
    ) -> ChainEntry:
        digest = sm3_hex(canonical_json(entry))
        previous = self.chain[-1].tx_id if self.chain else "0" * 64
        height = len(self.chain) + 1
        tx_id = "0x" + sm3_hex(f"{height}:{previous}:{digest}".encode())
        chained = ChainEntry(height, kind, entry_id, version, key, entry, digest, tx_id, now())
        self.chain.append(chained)
        self.by_key[key] = chained
        return chained

    def find_entry(self, kind: str, entry_id: str, version: int | None) -> ChainEntry | None:
        for chained in reversed(self.chain):
            same = chained.kind == kind and chained.entry_id == entry_id
            if same and version in (None, chained.version):
                return chained
        return None

    def add_application(self, body: dict[str, Any]) -> dict[str, Any]:
        seq = len(self.applications) + 1
        item = {"id": body.get("id") or f"SHOD{seq:06d}", "submitted_at": now().isoformat(), **body}
        self.applications.append(FeedItem(seq, item))
        return {"seq": seq, **item}

    def add_handback(self, body: dict[str, Any]) -> dict[str, Any]:
        seq = len(self.handbacks) + 1
        item = {"id": body.get("id") or f"HB{seq:06d}", "handed_back_at": now().isoformat(), **body}
        self.handbacks.append(FeedItem(seq, item))
        return {"seq": seq, **item}

    def page(self, feed: list[FeedItem], after: int, limit: int) -> dict[str, Any]:
        """Items after the cursor ``after`` (a sequence number). With ``duplicate`` on, every item
        comes twice and the page starts one item early, as a careless sender would repeat."""
        start = max(0, after - 1) if self.faults.duplicate else after
        items = [item for item in feed if item.seq > start][:limit]
        body = [{"seq": item.seq, **item.body} for item in items]
        if self.faults.duplicate:
            body = [copy for item in body for copy in (item, dict(item))]
        return {"items": body, "next": items[-1].seq if items else after}
