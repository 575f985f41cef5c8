"""Traces, metrics and logs, set up once per process from the lifespan (never at import).

FastAPI's native OpenTelemetry hook traces HTTP (we do not add the contrib instrumentor too);
the envelope carries ``traceparent`` across Kafka; metrics are exported for Prometheus on
``/metrics``; logs are JSON lines carrying the trace id.

Spans are recorded where something exports them (``OTEL_EXPORTER_OTLP_ENDPOINT``, as compose and
k8s set). Without an exporter (``make run``, tests) every span is a non-recording one: it still
carries a fresh trace id, so ``traceparent`` headers, the events' ``traceparent`` and the logs'
``trace_id`` are there as before, but no span object is built only to be thrown away (those
were a sixth of a GET's instructions, bench/README.md). ``OTEL_TRACES_SAMPLER``, when set,
decides as usual. Where nothing records spans, FastAPI's native tracing is off too and a
request's context is :func:`request_context`'s: the caller's trace (or a new one) with a span id
of the request's own, as the SDK would give it, without FastAPI's wrappers around every
request (bench/README.md, round 4).
Metric exemplars are off for the same reason: the Prometheus exposition does not carry them.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import sys
import threading
from dataclasses import dataclass
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter, MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import (
    INVALID_SPAN_CONTEXT,
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, Histogram, generate_latest
from pythonjsonlogger.json import JsonFormatter
from starlette.requests import Request
from starlette.responses import Response

_lock = threading.Lock()
_configured = False


def setup_telemetry(service: str, *, json_logs: bool = True, level: str = "INFO") -> None:
    """Install the process-wide providers and log format; later calls do nothing."""
    global _configured
    with _lock:
        if _configured:
            return
        _configured = True
        resource = Resource.create({"service.name": f"pdp-{service}", "service.namespace": "pdp"})
        exporting = _exporting()
        chosen = spans_sampled()
        # sampler=None: the SDK's own choice (OTEL_TRACES_SAMPLER, else parent-based always-on).
        tracer_provider = TracerProvider(resource=resource, sampler=None if chosen else ALWAYS_OFF)
        if exporting:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
        chosen_filter = os.environ.get("OTEL_METRICS_EXEMPLAR_FILTER")
        exemplars = None if chosen_filter else AlwaysOffExemplarFilter()
        metrics.set_meter_provider(
            MeterProvider(
                resource=resource,
                metric_readers=[PrometheusMetricReader()],
                exemplar_filter=exemplars,
            )
        )
        HTTPXClientInstrumentor().instrument()
        if exporting:
            # Wraps engine creation (pdp_kit.db looks it up at call time), so every engine made
            # after this traces its statements. Not without an exporter: those spans would only
            # be thrown away, and the pool listeners cost on every checkout.
            SQLAlchemyInstrumentor().instrument()
        configure_logging(service, json_logs=json_logs, level=logging.getLevelName(level.upper()))


def _exporting() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def spans_sampled() -> bool:
    """Whether this process may record spans: an exporter is configured or a sampler chosen."""
    return _exporting() or bool(os.environ.get("OTEL_TRACES_SAMPLER"))


_propagator = TraceContextTextMapPropagator()


def request_context(traceparent: str | None, tracestate: str | None = None) -> Context:
    """A request's trace context where no span is recorded: the caller's W3C trace when it sent
    a valid one, a new trace otherwise, and a non-recording span with a new id, not sampled (what
    the SDK's tracer gives under ``ALWAYS_OFF``, without building a span)."""
    parent = INVALID_SPAN_CONTEXT
    if traceparent is not None:
        carrier = {"traceparent": traceparent}
        if tracestate is not None:
            carrier["tracestate"] = tracestate
        parent = trace.get_current_span(_propagator.extract(carrier)).get_span_context()
    trace_id = parent.trace_id if parent.is_valid else _random_id(128)
    span = NonRecordingSpan(
        SpanContext(
            trace_id=trace_id,
            span_id=_random_id(64),
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.DEFAULT),
            trace_state=parent.trace_state if parent.is_valid else None,
        )
    )
    return trace.set_span_in_context(span, Context())


def _random_id(bits: int) -> int:
    while True:  # zero is the invalid id
        value = random.getrandbits(bits)
        if value:
            return value


class _TraceContext(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.service = self.service
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        return True


def configure_logging(service: str, *, json_logs: bool = True, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_TraceContext(service))
    if json_logs:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s "
                "%(service)s %(trace_id)s %(span_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


#: OpenTelemetry's advisory buckets for ``http.server.request.duration``, in seconds.
_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class HttpMetrics:
    """Request rate, errors and latency per route (the histogram's count, its status label and
    its buckets), and requests in flight; named after OpenTelemetry's HTTP server conventions."""

    duration: Histogram
    active: Gauge

    def observe(self, scope: Any, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "_OTHER"
        # The route template under /api/<service> (never the raw path: bounded label values).
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        self.duration.labels(method, route, str(status)).observe(seconds)


@functools.cache
def http_metrics() -> HttpMetrics:
    """The process's HTTP metrics, registered on first use (the Prometheus registry is global)."""
    return HttpMetrics(
        duration=Histogram(
            "http_server_request_duration_seconds",
            "Duration of HTTP server requests.",
            ["http_request_method", "http_route", "http_response_status_code"],
            buckets=_DURATION_BUCKETS,
        ),
        active=Gauge("http_server_active_requests", "Number of active HTTP server requests."),
    )


async def metrics_endpoint(_: Request) -> Response:
    """Prometheus text exposition, routed exactly at ``/metrics`` (a mounted app answers 307)."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def meter() -> metrics.Meter:
    return metrics.get_meter("pdp")
