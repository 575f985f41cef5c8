"""Settings come from PDP_<SERVICE>_* then PDP_*, and production refuses laptop defaults."""

import pytest
from demo_service.app import DemoSettings

from pdp_kit.settings import InsecureDefault


@pytest.fixture(autouse=True)
def _dev_unless_said(monkeypatch) -> None:
    """These tests are about other settings: they run as ``make run`` does, in dev."""
    monkeypatch.setenv("PDP_ENV", "dev")


def test_platform_database_url_gives_each_service_its_own_database(monkeypatch) -> None:
    monkeypatch.setenv("PDP_DATABASE_URL", "postgresql://pdp:pw@db:5432/pdp")
    assert DemoSettings().resolved_database_url() == "postgresql+asyncpg://pdp:pw@db:5432/pdp_demo"


def test_service_database_url_is_used_exactly(monkeypatch) -> None:
    monkeypatch.setenv("PDP_DATABASE_URL", "postgresql://pdp:pw@db:5432/pdp")
    monkeypatch.setenv("PDP_DEMO_DATABASE_URL", "postgresql://other@db2/special")
    assert DemoSettings().resolved_database_url() == "postgresql+asyncpg://other@db2/special"


def test_without_database_settings_each_service_gets_a_sqlite_file(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PDP_DATA_DIR", str(tmp_path))
    assert DemoSettings().resolved_database_url() == f"sqlite+aiosqlite:///{tmp_path}/demo.db"


def test_service_prefix_overrides_the_platform_variable(monkeypatch) -> None:
    monkeypatch.setenv("PDP_KAFKA_BOOTSTRAP", "kafka:9092")
    assert DemoSettings().kafka_bootstrap == "kafka:9092"
    monkeypatch.setenv("PDP_DEMO_KAFKA_BOOTSTRAP", "other:9092")
    assert DemoSettings().kafka_bootstrap == "other:9092"


def test_production_refuses_sqlite_and_a_non_idempotent_producer(monkeypatch) -> None:
    monkeypatch.setenv("PDP_ENV", "prod")
    monkeypatch.setenv("PDP_KAFKA_IDEMPOTENCE", "false")
    with pytest.raises(InsecureDefault) as refused:
        DemoSettings()
    assert "IDEMPOTENCE" in str(refused.value)
    assert "SQLite" in str(refused.value)


def test_production_with_real_infrastructure_starts(monkeypatch) -> None:
    monkeypatch.setenv("PDP_ENV", "prod")
    monkeypatch.setenv("PDP_DATABASE_URL", "postgresql://pdp@db/pdp")
    assert DemoSettings().env == "prod"


def test_a_bare_launch_is_production_and_refuses_laptop_defaults(monkeypatch) -> None:
    monkeypatch.delenv("PDP_ENV")
    with pytest.raises(InsecureDefault):
        DemoSettings()
    monkeypatch.setenv("PDP_DATABASE_URL", "postgresql://pdp@db/pdp")
    assert DemoSettings().env == "prod"


def test_each_service_reads_its_own_internal_secret_first(monkeypatch) -> None:
    monkeypatch.setenv("PDP_INTERNAL_CLIENT_SECRET", "shared" * 6)
    assert DemoSettings().internal_client_secret == "shared" * 6
    monkeypatch.setenv("PDP_DEMO_INTERNAL_CLIENT_SECRET", "own" * 11)
    assert DemoSettings().internal_client_secret == "own" * 11


def test_a_service_url_comes_from_pdp_service_url(monkeypatch) -> None:
    monkeypatch.setenv("PDP_CATALOG_URL", "http://catalog:8080/")
    assert DemoSettings().service_url("catalog") == "http://catalog:8080"
    with pytest.raises(ValueError, match="unknown"):
        DemoSettings().service_url("nowhere")
