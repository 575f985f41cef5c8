"""What one ``/metrics`` scrape says about a service: consumer lag, outbox, dead letters, error
rate and p95 latency.

A scrape is a point-in-time reading of counters since the process started, so the error rate and
the p95 are *since start* (the page says so). A metric the service does not export yet is
``None`` (shown as 无数据), never an error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

OUTBOX_BACKLOG = "pdp_outbox_backlog"
OUTBOX_OLDEST_AGE = "pdp_outbox_oldest_age_seconds"
CONSUMER_LAG = "pdp_consumer_lag"
DEAD_LETTERS = "pdp_consumer_dead_letters_total"
DURATION = "http_server_request_duration_seconds"
QUANTILE = 0.95


@dataclass(frozen=True)
class Consumer:
    """One consumer group on one topic: its lag and the messages it gave up on."""

    group: str
    topic: str
    lag: float | None = None
    dead_letters: float | None = None


@dataclass
class Reading:
    outbox_backlog: float | None = None
    outbox_oldest_age_seconds: float | None = None
    consumers: list[Consumer] = field(default_factory=list)
    requests: int | None = None
    server_errors: int | None = None
    p95_seconds: float | None = None

    @property
    def error_rate(self) -> float | None:
        """The share of requests answered 5xx (0..1); ``None`` before the first request."""
        if not self.requests or self.server_errors is None:
            return None
        return self.server_errors / self.requests

    @property
    def dead_letters(self) -> float | None:
        counted = [c.dead_letters for c in self.consumers if c.dead_letters is not None]
        return sum(counted) if counted else None


class UnreadableMetrics(ValueError):
    """The text is not Prometheus exposition."""


def read_metrics(text: str) -> Reading:
    """Parse a ``/metrics`` body into the figures the health page shows."""
    reading = Reading()
    lag: dict[tuple[str, str], float] = {}
    dead: dict[tuple[str, str], float] = {}
    buckets: dict[float, float] = defaultdict(float)
    requests = errors = 0.0
    seen_duration = False
    try:
        samples = [s for family in text_string_to_metric_families(text) for s in family.samples]
    except ValueError as exc:
        raise UnreadableMetrics(str(exc)) from exc
    for sample in samples:
        name, labels, value = sample.name, sample.labels, float(sample.value)
        if name == OUTBOX_BACKLOG:
            reading.outbox_backlog = (reading.outbox_backlog or 0) + value
        elif name == OUTBOX_OLDEST_AGE:
            reading.outbox_oldest_age_seconds = max(reading.outbox_oldest_age_seconds or 0, value)
        elif name == CONSUMER_LAG:
            key = (labels.get("group", ""), labels.get("topic", ""))
            lag[key] = lag.get(key, 0) + value
        elif name == DEAD_LETTERS:
            key = (labels.get("group", ""), labels.get("topic", ""))
            dead[key] = dead.get(key, 0) + value
        elif name == f"{DURATION}_bucket":
            buckets[float(labels["le"])] += value
        elif name == f"{DURATION}_count":
            seen_duration = True
            requests += value
            if labels.get("http_response_status_code", "").startswith("5"):
                errors += value
    reading.consumers = [
        Consumer(
            group=group,
            topic=topic,
            lag=lag.get((group, topic)),
            dead_letters=dead.get((group, topic)),
        )
        for group, topic in sorted(set(lag) | set(dead))
    ]
    if seen_duration:
        reading.requests, reading.server_errors = int(requests), int(errors)
        reading.p95_seconds = quantile(QUANTILE, buckets)
    return reading


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """``histogram_quantile`` as Prometheus computes it from cumulative buckets: linear within
    the bucket the rank falls in; in the ``+Inf`` bucket, the highest finite bound."""
    bounds = sorted(buckets)
    if not bounds or not math.isinf(bounds[-1]):
        return None
    total = buckets[bounds[-1]]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return lower
            if count == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower
