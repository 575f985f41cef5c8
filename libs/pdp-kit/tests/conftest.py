import pytest
from demo_service.app import DemoSettings, create_app


@pytest.fixture
def service_app_factory() -> tuple[object, type[DemoSettings]]:
    return create_app, DemoSettings
