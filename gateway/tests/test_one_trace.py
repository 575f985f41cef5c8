"""With an OTLP endpoint set, one trace runs from a request at the gateway through the service,
its outbox and Kafka, to the consumer that handles the event (per event and in a batch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pdp_kit.broker import EmbeddedBroker

SCENARIO = Path(__file__).with_name("trace_scenario.py")


@pytest.mark.broker
def test_one_trace_runs_from_the_gateway_request_to_the_consumer(tmp_path: Path) -> None:
    # A fresh interpreter: the tracer provider is set once per process, and this suite's
    # other tests have set theirs (without an exporter, spans are not recorded). A broker of its
    # own: on the session's, the batch would also take other tests' catalog events, of other
    # traces, and link to them instead of joining this one.
    with EmbeddedBroker(log_path=tmp_path / "tansu.log") as broker:
        result = subprocess.run(
            [sys.executable, str(SCENARIO), str(tmp_path), broker.bootstrap],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-5000:]
    spans: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {span["span_id"]: span for span in spans}

    def servers(route: str) -> list[dict[str, Any]]:
        return [s for s in spans if s["kind"] == "SERVER" and route in s["name"]]

    [at_gateway] = servers("/api/catalog/{path")  # the proxy route
    [at_service] = servers("/api/catalog/calendar/{year}")
    [consumed] = [s for s in spans if s["name"].startswith("consume cn.gov.changning")]
    [batch] = [s for s in spans if s["name"] == "consume batch"]

    def ancestors(span: dict[str, Any]) -> list[str]:
        chain = []
        while span["parent_id"] in by_id:
            span = by_id[span["parent_id"]]
            chain.append(span["span_id"])
        return chain

    trace_id = at_gateway["trace_id"]
    assert at_gateway["parent_id"] is None  # the request started the trace
    for span in (at_service, consumed, batch):
        assert span["trace_id"] == trace_id, span["name"]
    # Parent by parent: the consumer's span under the service's request, under the gateway's.
    assert at_gateway["span_id"] in ancestors(at_service)
    assert at_service["span_id"] in ancestors(consumed)
    assert at_service["span_id"] in ancestors(batch)
    assert consumed["kind"] == batch["kind"] == "CONSUMER"
