"""The sharing service: share requests, grants and data calls between departments (Art. 16–20)."""

from fastapi import FastAPI

from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app
from sharing.calls.catalog_client import catalog_records_client
from sharing.departments.routes import router as departments_router
from sharing.grants.routes import router as grants_router
from sharing.notices.routes import router as notices_router
from sharing.requests.routes import router as requests_router
from sharing.settings import SharingSettings
from sharing.subscriptions import subscriptions
from sharing.worker import sweeps

definition = ServiceDefinition(
    name="sharing",
    title="长宁区公共数据平台 · 共享服务",
    description="Share requests, grants and data calls between departments.",
    settings_class=SharingSettings,
    migrations_dir=locate(__file__),
    routers=(departments_router, requests_router, notices_router, grants_router),
    subscriptions=subscriptions,
    sweeps=sweeps,
    extensions=(catalog_records_client,),
)


def create_app(settings: SharingSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
