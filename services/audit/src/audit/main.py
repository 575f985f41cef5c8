"""The audit service: the event journal, usage records and reports, the network log, their
tamper evidence and retention, and supervision (Art. 32–35)."""

from fastapi import FastAPI

from audit.chain.metrics import integrity_gauges
from audit.chain.routes import router as integrity_router
from audit.context import audit_context
from audit.journal.routes import router as journal_router
from audit.netlogs.routes import router as netlogs_router
from audit.reports.routes import router as reports_router
from audit.retention.routes import router as holds_router
from audit.settings import AuditSettings
from audit.subscriptions import subscriptions
from audit.supervision.routes import router as supervision_router
from audit.usage.routes import router as usage_router
from audit.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="audit",
    title="长宁区公共数据平台 · 审计服务",
    description="The journal of every domain event, usage records and reports, the gateway's "
    "network log, tamper evidence, retention and supervision.",
    settings_class=AuditSettings,
    migrations_dir=locate(__file__),
    routers=(
        journal_router,
        usage_router,
        reports_router,
        netlogs_router,
        integrity_router,
        holds_router,
        supervision_router,
    ),
    subscriptions=subscriptions,
    sweeps=sweeps,
    extensions=(audit_context, integrity_gauges),
)


def create_app(settings: AuditSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
