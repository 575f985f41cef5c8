"""Traces cross HTTP into events; metrics and logs are there for operators."""

import gc
import json
import logging

import httpx
from opentelemetry import trace
from prometheus_client.parser import text_string_to_metric_families

from pdp_kit.telemetry import configure_logging, setup_telemetry


async def test_an_event_carries_the_trace_of_the_request_that_caused_it(
    client: httpx.AsyncClient, as_bureau, outbox
) -> None:
    response = await client.post("/api/demo/calendar/2077", headers=as_bureau)
    assert response.status_code == 200
    trace_id = response.headers["traceparent"].split("-")[1]
    [event] = await outbox.events()
    assert event.traceparent is not None
    assert event.traceparent.split("-")[1] == trace_id


CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"


async def test_a_callers_trace_goes_on_in_the_answer_and_the_event_with_a_span_of_its_own(
    client: httpx.AsyncClient, as_bureau, outbox
) -> None:
    response = await client.post(
        "/api/demo/calendar/2077",
        headers={**as_bureau, "traceparent": f"00-{CALLER_TRACE}-b7ad6b7169203331-01"},
    )
    assert response.status_code == 200
    version, trace_id, span_id, _ = response.headers["traceparent"].split("-")
    assert (version, trace_id) == ("00", CALLER_TRACE)
    assert span_id not in ("b7ad6b7169203331", "0" * 16)
    [event] = await outbox.events()
    assert event.traceparent is not None
    assert event.traceparent.split("-")[1] == CALLER_TRACE


async def test_a_malformed_traceparent_starts_a_new_trace(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/demo/nowhere", headers={"traceparent": "00-zz-yy-01"})
    second = await client.get("/api/demo/nowhere", headers={"traceparent": "00-zz-yy-01"})
    traces = {r.headers["traceparent"].split("-")[1] for r in (first, second)}
    assert len(traces) == 2
    assert all(len(t) == 32 and t != "0" * 32 and "zz" not in t for t in traces)


async def test_startup_objects_are_frozen_while_the_app_runs_and_released_at_shutdown(
    service_app_factory, service_settings
) -> None:
    create_app, _ = service_app_factory
    application = create_app(service_settings)
    async with application.router.lifespan_context(application):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def _count(text: str, **labels: str) -> float:
    """The requests counted under every sample matching ``labels`` in a Prometheus exposition."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "http_server_request_duration_seconds_count" and all(
                sample.labels.get(name) == value for name, value in labels.items()
            ):
                total += sample.value
    return total


async def test_requests_are_counted_per_route_and_status_and_probes_are_not(
    client: httpx.AsyncClient, as_bureau
) -> None:
    before = (await client.get("/metrics")).text
    await client.get("/healthz")
    await client.post("/api/demo/items", json={"name": "一", "count": 1}, headers=as_bureau)
    await client.post("/api/demo/items", json={"name": "", "count": 1}, headers=as_bureau)
    await client.get("/api/demo/nowhere")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def grew(**labels: str) -> float:
        return _count(after, **labels) - _count(before, **labels)

    items = {"http_request_method": "POST", "http_route": "/items"}
    assert grew(**items, http_response_status_code="201") == 1
    assert grew(**items, http_response_status_code="422") == 1
    # An unknown path is one label value, never the raw path (bounded cardinality).
    assert grew(http_request_method="GET", http_route="unmatched") == 1
    routes = {
        sample.labels.get("http_route")
        for family in text_string_to_metric_families(after)
        for sample in family.samples
        if sample.name.startswith("http_server_request_duration_seconds")
    }
    assert "/healthz" not in routes and "/api/demo/nowhere" not in routes


def test_log_lines_are_json_with_the_trace_id(capsys) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_telemetry("demo", json_logs=True)
        configure_logging("demo", json_logs=True)
        with trace.get_tracer(__name__).start_as_current_span("work") as span:
            logging.getLogger("pdp.test").info("处理完成")
            expected = format(span.get_span_context().trace_id, "032x")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        root.handlers[:], root.level = saved
    assert line["message"] == "处理完成"
    assert line["service"] == "demo"
    assert line["trace_id"] == expected
