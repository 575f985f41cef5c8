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
from pdp_kit.auth.tokens import MAX_LIFETIME_SECONDS
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET, Environment, ServiceSettings

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
    #: The whole request body must arrive within this, or the caller gets 408 (slowloris).
    proxy_body_timeout_seconds: float = Field(default=30.0, gt=0)
    #: A proxied call ends after this, whatever it is waiting for.
    proxy_total_timeout_seconds: float = Field(default=120.0, gt=0)
    proxy_max_connections: int = 200
    #: So one slow service cannot hold every upstream connection.
    proxy_max_connections_per_upstream: int = Field(default=64, ge=1)
    #: Below uvicorn's 5 s keep-alive, so the gateway never reuses a connection the upstream is
    #: closing (that race surfaces as a spurious 502).
    proxy_keepalive_seconds: float = 4.0
    readiness_timeout_seconds: float = 1.0

    signing_key_file: Path | None = Field(
        default=None,
        description="PEM private key tokens are signed with; <data_dir>/gateway-signing-key.pem "
        "when unset (created there in dev and test only).",
    )
    previous_signing_key_files: list[Path] = Field(
        default_factory=list,
        description="Keys signed with before a rotation: published in the JWKS (never used to "
        "sign) until the tokens they signed have expired.",
    )
    token_lifetime_seconds: int = Field(default=900, ge=60, le=MAX_LIFETIME_SECONDS)

    #: Each service's secret for its own client pdp-<service>: PDP_<SERVICE>_INTERNAL_CLIENT_SECRET
    #: (else the shared PDP_INTERNAL_CLIENT_SECRET, as the service itself resolves it). Unset:
    #: the client is disabled.
    catalog_internal_client_secret: str | None = None
    sharing_internal_client_secret: str | None = None
    opening_internal_client_secret: str | None = None
    registry_internal_client_secret: str | None = None
    audit_internal_client_secret: str | None = None

    #: Token buckets per client; ``PDP_REDIS_URL`` shares them between replicas.
    redis_url: str | None = None
    rate_per_second: float = Field(default=50.0, gt=0)
    rate_burst: int = Field(default=100, ge=1)
    #: ``/oauth/token`` secret checks (scrypt) per client id and per source address.
    token_checks_per_second: float = Field(default=2.0, gt=0)
    token_checks_burst: int = Field(default=10, ge=1)
    token_checks_per_address_per_second: float = Field(default=10.0, gt=0)
    token_checks_per_address_burst: int = Field(default=40, ge=1)
    #: How often each replica re-reads disabled clients and not-before times from the database
    #: (changes made on this replica apply at once).
    revocation_refresh_seconds: float = Field(default=2.0, gt=0)

    #: Peers whose ``X-Forwarded-For`` is believed (addresses or networks); from anyone else the
    #: header is replaced by the peer's own address.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])
    #: ``/metrics`` answers a peer in these networks that no proxy relayed, or an ``ops`` token.
    metrics_networks: list[str] = Field(
        default_factory=lambda: [
            "127.0.0.0/8",
            "::1/128",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
        ]
    )

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

    # Staff sign-in and console sessions (Art. 32).
    staff_max_failed_attempts: int = Field(default=5, ge=1)
    staff_lockout_seconds: int = Field(default=15 * 60, ge=1)
    console_session_seconds: int = Field(default=8 * 3600, ge=1)
    console_idle_seconds: int = Field(default=30 * 60, ge=1)
    #: How long a console page waits for a service it reads (then it says so, in Chinese).
    console_upstream_timeout_seconds: float = Field(default=10.0, gt=0)
    #: How long the health page waits for a service's /readyz and /metrics (then: 不可用).
    console_scrape_timeout_seconds: float = Field(default=2.0, gt=0)
    console_cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; on everywhere but in dev when unset."
    )
    #: How often each replica recounts ``pdp_open_clocks`` from the clocks table.
    clocks_metric_seconds: float = Field(default=30.0, gt=0)

    @property
    def console_cookies_secure(self) -> bool:
        if self.console_cookie_secure is not None:
            return self.console_cookie_secure
        return self.env != Environment.DEV

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "gateway-signing-key.pem"

    def internal_secret_of(self, service: str) -> str | None:
        own: str | None = getattr(self, f"{service}_internal_client_secret")
        return own or self.internal_client_secret

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
        for service in UPSTREAM_SERVICES:
            secret = self.internal_secret_of(service)
            if secret is not None and len(secret) < 32:
                problems.append(
                    f"PDP_{service.upper()}_INTERNAL_CLIENT_SECRET needs at least 32 characters"
                )
        if not self.resolved_signing_key_file.exists():
            problems.append(
                f"signing key {self.resolved_signing_key_file} is missing; "
                "set PDP_GATEWAY_SIGNING_KEY_FILE to the gateway's PEM private key"
            )
        return problems
