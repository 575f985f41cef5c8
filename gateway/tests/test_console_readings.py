"""What the health page makes of a ``/metrics`` text and of the services' readiness: unit tests,
no I/O."""

import pytest

from gateway.console.oversight.health import PlatformHealth, ServiceHealth
from gateway.console.oversight.readings import UnreadableMetrics, quantile, read_metrics


def test_p95_interpolates_inside_the_bucket_the_rank_falls_in() -> None:
    # 100 requests, 80 within 0.1 s: the 95th lies 15/20 of the way from 0.1 to 0.25
    assert quantile(0.95, {0.1: 80, 0.25: 100, float("inf"): 100}) == pytest.approx(0.2125)


def test_p95_beyond_the_last_bound_is_the_last_bound_as_prometheus_says() -> None:
    assert quantile(0.95, {0.1: 10, 10.0: 50, float("inf"): 100}) == 10.0


def test_no_requests_have_no_p95() -> None:
    assert quantile(0.95, {0.1: 0, float("inf"): 0}) is None
    assert quantile(0.95, {}) is None


def test_a_service_without_the_new_metrics_reads_as_no_data_not_zero() -> None:
    reading = read_metrics(
        "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 3.0\n"
    )

    assert reading.outbox_backlog is None
    assert reading.outbox_oldest_age_seconds is None
    assert reading.consumers == []
    assert reading.dead_letters is None
    assert reading.requests is None and reading.error_rate is None and reading.p95_seconds is None


def test_lag_and_dead_letters_are_kept_per_group_and_topic() -> None:
    reading = read_metrics(
        "# TYPE pdp_consumer_lag gauge\n"
        'pdp_consumer_lag{group="audit",topic="pdp.catalog"} 5.0\n'
        'pdp_consumer_lag{group="audit",topic="pdp.sharing"} 1.0\n'
        "# TYPE pdp_consumer_dead_letters_total counter\n"
        'pdp_consumer_dead_letters_total{group="audit",topic="pdp.sharing"} 2.0\n'
    )

    assert [(c.group, c.topic, c.lag, c.dead_letters) for c in reading.consumers] == [
        ("audit", "pdp.catalog", 5.0, None),
        ("audit", "pdp.sharing", 1.0, 2.0),
    ]
    assert reading.dead_letters == 2.0


def test_text_that_is_not_prometheus_is_refused() -> None:
    with pytest.raises(UnreadableMetrics):
        read_metrics("<html>not metrics</html>\n{")


def _seen(*brokers: str | None) -> PlatformHealth:
    return PlatformHealth(
        services=[
            ServiceHealth(name=f"s{i}", label="", status="ready", checks={"broker": b} if b else {})
            for i, b in enumerate(brokers)
        ]
    )


def test_the_broker_is_up_when_every_process_reaches_it() -> None:
    assert _seen("ok", "ok", None).broker == "up"
    assert _seen("ok", "down").broker == "partial"
    assert _seen("down", "down").broker == "down"
    assert _seen(None, None).broker == "unknown"
