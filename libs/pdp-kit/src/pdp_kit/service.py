"""What a service declares about itself, and the FastAPI app every service is built into.

A service's ``main.py`` is a :class:`ServiceDefinition` and a one-line ``create_app``. The
lifespan builds the engine, applies migrations, sets up telemetry and, unless ``PDP_ROLE=api``,
starts the worker part (outbox relay, consumers, sweeps). Nothing happens at import.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text

from pdp_kit.auth.tokens import verifier_from_settings
from pdp_kit.db import create_engine, ensure_database, read_sessionmaker, sessionmaker
from pdp_kit.docs import install_api_docs
from pdp_kit.errors import PROBLEM_RESPONSES, install_error_handlers
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.kafka import probe_broker
from pdp_kit.http import PROBES, RequestContextMiddleware
from pdp_kit.metrics import platform_metrics, watch_outbox
from pdp_kit.migrations import apply_migrations
from pdp_kit.openapi_links import add_links
from pdp_kit.settings import ProcessRole, ServiceSettings
from pdp_kit.sweeps import Sweep, admin_router
from pdp_kit.telemetry import metrics_endpoint, setup_telemetry, spans_sampled
from pdp_kit.worker import Worker

#: Something a service adds to the lifespan once its database is ready (clients, keys, caches).
Extension = Callable[[FastAPI], AbstractAsyncContextManager[None]]
#: Extra readiness checks: name -> "ok" or what is wrong.
ReadinessCheck = Callable[[FastAPI], Awaitable[dict[str, str]]]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    settings_class: type[ServiceSettings]
    migrations_dir: Path
    routers: Sequence[APIRouter] = ()
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    sweeps: Sequence[Sweep] = ()
    description: str = ""
    #: Routers served at the root instead of under ``/api/<name>`` (the gateway's OAuth paths).
    root_routers: Sequence[APIRouter] = ()
    extensions: Sequence[Extension] = ()
    readiness: Sequence[ReadinessCheck] = ()


def create_service_app(
    definition: ServiceDefinition, settings: ServiceSettings | None = None
) -> FastAPI:
    settings = settings or definition.settings_class()
    prefix = f"/api/{definition.name}"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        setup_telemetry(definition.name, json_logs=settings.log_json, level=settings.log_level)
        url = settings.resolved_database_url()
        if settings.create_database:
            await ensure_database(url)
        engine = create_engine(url)
        await apply_migrations(engine, definition.migrations_dir)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker(engine)
        app.state.read_sessionmaker = read_sessionmaker(engine)
        app.state.verifier = verifier_from_settings(settings)
        worker = None
        if settings.role is not ProcessRole.API:
            worker = Worker(
                definition.name,
                settings,
                app.state.sessionmaker,
                subscriptions=definition.subscriptions,
                sweeps=definition.sweeps,
            )
            await worker.start()
        app.state.worker = worker
        platform_metrics()  # every family of the kit is named on /metrics from the first scrape
        stop_watching = asyncio.Event()
        watching = asyncio.create_task(
            watch_outbox(
                app.state.sessionmaker,
                interval_seconds=settings.metrics_refresh_seconds,
                stop=stop_watching,
            )
        )
        try:
            async with AsyncExitStack() as stack:
                for extension in definition.extensions:
                    await stack.enter_async_context(extension(app))
                with _startup_objects_frozen():
                    yield
        finally:
            stop_watching.set()
            await watching
            if worker is not None:
                await worker.stop()
            await engine.dispose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=f"{prefix}/openapi.json",
        # Served by install_api_docs from the platform's own assets, never a CDN.
        docs_url=None,
        redoc_url=None,
        telemetry=_native_telemetry(),
    )
    app.state.settings = settings
    app.state.definition = definition
    install_error_handlers(app)
    _link_operations(app, prefix)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        trace_context=not spans_sampled(),
    )
    # The API's own routes first: a request is matched against the routes in order, and the
    # probes and documentation pages, asked for rarely, share no path with them.
    if settings.role is not ProcessRole.WORKER:
        for router in definition.root_routers:
            app.include_router(router, responses=PROBLEM_RESPONSES)
        for router in definition.routers:
            app.include_router(router, prefix=prefix, responses=PROBLEM_RESPONSES)
        app.include_router(admin_router(definition.name))
    app.include_router(probe_router())
    install_api_docs(app, prefix)
    return app


def _link_operations(app: FastAPI, prefix: str) -> None:
    """The OpenAPI document with links from each creating operation to the operations that take
    what it created (:mod:`pdp_kit.openapi_links`), built once like FastAPI's own."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(build(), prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


@contextmanager
def _startup_objects_frozen() -> Iterator[None]:
    """Everything alive once the service has started (modules, routes, models, mappers, compiled
    statements: ~200,000 objects) leaves the cyclic collector's view while the service runs.
    Python's full collections otherwise walk all of it in the middle of requests and batches,
    up to 140 ms each: the tail of a GET's latency under load, and stalls of the relay and the
    consumers (bench/README.md, round 4). Unfrozen at
    shutdown, so a process that starts many apps (the tests) still collects what each leaves."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _native_telemetry() -> TelemetryConfig:
    """FastAPI's own tracing where spans are recorded (traces only: the request metrics are
    RequestContextMiddleware's, pdp_kit.http). Where nothing records them it is off, and the
    middleware gives each request its trace context: FastAPI's hook, building spans no one
    keeps, was 7 % of a GET's instructions (bench/README.md, round 4)."""
    if spans_sampled():
        return {"operation_spans": False, "metrics": False, "exclude": _is_probe}
    return {"tracing": False, "metrics": False, "logs": False}


def _is_probe(scope: Any) -> bool:
    return scope.get("path") in PROBES


def probe_router() -> APIRouter:
    """Liveness, readiness and metrics for the orchestrator and Prometheus, on the service's own
    port. Kept out of the OpenAPI document: through the gateway the same paths are the gateway's
    own probes, so a caller following the service's document there would reach the wrong one."""
    router = APIRouter(tags=["operations"], include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """Readiness of every part: ``ready`` when all are ok. Only a dead database makes this a
        503: while the broker is down writes keep working (they wait in the outbox), so the
        process stays in service and answers ``degraded`` with ``checks.broker == "down"``."""
        checks = await readiness_checks(request.app)
        if checks.get("database") != "ok":
            status, code = "unavailable", 503
        elif all(value == "ok" for value in checks.values()):
            status, code = "ready", 200
        else:
            status, code = "degraded", 200
        return JSONResponse({"status": status, "checks": checks}, status_code=code)

    router.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    return router


async def readiness_checks(app: FastAPI) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        async with app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"down: {type(exc).__name__}"
    settings: ServiceSettings = app.state.settings
    checks["broker"] = "ok" if await probe_broker(settings.kafka_bootstrap) else "down"
    worker: Worker | None = app.state.worker
    if worker is not None:
        checks["outbox"] = "ok" if worker.relay_healthy else "waiting for broker"
    for check in app.state.definition.readiness:
        checks.update(await check(app))
    return checks
