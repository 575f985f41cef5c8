"""Audit's worker in a process of its own, for the test that kills a group member with SIGKILL.

``python consumer_process.py DATABASE_URL BOOTSTRAP``: prints ``handling`` once its consumer has
handled an event (it holds partitions of the group), then runs until killed.
"""

from __future__ import annotations

import asyncio
import sys

from resilience_kit import Database, eventually, worker_settings

from audit.subscriptions import subscriptions
from pdp_kit.worker import Worker


async def main(url: str, bootstrap: str) -> None:
    database = Database.open(url)
    worker = Worker(
        "audit", worker_settings(bootstrap), database.sessionmaker, subscriptions=subscriptions
    )
    await worker.start()

    async def handling() -> bool:
        return worker.consumer.stats.handled > 0

    await eventually(handling, timeout=600, what="partitions assigned", every=0.05)
    sys.stdout.write("handling\n")
    sys.stdout.flush()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
