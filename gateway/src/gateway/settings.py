"""The gateway's settings: ``PDP_GATEWAY_*``, then the platform's ``PDP_*``.

The bootstrap bureau client is read from ``PDP_BOOTSTRAP_ADMIN_ID`` / ``PDP_BOOTSTRAP_ADMIN_SECRET``
(the names ARCHITECTURE and the deployment manifests use). Outside dev and test the well-known
development secret and a missing signing key refuse to start.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from gateway.municipal.settings import MunicipalSettings
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET, ServiceSettings

#: The services behind the gateway, each served under ``/api/<name>``.
UPSTREAM_SERVICES = ("catalog", "sharing", "opening", "registry", "audit")
MIN_PRODUCTION_SECRET_LENGTH = 16


class GatewaySettings(ServiceSettings, MunicipalSettings):
    model_config = SettingsConfigDict(
        env_prefix="PDP_GATEWAY_", extra="ignore", populate_by_name=True
    )
    service_name = "gateway"

    port: int = 8000

    upstream_catalog: str = "http://127.0.0.1:8101"
    upstream_sharing: str = "http://127.0.0.1:8102"
    upstream_opening: str = "http://127.0.0.1:8103"
    upstream_registry: str = "http://127.0.0.1:8104"
    upstream_audit: str = "http://127.0.0.1:8105"
    proxy_connect_timeout_seconds: float = 5.0
    proxy_read_timeout_seconds: float = 60.0
    proxy_max_connections: int = 200
    #: Below uvicorn's 5 s keep-alive, so the gateway never reuses a connection the upstream is
    #: closing (that race surfaces as a spurious 502).
    proxy_keepalive_seconds: float = 4.0
    readiness_timeout_seconds: float = 1.0

    signing_key_file: Path | None = Field(
        default=None,
        description="PEM private key tokens are signed with; <data_dir>/gateway-signing-key.pem "
        "when unset (created there in dev and test only).",
    )
    token_lifetime_seconds: int = Field(default=3600, ge=60, le=86_400)

    bootstrap_admin_id: str = Field(
        default=DEV_ADMIN_ID, validation_alias="PDP_BOOTSTRAP_ADMIN_ID", min_length=1
    )
    bootstrap_admin_secret: str = Field(
        default=DEV_ADMIN_SECRET, validation_alias="PDP_BOOTSTRAP_ADMIN_SECRET", min_length=1
    )

    netlog_batch_size: int = Field(default=200, ge=1)
    netlog_flush_seconds: float = Field(default=0.1, gt=0)
    #: Entries kept in memory while the database cannot take them; beyond this the oldest go.
    netlog_max_pending: int = Field(default=100_000, ge=1)

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "gateway-signing-key.pem"

    @property
    def upstreams(self) -> dict[str, str]:
        return {name: getattr(self, f"upstream_{name}").rstrip("/") for name in UPSTREAM_SERVICES}

    @property
    def bootstrap_configured(self) -> bool:
        """Dev and test always have a bootstrap client; production only when both are set."""
        if self.is_dev_or_test:
            return True
        return {"bootstrap_admin_id", "bootstrap_admin_secret"} <= self.model_fields_set

    def insecure_defaults(self) -> list[str]:
        problems = super().insecure_defaults()
        given = {"bootstrap_admin_id", "bootstrap_admin_secret"} & self.model_fields_set
        if given and self.bootstrap_admin_secret == DEV_ADMIN_SECRET:
            problems.append(
                "PDP_BOOTSTRAP_ADMIN_SECRET is missing or the development default; set a real "
                "secret, or leave both PDP_BOOTSTRAP_ADMIN_ID and PDP_BOOTSTRAP_ADMIN_SECRET unset"
            )
        elif len(given) == 1:
            problems.append(
                "set both PDP_BOOTSTRAP_ADMIN_ID and PDP_BOOTSTRAP_ADMIN_SECRET, or neither"
            )
        elif given and len(self.bootstrap_admin_secret) < MIN_PRODUCTION_SECRET_LENGTH:
            problems.append(
                "PDP_BOOTSTRAP_ADMIN_SECRET needs at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters"
            )
        if not self.resolved_signing_key_file.exists():
            problems.append(
                f"signing key {self.resolved_signing_key_file} is missing; "
                "set PDP_GATEWAY_SIGNING_KEY_FILE to the gateway's PEM private key"
            )
        return problems
