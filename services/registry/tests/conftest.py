import pytest

from registry.main import create_app
from registry.settings import RegistrySettings


@pytest.fixture
def service_app_factory() -> tuple[object, type[RegistrySettings]]:
    return create_app, RegistrySettings
