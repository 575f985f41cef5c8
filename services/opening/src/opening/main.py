"""The opening service: the open list, public applications and open data (Art. 21–25)."""

from fastapi import FastAPI

from opening.applications.routes import router as applications_router
from opening.data.catalog_client import catalog_records_client
from opening.data.routes import router as data_router
from opening.dcat.routes import router as dcat_router
from opening.demand.routes import router as demand_router
from opening.departments.routes import router as departments_router
from opening.feedback.routes import router as feedback_router
from opening.listings.routes import router as listings_router
from opening.settings import OpeningSettings
from opening.subscriptions import subscriptions
from opening.worker import sweeps
from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app

definition = ServiceDefinition(
    name="opening",
    title="长宁区公共数据平台 · 开放服务",
    description="The open list, applications from the municipal platform, desensitised open data.",
    settings_class=OpeningSettings,
    migrations_dir=locate(__file__),
    routers=(
        departments_router,
        listings_router,
        data_router,
        applications_router,
        feedback_router,
        demand_router,
        dcat_router,
    ),
    subscriptions=subscriptions,
    sweeps=sweeps,
    extensions=(catalog_records_client,),
)


def create_app(settings: OpeningSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
