"""An outbox relay in a process of its own, for the test that kills it with SIGKILL.

``python relay_process.py DATABASE_URL BOOTSTRAP BATCH_SIZE``. After each batch the broker
acknowledged, and before the relay marks its rows sent, it writes ``published <n>`` to stdout and
pauses briefly, so the test can kill it exactly between publishing and marking sent.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from typing import Any

from pdp_kit.db import create_engine, sessionmaker
from pdp_kit.events.kafka import EventProducer, Record, SentBatch
from pdp_kit.events.outbox import OutboxRelay

WINDOW_SECONDS = 0.05


class AnnouncingProducer(EventProducer):
    """Says how many records each batch held once the broker acknowledged it (the relay then
    marks it sent; pipelined, the next batch may already be on its way)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sizes: dict[int, int] = {}

    async def send_many(self, records: Iterable[Record]) -> SentBatch:
        batch = list(records)
        sent = await super().send_many(batch)
        self._sizes[id(sent)] = len(batch)
        return sent

    async def wait_acknowledged(self, batch: SentBatch) -> None:
        await super().wait_acknowledged(batch)
        sys.stdout.write(f"published {self._sizes.pop(id(batch), 0)}\n")
        sys.stdout.flush()
        await asyncio.sleep(WINDOW_SECONDS)


async def main(url: str, bootstrap: str, batch_size: int) -> None:
    engine = create_engine(url)
    producer = AnnouncingProducer(bootstrap, idempotence=False, timeout=5.0)
    relay = OutboxRelay(sessionmaker(engine), producer, batch_size=batch_size, idle_seconds=0.02)
    sys.stdout.write("started\n")
    sys.stdout.flush()
    await relay.run_forever(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
