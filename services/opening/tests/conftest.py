import pytest

from opening.main import create_app
from opening.settings import OpeningSettings


@pytest.fixture
def service_app_factory() -> tuple[object, type[OpeningSettings]]:
    return create_app, OpeningSettings
