"""The catalog service: departments, catalogues, aggregation, quality, objections (Art. 6, 8–15)."""

from fastapi import FastAPI

from catalog.calendar.routes import router as calendar_router
from catalog.chain.routes import router as chain_router
from catalog.changes.routes import router as changes_router
from catalog.dcat.routes import router as dcat_router
from catalog.departments.routes import router as departments_router
from catalog.duties.routes import router as duties_router
from catalog.handback.routes import router as handback_router
from catalog.objections.routes import router as objections_router
from catalog.projects.routes import router as projects_router
from catalog.quality.routes import router as quality_router
from catalog.records.routes import router as records_router
from catalog.resources.routes import router as resources_router
from catalog.settings import CatalogSettings
from catalog.subscriptions import subscriptions
from catalog.systems.routes import router as systems_router
from catalog.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="catalog",
    title="长宁区公共数据平台 · 目录服务",
    description=(
        "Departments and their duty, system and data-resource catalogues; change obligations; "
        "aggregation, quality and objections; catalogue search and the DCAT-AP export; the "
        "working-day calendar."
    ),
    settings_class=CatalogSettings,
    migrations_dir=locate(__file__),
    routers=(
        departments_router,
        duties_router,
        systems_router,
        resources_router,
        records_router,
        handback_router,
        quality_router,
        objections_router,
        projects_router,
        dcat_router,
        changes_router,
        chain_router,
        calendar_router,
    ),
    subscriptions=subscriptions,
    sweeps=sweeps,
)


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
