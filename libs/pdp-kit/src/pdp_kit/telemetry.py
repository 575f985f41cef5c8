"""Traces, metrics and logs, set up once per process from the lifespan (never at import).

FastAPI's native OpenTelemetry hook traces HTTP (we do not add the contrib instrumentor too);
the envelope carries ``traceparent`` across Kafka; metrics are exported for Prometheus on
``/metrics``; logs are JSON lines carrying the trace id.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
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
        tracer_provider = TracerProvider(resource=resource)
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
        metrics.set_meter_provider(
            MeterProvider(resource=resource, metric_readers=[PrometheusMetricReader()])
        )
        HTTPXClientInstrumentor().instrument()
        # Wraps engine creation, so every engine made after this is traced.
        SQLAlchemyInstrumentor().instrument()
        configure_logging(service, json_logs=json_logs, level=logging.getLevelName(level.upper()))


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


async def metrics_endpoint(_: Request) -> Response:
    """Prometheus text exposition, routed exactly at ``/metrics`` (a mounted app answers 307)."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def meter() -> metrics.Meter:
    return metrics.get_meter("pdp")
