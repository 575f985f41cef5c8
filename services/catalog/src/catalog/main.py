"""The catalog service: departments, catalogues, aggregation, quality, objections (Art. 6, 8–15)."""

from fastapi import FastAPI

from catalog.calendar.routes import router as calendar_router
from catalog.departments.routes import router as departments_router
from catalog.settings import CatalogSettings
from catalog.subscriptions import subscriptions
from catalog.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="catalog",
    title="长宁区公共数据平台 · 目录服务",
    description="Departments, their catalogues and the working-day calendar.",
    settings_class=CatalogSettings,
    migrations_dir=locate(__file__),
    routers=(departments_router, calendar_router),
    subscriptions=subscriptions,
    sweeps=sweeps,
)


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
