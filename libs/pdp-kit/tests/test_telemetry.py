"""Traces cross HTTP into events; metrics and logs are there for operators."""

import json
import logging

import httpx
from opentelemetry import trace

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


async def test_metrics_are_served_in_prometheus_format(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "http_server_request_duration_seconds" in response.text


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
