"""The registry service: authorised operation, its assessments and registrations (Art. 26–31)."""

from fastapi import FastAPI

from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app
from registry.authorisations.routes import router as authorisations_router
from registry.calls.catalog_client import catalog_records_client
from registry.operators.routes import router as operators_router
from registry.registrations.routes import router as registrations_router
from registry.scenarios.routes import router as scenarios_router
from registry.settings import RegistrySettings
from registry.subscriptions import subscriptions
from registry.worker import sweeps

definition = ServiceDefinition(
    name="registry",
    title="长宁区公共数据平台 · 授权运营登记服务",
    description="Operators, their authorisations, assessments and evaluations, operator data "
    "access, registrations, and application scenarios.",
    settings_class=RegistrySettings,
    migrations_dir=locate(__file__),
    routers=(operators_router, authorisations_router, registrations_router, scenarios_router),
    subscriptions=subscriptions,
    sweeps=sweeps,
    extensions=(catalog_records_client,),
)


def create_app(settings: RegistrySettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
