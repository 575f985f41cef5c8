"""Settings shared by every service, read from ``PDP_<SERVICE>_*`` then ``PDP_*`` variables.

A service subclasses :class:`ServiceSettings`, names itself and its env prefix, and builds the
settings in its lifespan (never at import). Outside ``dev`` and ``test`` the defaults that only make
sense on a laptop (secrets, the embedded broker's relaxed producer) refuse to start.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

DEV_ADMIN_ID = "bureau-admin"
DEV_ADMIN_SECRET = "dev-only-bureau-secret"  # noqa: S105 - refused outside dev and test


def internal_client_id(service: str) -> str:
    """The gateway client a platform service calls other services as (role ``service``)."""
    return f"pdp-{service}"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ProcessRole(StrEnum):
    API = "api"
    WORKER = "worker"
    ALL = "all"


class InsecureDefault(RuntimeError):
    """A default secret or a laptop-only setting was left in place outside dev and test."""


class _PlatformEnvSource(EnvSettingsSource):
    """The ``PDP_*`` variables every process shares.

    ``PDP_DATABASE_URL`` names a database *server* for the whole platform, so it never fills a
    service's exact ``database_url``; see :meth:`ServiceSettings.resolved_database_url`.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name == "database_url":
            return None, field_name, False
        return super().get_field_value(field, field_name)


class ServiceSettings(BaseSettings):
    """Base of each service's settings class."""

    model_config = SettingsConfigDict(env_prefix="PDP_", extra="ignore")
    service_name: ClassVar[str] = "service"

    #: ``prod`` unless a launcher says otherwise: ``make run`` and compose's dev file say ``dev``,
    #: the pytest plugin ``test``. A bare launch never creates the published dev bureau client.
    env: Environment = Environment.PROD
    role: ProcessRole = ProcessRole.ALL
    data_dir: Path = Path(".pdp")

    database_url: str | None = Field(
        default=None, description="This service's own database, used as is."
    )
    platform_database_url: str | None = Field(
        default=None,
        validation_alias="PDP_DATABASE_URL",
        description="A PostgreSQL server for the platform; each service uses <db>_<service> on it.",
    )
    create_database: bool = True

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotence: bool = True
    kafka_timeout_seconds: float = 10.0
    kafka_rebalance_timeout_ms: int = 10_000

    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwks: str | None = Field(default=None, description="Inline JWKS JSON, instead of the URL.")
    token_issuer: str = "http://127.0.0.1:8000"  # noqa: S105 - a URL, not a secret
    token_audience: str = "pdp"  # noqa: S105 - an audience name
    gateway_url: str = "http://127.0.0.1:8000"
    internal_client_secret: str | None = Field(
        default=None,
        description="Secret of this service's internal gateway client pdp-<service>: "
        "PDP_<SERVICE>_INTERNAL_CLIENT_SECRET, else PDP_INTERNAL_CLIENT_SECRET.",
    )
    #: Where each service answers its internal endpoints: called directly, never through the
    #: gateway, which closes ``/api/<service>/internal/...`` at the edge.
    catalog_url: str = "http://127.0.0.1:8101"
    sharing_url: str = "http://127.0.0.1:8102"
    opening_url: str = "http://127.0.0.1:8103"
    registry_url: str = "http://127.0.0.1:8104"
    audit_url: str = "http://127.0.0.1:8105"

    max_body_bytes: int = 2 * 1024 * 1024
    relay_batch_size: int = 2000
    relay_idle_seconds: float = 0.2
    consumer_max_attempts: int = 5
    sweep_interval_seconds: float = 3600.0
    #: How often each process reads the outbox backlog for ``/metrics`` (pdp_kit.metrics).
    metrics_refresh_seconds: float = 15.0
    log_json: bool = True
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        platform = _PlatformEnvSource(settings_cls, env_prefix="PDP_")
        return init_settings, env_settings, platform, file_secret_settings

    @model_validator(mode="after")
    def _refuse_laptop_defaults_in_production(self) -> ServiceSettings:
        if self.env is Environment.PROD:
            problems = self.insecure_defaults()
            if problems:
                raise InsecureDefault("; ".join(problems))
        return self

    def insecure_defaults(self) -> list[str]:
        """What would be unsafe in production; subclasses add their own secrets."""
        problems = []
        if not self.kafka_idempotence:
            problems.append("PDP_KAFKA_IDEMPOTENCE must be on outside dev and test")
        if self.resolved_database_url().startswith("sqlite"):
            problems.append("SQLite is for the zero-setup run; set PDP_DATABASE_URL")
        if self.internal_client_secret is not None and len(self.internal_client_secret) < 32:
            name = f"PDP_{self.service_name.upper()}_INTERNAL_CLIENT_SECRET"
            problems.append(f"{name} needs at least 32 characters")
        return problems

    def service_url(self, service: str) -> str:
        """``PDP_<SERVICE>_URL``: the base URL of a platform service's own API."""
        url = getattr(self, f"{service}_url", None)
        if not isinstance(url, str):
            raise ValueError(f"unknown platform service {service!r}")
        return url.rstrip("/")

    @property
    def is_dev_or_test(self) -> bool:
        return self.env in (Environment.DEV, Environment.TEST)

    def resolved_database_url(self) -> str:
        """The async SQLAlchemy URL of this service's own database."""
        if self.database_url:
            return _async_driver(self.database_url)
        if self.platform_database_url:
            url = make_url(_async_driver(self.platform_database_url))
            base = url.database or "pdp"
            return url.set(database=f"{base}_{self.service_name}").render_as_string(
                hide_password=False
            )
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"


def _async_driver(url: str) -> str:
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
