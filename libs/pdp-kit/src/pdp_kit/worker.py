"""The worker part of a service process: outbox relay, event consumers and scheduled sweeps."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiokafka.errors import KafkaError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp_contracts import dead_letter_topic
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.kafka import EventProducer, build_consumer, stop_quietly
from pdp_kit.events.outbox import OutboxRelay
from pdp_kit.settings import ServiceSettings
from pdp_kit.sweeps import Sweep, run_on_schedule

log = logging.getLogger(__name__)
JOIN_TIMEOUT_SECONDS = 60.0


class Worker:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        subscriptions: Subscriptions,
        sweeps: Sequence[Sweep] = (),
    ) -> None:
        self.name = name
        self._settings = settings
        self._sessionmaker = sessionmaker
        self._subscriptions = subscriptions
        self._sweeps = sweeps
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.producer = EventProducer(
            settings.kafka_bootstrap,
            idempotence=settings.kafka_idempotence,
            timeout=settings.kafka_timeout_seconds,
        )
        self.relay = OutboxRelay(
            sessionmaker,
            self.producer,
            batch_size=settings.relay_batch_size,
            idle_seconds=settings.relay_idle_seconds,
        )
        self.consumer = EventConsumer(
            name=f"pdp-{name}",
            subscriptions=subscriptions,
            sessionmaker=sessionmaker,
            dead_letters=self.producer,
            dead_letter_topic=dead_letter_topic(name),
            max_attempts=settings.consumer_max_attempts,
        )

    @property
    def relay_healthy(self) -> bool:
        return self.relay.healthy

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self.relay.run_forever(self._stop)))
        if self._subscriptions.all_topics():
            self._tasks.append(asyncio.create_task(self._consume_forever()))
        if self._sweeps:
            self._tasks.append(
                asyncio.create_task(
                    run_on_schedule(
                        self._sessionmaker,
                        self._sweeps,
                        interval_seconds=self._settings.sweep_interval_seconds,
                        stop=self._stop,
                    )
                )
            )

    async def _consume_forever(self) -> None:
        topics = self._subscriptions.all_topics()
        while not self._stop.is_set():
            consumer = build_consumer(
                self._settings.kafka_bootstrap,
                group_id=self.consumer.name,
                topics=topics,
                rebalance_timeout_ms=self._settings.kafka_rebalance_timeout_ms,
            )
            try:
                # Joining the group waits for the broker's rebalance delay: allow for it.
                await asyncio.wait_for(consumer.start(), timeout=JOIN_TIMEOUT_SECONDS)
                await self.consumer.run(consumer, self._stop)
            except (TimeoutError, KafkaError, OSError) as exc:
                log.warning("consumer %s waiting for the broker: %r", self.consumer.name, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=2.0)
            except Exception:
                log.exception("consumer %s crashed; restarting", self.consumer.name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=2.0)
            finally:
                await stop_quietly(consumer, self._settings.kafka_timeout_seconds)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=15)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.producer.stop()
