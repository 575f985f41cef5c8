"""The registry service: authorised operation, its assessments and registrations (Art. 26–28)."""

from fastapi import FastAPI

from pdp_kit.migrations import locate
from pdp_kit.service import ServiceDefinition, create_service_app
from registry.settings import RegistrySettings
from registry.subscriptions import subscriptions
from registry.worker import sweeps

definition = ServiceDefinition(
    name="registry",
    title="长宁区公共数据平台 · 授权运营登记服务",
    description="Operators, their authorisations and assessments, and registrations.",
    settings_class=RegistrySettings,
    migrations_dir=locate(__file__),
    subscriptions=subscriptions,
    sweeps=sweeps,
)


def create_app(settings: RegistrySettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
