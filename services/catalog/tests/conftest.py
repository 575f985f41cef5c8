import pytest

from catalog.main import create_app
from catalog.settings import CatalogSettings


@pytest.fixture
def service_app_factory() -> tuple[object, type[CatalogSettings]]:
    return create_app, CatalogSettings
