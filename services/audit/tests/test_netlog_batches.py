"""The gateway's network-log batches (``RequestsLogged``) through the kit's consumer: kept entry
by entry in order, chained in form 2, every kind of tampering found (Art. 32, 34)."""

import dataclasses
from typing import Any

import httpx
import pytest
from audit_consuming import ParkedRecords, consumer, record
from cryptography.hazmat.primitives import hashes
from fastapi import FastAPI
from sqlalchemy import select

from audit.chain.hashing import fields_text, genesis, link, links_of, sm3
from audit.netlogs.service import chain
from pdp_contracts.gateway import NETLOG_TOPIC
from pdp_kit.events.envelope import Event

INTEGRITY = "/api/audit/integrity"


async def kept(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/audit/netlogs", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def integrity(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(INTEGRITY, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_openssl_sm3_and_cryptography_sm3_give_the_same_digest() -> None:
    for data in (b"", b"abc", bytes(range(256)) * 5):
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        assert sm3(data) == digest.finalize()


async def test_batches_are_kept_entry_by_entry_in_arrival_order_and_verify(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any
) -> None:
    first = events.requests_logged(2, time="2026-03-01T08:00:00")
    # Values COPY text must escape, a NULL beside an empty string, an integral latency.
    awkward = events.requests_logged(
        1,
        time="2026-03-02T08:00:00",
        path="/api/x\ty\\z\nw\r中",
        client_id=None,
        source_address="",
        latency_ms=7,
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    parked = ParkedRecords()

    await consumer(app, parked).handle_records(
        [
            record(first, topic=NETLOG_TOPIC, offset=0),
            record(awkward, topic=NETLOG_TOPIC, offset=1),
        ]
    )

    items = await kept(client, as_bureau)
    entries = [*first.data["entries"], *awkward.data["entries"]]
    assert [item["id"] for item in items] == [entry[0] for entry in entries]
    assert items[2]["path"] == "/api/x\ty\\z\nw\r中"
    assert (items[2]["client_id"], items[2]["source_address"]) == (None, "")
    assert items[2]["latency_ms"] == 7.0
    assert parked.records == []
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 3}


async def test_a_redelivered_batch_is_stored_once(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any
) -> None:
    batch = events.requests_logged(3)
    audit = consumer(app, ParkedRecords())

    await audit.handle_records([record(batch, topic=NETLOG_TOPIC, offset=0)] * 2)
    await audit.handle_records([record(batch, topic=NETLOG_TOPIC, offset=0)])  # after a restart

    assert len(await kept(client, as_bureau)) == 3
    assert (audit.stats.handled, audit.stats.duplicates) == (1, 2)
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 3}


def broken(event: Event, change: str) -> Event:
    data = {**event.data, "entries": [list(e) for e in event.data["entries"]]}
    entries = data["entries"]
    if change == "fields":
        data["fields"] = [*data["fields"][:-1], "trace"]
    elif change == "nul in path":
        entries[1][6] = "/api/\x00"
    elif change == "time with an offset":
        entries[1][2] = "2026-03-01T16:00:00.000000+08:00"
    elif change == "time without microseconds":
        entries[1][2] = "2026-03-01T08:00:00+00:00"
    elif change == "status as text":
        entries[1][7] = "200"
    elif change == "a boolean for a size":
        entries[1][10] = True
    elif change == "a missing value":
        del entries[1][-1]
    elif change == "a request id too long":
        entries[1][1] = "r" * 201
    elif change == "an id not the first entry's":
        return dataclasses.replace(event, id="another-id", data=data)
    return dataclasses.replace(event, data=data)


@pytest.mark.parametrize(
    "change",
    [
        "fields",
        "nul in path",
        "time with an offset",
        "time without microseconds",
        "status as text",
        "a boolean for a size",
        "a missing value",
        "a request id too long",
        "an id not the first entry's",
    ],
)
async def test_a_malformed_batch_goes_whole_to_the_dead_letter_topic(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, change: str
) -> None:
    good, bad = events.requests_logged(2), broken(events.requests_logged(3), change)
    parked = ParkedRecords()

    await consumer(app, parked).handle_records(
        [record(good, topic=NETLOG_TOPIC, offset=0), record(bad, topic=NETLOG_TOPIC, offset=1)]
    )

    assert [topic for topic, _ in parked.records] == ["pdp.audit.dlq"]
    assert [item["id"] for item in await kept(client, as_bureau)] == [
        entry[0] for entry in good.data["entries"]
    ]
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 2}


@pytest.fixture
async def batched(app: FastAPI, events: Any) -> None:
    """Five entries in two batches: positions 1-2, then 3-5."""
    await consumer(app, ParkedRecords()).handle_records(
        [
            record(
                events.requests_logged(2, time="2026-03-01T08:00:00"), topic=NETLOG_TOPIC, offset=0
            ),
            record(
                events.requests_logged(3, time="2026-03-02T08:00:00"), topic=NETLOG_TOPIC, offset=1
            ),
        ]
    )


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        (["UPDATE netlog SET status = 500 WHERE seq = 3"], 3),
        (["UPDATE netlog SET path = '/api/other' WHERE seq = 4"], 4),
        (["UPDATE netlog SET client_id = NULL WHERE seq = 2"], 2),
        (["DELETE FROM netlog WHERE seq = 3"], 3),
        (["DELETE FROM netlog WHERE seq >= 4"], 4),  # a cut tail
        (
            [
                "UPDATE netlog SET seq = -1 WHERE seq = 2",
                "UPDATE netlog SET seq = 2 WHERE seq = 3",
                "UPDATE netlog SET seq = 3 WHERE seq = -1",
            ],
            2,
        ),
    ],
    ids=["status edited", "path edited", "client erased", "deleted", "tail cut", "reordered"],
)
async def test_tampering_with_batch_ingested_entries_is_found(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    batched: None,
    sql: Any,
    statements: list[str],
    first_bad: int,
) -> None:
    assert await integrity(client, as_bureau) == {"ok": True, "checked": 5}
    for statement in statements:
        await sql(statement)

    body = await integrity(client, as_bureau)

    assert body["ok"] is False
    assert body["first_bad"] == {"kind": "netlog", "position": first_bad}


async def _append_forged(app: FastAPI, *, form: int) -> None:
    """What a forger with database access can do: append an entry with a correct link."""
    async with app.state.sessionmaker() as session, session.begin():
        last = (await session.execute(select(chain.table).where(chain.table.c.seq == 5))).one()
        forged = {**last._mapping, "event_id": "forged", "seq": 6}
        previous = bytes.fromhex(last.hash)
        if form == 1:
            forged["hash"] = link(previous, chain.kind, 6, forged, chain.columns).hex()
        else:
            text = fields_text(forged, chain.columns)
            forged["hash"] = next(links_of(previous, chain.kind, 5, [text])).hex()
        await session.execute(chain.table.insert().values(**forged))


@pytest.mark.parametrize("form", [1, 2])
async def test_an_inserted_entry_with_a_correct_link_is_found(
    app: FastAPI, client: httpx.AsyncClient, as_bureau: dict[str, str], batched: None, form: int
) -> None:
    await _append_forged(app, form=form)

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": "netlog", "position": 6}


async def test_a_form_1_entry_after_form_2_ones_is_found_even_with_the_head_moved(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    batched: None,
    sql: Any,
) -> None:
    await _append_forged(app, form=1)
    [(forged,)] = await sql("SELECT hash FROM netlog WHERE seq = 6")
    await sql("UPDATE chain_head SET position = 6, hash = :h WHERE kind = 'netlog'", h=forged)

    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": "netlog", "position": 6}


async def test_entries_chained_in_form_1_before_batches_still_verify_and_stay_guarded(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    events: Any,
    sql: Any,
) -> None:
    """Entries kept before form 2 existed, as the old ingest chained them, then batches."""
    logged = events.request_logged(time="2026-02-27T08:00:00")
    old = {
        "event_id": logged.id,
        "request_id": logged.data["request_id"],
        "time": events.at("2026-02-27T08:00:00"),
        "client_id": "client-D001",
        "source_address": "10.0.0.7",
        "method": "GET",
        "path": "/api/catalog/resources",
        "status": 200,
        "latency_ms": 12.5,
        "bytes_in": 0,
        "bytes_out": 2048,
        "traceparent": None,
        "received_at": events.at("2026-02-27T08:00:01"),
    }
    previous = genesis("netlog")
    async with app.state.sessionmaker() as session, session.begin():
        for seq, row in enumerate([old, {**old, "event_id": "old-2"}], 1):
            previous = link(previous, "netlog", seq, row, chain.columns)  # as Chain.append did
            await session.execute(chain.table.insert().values(**row, seq=seq, hash=previous.hex()))
    await sql(
        "UPDATE chain_head SET position = 2, hash = :h WHERE kind = 'netlog'", h=previous.hex()
    )

    await consumer(app, ParkedRecords()).handle_records(
        [record(events.requests_logged(3), topic=NETLOG_TOPIC, offset=0)]
    )

    assert await integrity(client, as_bureau) == {"ok": True, "checked": 5}
    await sql("UPDATE netlog SET status = 404 WHERE seq = 2")
    assert (await integrity(client, as_bureau))["first_bad"] == {"kind": "netlog", "position": 2}
