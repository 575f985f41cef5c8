"""The audit service: the event journal, the network log and supervision (Art. 32–35)."""

from fastapi import FastAPI

from audit.journal.routes import router as journal_router
from audit.netlogs.routes import router as netlogs_router
from audit.settings import AuditSettings
from audit.subscriptions import subscriptions
from audit.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="audit",
    title="长宁区公共数据平台 · 审计服务",
    description="The journal of every domain event, the gateway's network log, supervision.",
    settings_class=AuditSettings,
    migrations_dir=locate(__file__),
    routers=(journal_router, netlogs_router),
    subscriptions=subscriptions,
    sweeps=sweeps,
)


def create_app(settings: AuditSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
