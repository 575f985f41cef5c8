"""One request through the gateway, traced with an in-memory span exporter; run by
``test_one_trace.py`` in a fresh interpreter (the tracer provider is set once per process).

The gateway (real) forwards ``POST /api/catalog/calendar/<year>`` to a stand-in "catalog" built
with the kit (served by uvicorn on a real port), which records an event in its outbox; its
worker's relay publishes it to the embedded broker and its consumer handles it, once per event
and once in a batch. Prints the finished spans as JSON lines on stdout.

    python trace_scenario.py <workdir> <kafka bootstrap>
"""

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import APIRouter
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.auth.tokens import TokenIssuer, generate_signing_key
from pdp_kit.broker import free_port
from pdp_kit.db import SessionDep
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event
from pdp_kit.events.outbox import record_event
from pdp_kit.service import ServiceDefinition, create_service_app
from pdp_kit.settings import ProcessRole, ServiceSettings
from pdp_kit.telemetry import setup_telemetry
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, settings_for_test

PKIT_TESTS = Path(__file__).resolve().parents[2] / "libs" / "pdp-kit" / "tests"
NOWHERE = "http://127.0.0.1:9"


async def scenario(workdir: Path, bootstrap: str) -> list[dict[str, Any]]:
    # Tracing is on as in compose and k8s: an OTLP endpoint is set (nothing listens there;
    # the in-memory exporter added below is what the test reads).
    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = NOWHERE
    os.environ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1"
    setup_telemetry("trace-scenario", json_logs=False, level="WARNING")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    handled = asyncio.Event()
    batched = asyncio.Event()
    router = APIRouter()

    @router.post("/calendar/{year}")
    async def publish_year(year: int, session: SessionDep) -> dict[str, int]:
        await record_event(
            session, CalendarYearLoaded(year=year, holidays=[], workdays=[]), subject=str(year)
        )
        return {"year": year}

    async def when_loaded(session: Any, event: Event) -> None:
        handled.set()

    async def in_a_batch(session: Any, events: Any) -> None:
        batched.set()

    definition = ServiceDefinition(
        name="catalog",
        title="stand-in catalog",
        settings_class=ServiceSettings,
        migrations_dir=PKIT_TESTS / "demo_service" / "migrations",
        routers=(router,),
        subscriptions=Subscriptions(
            handlers={CalendarYearLoaded.event_type: [when_loaded]},
            batch_wildcard=(in_a_batch,),
        ),
    )
    key = generate_signing_key()
    issuer = TokenIssuer(key, issuer=TEST_ISSUER, audience=TEST_AUDIENCE)
    service_settings = settings_for_test(
        ServiceSettings, f"sqlite+aiosqlite:///{workdir / 'catalog.db'}", issuer
    ).model_copy(
        update={
            "role": ProcessRole.ALL,
            "kafka_bootstrap": bootstrap,
            "relay_idle_seconds": 0.05,
            "data_dir": workdir,
        }
    )
    port = free_port()
    key_file = workdir / "signing-key.pem"
    key_file.write_bytes(key.as_pem(private=True))
    gateway_settings = settings_for_test(
        GatewaySettings, f"sqlite+aiosqlite:///{workdir / 'gateway.db'}", issuer
    ).model_copy(
        update={
            "data_dir": workdir,
            "signing_key_file": key_file,
            "upstream_catalog": f"http://127.0.0.1:{port}",
            **{f"upstream_{name}": NOWHERE for name in ("sharing", "opening", "registry", "audit")},
        }
    )
    service = create_service_app(definition, service_settings)
    gateway = create_gateway(gateway_settings)  # type: ignore[arg-type]
    async with service.router.lifespan_context(service):
        server = uvicorn.Server(
            uvicorn.Config(
                service, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
            )
        )
        serving = asyncio.create_task(server.serve())
        try:
            while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
                await asyncio.sleep(0.01)
            async with gateway.router.lifespan_context(gateway):
                transport = httpx.ASGITransport(app=gateway)
                async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
                    response = await client.post("/api/catalog/calendar/2999")
                    assert response.status_code == 200, response.text
                await asyncio.wait_for(asyncio.gather(handled.wait(), batched.wait()), 60)
        finally:
            server.should_exit = True
            await serving
    return [
        {
            "name": span.name,
            "kind": span.kind.name,
            "trace_id": format(span.context.trace_id, "032x"),
            "span_id": format(span.context.span_id, "016x"),
            "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
            "links": [format(link.context.trace_id, "032x") for link in span.links],
        }
        for span in exporter.get_finished_spans()
    ]


def main() -> None:
    workdir, bootstrap = Path(sys.argv[1]), sys.argv[2]
    spans = asyncio.run(scenario(workdir, bootstrap))
    for span in spans:
        print(json.dumps(span))
    sys.stdout.flush()
    # Skip the exporter's flush at exit: nothing listens at the OTLP endpoint.
    os._exit(0)


if __name__ == "__main__":
    main()
