"""The network log's buffer on its own, with a database that can be told to fail."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from gateway.netlog.buffer import LoggedRequest, NetworkLog, entry_values
from pdp_contracts.gateway import NETLOG_TOPIC, REQUESTS_LOGGED_FIELDS
from pdp_kit.events.envelope import Event
from pdp_kit.models import OutboxMessage


class FlakyNetworkLog(NetworkLog):
    def __init__(self, **kwargs: int) -> None:
        super().__init__(None, **kwargs)  # type: ignore[arg-type]
        self.batches: list[list[str]] = []
        self.failing = False

    async def _write(self, batch: list[LoggedRequest]) -> None:
        if self.failing:
            raise ConnectionError("database unavailable")
        self.batches.append([entry.request_id for entry in batch])


def entry(request_id: str) -> LoggedRequest:
    return LoggedRequest(
        request_id=request_id,
        time=datetime.now(UTC),
        client_id=None,
        source_address="127.0.0.1",
        method="GET",
        path="/api/catalog/resources",
        status=200,
        latency_ms=1.0,
        bytes_in=0,
        bytes_out=10,
    )


async def test_a_flush_writes_one_transaction_per_batch_in_order() -> None:
    netlog = FlakyNetworkLog(batch_size=2)
    for n in range(5):
        netlog.record(entry(f"r{n}"))
    assert await netlog.flush() == 5
    assert netlog.batches == [["r0", "r1"], ["r2", "r3"], ["r4"]]


async def test_entries_survive_a_failed_write_and_go_out_with_the_next_flush() -> None:
    netlog = FlakyNetworkLog(batch_size=10)
    netlog.record(entry("r0"))
    netlog.failing = True
    with pytest.raises(ConnectionError):
        await netlog.flush()
    netlog.record(entry("r1"))
    netlog.failing = False
    await netlog.flush()
    assert netlog.batches == [["r0", "r1"]]


async def test_a_full_buffer_drops_the_oldest_entries_and_counts_them() -> None:
    netlog = FlakyNetworkLog(batch_size=10, max_pending=3)
    for n in range(5):
        netlog.record(entry(f"r{n}"))
    assert netlog.dropped == 2
    await netlog.flush()
    assert netlog.batches == [["r2", "r3", "r4"]]


class SpillingNetworkLog(FlakyNetworkLog):
    """Records what reached the database by event id, as the outbox's unique id would."""

    def __init__(self, spill_path: Path, **kwargs: int) -> None:
        super().__init__(**kwargs)
        self._spill_path = spill_path
        self.stored: dict[str, str] = {}

    async def _write(self, batch: list[LoggedRequest]) -> None:
        await super()._write(batch)
        for logged in batch:
            self.stored.setdefault(logged.event_id or logged.request_id, logged.request_id)


async def test_entries_the_database_refuses_are_spilled_to_disk_and_replayed_first(
    tmp_path: Path,
) -> None:
    spill = tmp_path / "netlog-spill.jsonl"
    netlog = SpillingNetworkLog(spill, batch_size=2, max_pending=3)
    netlog.failing = True
    for n in range(4):
        netlog.record(entry(f"r{n}"))  # the fourth fills the buffer: the first three go to disk
    with pytest.raises(ConnectionError):
        await netlog.flush()
    assert netlog.pending == 0
    assert len(spill.read_text().splitlines()) == 4
    for n in range(4, 9):  # still down: the buffer keeps spilling instead of dropping
        netlog.record(entry(f"r{n}"))

    netlog.failing = False
    netlog.record(entry("r9"))
    assert await netlog.flush() == 10

    assert [r for batch in netlog.batches for r in batch] == [f"r{n}" for n in range(10)]
    assert netlog.dropped == 0
    assert not spill.exists()


async def test_a_replay_cut_short_writes_every_entry_once_when_it_runs_again(
    tmp_path: Path,
) -> None:
    spill = tmp_path / "netlog-spill.jsonl"
    netlog = SpillingNetworkLog(spill, batch_size=2)
    netlog.failing = True
    # A replay writes events of REQUESTS_LOGGED_MAX_ENTRIES (200): 250 entries are two writes.
    for n in range(250):
        netlog.record(entry(f"r{n}"))
    with pytest.raises(ConnectionError):
        await netlog.flush()

    class CutShort(Exception):
        pass

    calls = 0
    write = SpillingNetworkLog._write

    async def fail_on_second(batch: list[LoggedRequest]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise CutShort
        await write(netlog, batch)

    netlog.failing = False
    netlog._write = fail_on_second  # type: ignore[method-assign]
    with pytest.raises(CutShort):
        await netlog.flush()
    await netlog.flush()

    assert sorted(netlog.stored.values()) == sorted(f"r{n}" for n in range(250))
    assert len(netlog.stored) == 250  # r0 to r199 written twice under one event id each
    assert netlog.dropped == 0
    assert not spill.exists()


async def test_spilled_entries_keep_every_field(tmp_path: Path) -> None:
    original = LoggedRequest(
        request_id="r1",
        time=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        client_id="client-D001",
        source_address="10.0.0.7",
        method="POST",
        path="/api/sharing/requests",
        status=201,
        latency_ms=12.5,
        bytes_in=100,
        bytes_out=2048,
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        event_id="e1",
    )
    assert LoggedRequest.from_line(original.to_line()) == original


async def test_a_spilled_entry_replayed_twice_is_one_outbox_row(app: Any, tmp_path: Path) -> None:
    spill = tmp_path / "netlog-spill.jsonl"
    netlog = NetworkLog(app.state.sessionmaker, spill_path=spill)
    netlog._spill([entry("r1"), entry("r2")])
    copy = spill.read_text()

    assert await netlog.flush() == 2
    spill.write_text(copy)  # a crash after the write, before the file was removed
    await netlog.flush()

    spilled = [json.loads(line)["event_id"] for line in copy.splitlines()]
    async with app.state.sessionmaker() as session:
        query = select(OutboxMessage.value).where(col(OutboxMessage.topic) == NETLOG_TOPIC)
        rows = (await session.execute(query)).scalars().all()
    [event] = [Event.decode(value) for value in rows]  # one event, under its first entry's id
    assert event.id == spilled[0]
    assert [values[0] for values in event.data["entries"]] == spilled
    assert netlog.dropped == 0


def test_an_entry_audit_would_refuse_is_cut_to_its_columns_and_loses_its_nul() -> None:
    """Audit refuses a whole batch for one entry that breaks the contract, so the gateway keeps
    every entry inside it: a request id past 200 characters, a NUL in a path."""
    logged = LoggedRequest(
        request_id="r" * 300,
        time=datetime(2026, 3, 1, 16, 0, tzinfo=timezone(timedelta(hours=8))),
        client_id=None,
        source_address="10.0.0.7",
        method="GET",
        path="/api/a\x00b",
        status=404,
        latency_ms=1.5,
        bytes_in=0,
        bytes_out=10,
    )

    values = dict(zip(REQUESTS_LOGGED_FIELDS, entry_values(logged, "e1"), strict=True))

    assert values["request_id"] == "r" * 200
    assert values["path"] == "/api/a\ufffdb"
    assert values["time"] == "2026-03-01T08:00:00.000000+00:00"
    assert (values["event_id"], values["client_id"]) == ("e1", None)
