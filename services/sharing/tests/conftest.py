import pytest

from sharing.main import create_app
from sharing.settings import SharingSettings


@pytest.fixture
def service_app_factory() -> tuple[object, type[SharingSettings]]:
    return create_app, SharingSettings
