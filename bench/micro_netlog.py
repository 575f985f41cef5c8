"""Network-log ingest, piece by piece: Python CPU per record, no database (bench/README, round 4).

Each line is microseconds a record, the best of five repeats over N records (default 20,000),
built as the gateway builds them. "one event a request" is the path before batches (a CloudEvent
and a pydantic payload a record, form 1 canonical JSON); "batch" is ``RequestsLogged``.

Run: ``.venv/bin/python bench/micro_netlog.py [N]``.
"""

from __future__ import annotations

import json
import sys
import timeit
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench_audit import logged_request
from cryptography.hazmat.primitives import hashes

from audit.chain.hashing import genesis, link, links_of, sm3
from audit.netlogs.ingest import batch_of
from audit.netlogs.service import chain
from gateway.netlog.buffer import LoggedRequest, outbox_rows
from pdp_contracts.gateway import RequestLogged
from pdp_kit.events.envelope import Event


def requests(count: int) -> list[LoggedRequest]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    return [logged_request(i, start + timedelta(seconds=i, microseconds=i)) for i in range(count)]


def per_record(work: Callable[[], object], count: int) -> float:
    return min(timeit.repeat(work, number=1, repeat=5)) / count * 1e6


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    logged = requests(count)
    singles = [
        Event.of(
            RequestLogged(**{k: getattr(r, k) for k in RequestLogged.model_fields}),
            subject=r.request_id,
        ).encode()[1]
        for r in logged
    ]
    batches = [row["value"] for row in outbox_rows(logged)]
    decoded_singles = [Event.decode(v) for v in singles]
    decoded_batches = [Event.decode(v) for v in batches]
    now = datetime.now(UTC)
    old_rows = [
        {
            "event_id": e.id,
            **{k: v for k, v in e.payload(RequestLogged).model_dump().items()},
            "traceparent": None,
            "received_at": now,
        }
        for e in decoded_singles
    ]
    texts = [t for e in decoded_batches for t in batch_of(e).texts]
    previous = genesis("netlog")
    data = b"x" * 200

    def old_links() -> None:
        p = previous
        for n, row in enumerate(old_rows, 1):
            p = link(p, "netlog", n, row, chain.columns)

    def cryptography_sm3() -> None:
        for _ in range(count):
            digest = hashes.Hash(hashes.SM3())
            digest.update(data)
            digest.finalize()

    figures = {
        "one event a request: Event.decode": per_record(
            lambda: [Event.decode(v) for v in singles], count
        ),
        "one event a request: pydantic payload": per_record(
            lambda: [e.payload(RequestLogged) for e in decoded_singles], count
        ),
        "one event a request: form 1 link (JSON + SM3)": per_record(old_links, count),
        "batch: Event.decode (200 entries a record)": per_record(
            lambda: [Event.decode(v) for v in batches], count
        ),
        "batch: batch_of (column checks, COPY text)": per_record(
            lambda: [batch_of(e) for e in decoded_batches], count
        ),
        "batch: form 2 links (SM3 + hex)": per_record(
            lambda: [x.hex() for x in links_of(previous, "netlog", 0, texts)], count
        ),
        "SM3 of 200 bytes, cryptography hashes.SM3": per_record(cryptography_sm3, count),
        "SM3 of 200 bytes, hashlib (OpenSSL), as used": per_record(
            lambda: [sm3(data) for _ in range(count)], count
        ),
    }
    for name, micros in figures.items():
        print(f"  {name:<48} {micros:6.2f} µs/record")
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
