"""The network log's buffer on its own, with a database that can be told to fail."""

from datetime import UTC, datetime

import pytest

from gateway.netlog.buffer import LoggedRequest, NetworkLog


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
