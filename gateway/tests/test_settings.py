from pathlib import Path

import pytest

from gateway.settings import GatewaySettings
from pdp_kit.settings import DEV_ADMIN_SECRET, InsecureDefault

POSTGRES = "postgresql://pdp@db.internal/pdp"


@pytest.fixture(autouse=True)
def no_platform_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PDP_BOOTSTRAP_ADMIN_ID", "PDP_BOOTSTRAP_ADMIN_SECRET", "PDP_ENV"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "signing-key.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\n")
    return path


def production(**values: object) -> GatewaySettings:
    return GatewaySettings(env="prod", database_url=POSTGRES, kafka_idempotence=True, **values)  # type: ignore[arg-type]


def test_production_refuses_the_default_admin_secret(key_file: Path) -> None:
    with pytest.raises(InsecureDefault, match="PDP_BOOTSTRAP_ADMIN_SECRET"):
        production(
            signing_key_file=key_file,
            bootstrap_admin_id="bureau-root",
            bootstrap_admin_secret=DEV_ADMIN_SECRET,
        )


def test_production_refuses_an_admin_id_without_its_secret(key_file: Path) -> None:
    with pytest.raises(InsecureDefault, match="PDP_BOOTSTRAP_ADMIN_SECRET"):
        production(signing_key_file=key_file, bootstrap_admin_id="bureau-root")


def test_production_reads_the_bootstrap_client_from_the_platform_variables(
    key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDP_BOOTSTRAP_ADMIN_ID", "bureau-root")
    monkeypatch.setenv("PDP_BOOTSTRAP_ADMIN_SECRET", "a-long-and-real-secret-from-the-vault")
    settings = production(signing_key_file=key_file)
    assert settings.bootstrap_admin_id == "bureau-root"
    assert settings.bootstrap_configured


def test_production_refuses_a_missing_signing_key(tmp_path: Path) -> None:
    with pytest.raises(InsecureDefault, match="signing key"):
        production(data_dir=tmp_path)


def test_production_without_bootstrap_variables_starts_without_a_bootstrap_client(
    key_file: Path,
) -> None:
    settings = production(signing_key_file=key_file)
    assert not settings.bootstrap_configured


def test_development_defaults_are_accepted_and_always_bootstrap(tmp_path: Path) -> None:
    settings = GatewaySettings(env="dev", data_dir=tmp_path)
    assert settings.bootstrap_admin_secret == DEV_ADMIN_SECRET
    assert settings.bootstrap_configured
    assert settings.resolved_signing_key_file == tmp_path / "gateway-signing-key.pem"


def test_port_and_upstreams_come_from_gateway_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_GATEWAY_PORT", "8080")
    monkeypatch.setenv("PDP_GATEWAY_UPSTREAM_AUDIT", "http://audit-api:8080/")
    settings = GatewaySettings(env="dev")
    assert settings.port == 8080
    assert settings.upstreams["audit"] == "http://audit-api:8080"
    assert settings.upstreams["catalog"] == "http://127.0.0.1:8101"
