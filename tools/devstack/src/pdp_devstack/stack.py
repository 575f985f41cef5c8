"""What ``make run`` starts: the broker, five services and the gateway, as child processes."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

SERVICES = ("catalog", "sharing", "opening", "registry", "audit")
FIRST_SERVICE_PORT = 8101


@dataclass(frozen=True)
class Process:
    name: str
    module: str
    port: int


@dataclass(frozen=True)
class StackConfig:
    gateway_port: int
    data_dir: Path
    kafka_bootstrap: str | None
    kafka_port: int
    first_service_port: int = FIRST_SERVICE_PORT
    host: str = "127.0.0.1"

    @classmethod
    def from_env(cls) -> StackConfig:
        return cls(
            gateway_port=int(os.environ.get("PDP_GATEWAY_PORT", "8000")),
            data_dir=Path(os.environ.get("PDP_DATA_DIR", ".pdp")).resolve(),
            kafka_bootstrap=os.environ.get("PDP_KAFKA_BOOTSTRAP") or None,
            kafka_port=int(os.environ.get("PDP_KAFKA_PORT", "9092")),
            first_service_port=int(os.environ.get("PDP_SERVICE_PORT_BASE", FIRST_SERVICE_PORT)),
        )

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    def processes(self) -> list[Process]:
        services = [
            Process(name, f"{name}.main:create_app", self.first_service_port + i)
            for i, name in enumerate(SERVICES)
        ]
        return [*services, Process("gateway", "gateway.main:create_app", self.gateway_port)]

    def environment(self, bootstrap: str, *, embedded_broker: bool) -> dict[str, str]:
        """The variables every child gets (what the user set wins where it applies)."""
        env = dict(os.environ)
        env.setdefault("PDP_ENV", "dev")
        env.setdefault("PDP_LOG_JSON", "false")
        env["PDP_DATA_DIR"] = str(self.data_dir)
        env["PDP_KAFKA_BOOTSTRAP"] = bootstrap
        env["PDP_JWKS_URL"] = f"{self.gateway_url}/.well-known/jwks.json"
        env["PDP_TOKEN_ISSUER"] = self.gateway_url
        env["PDP_GATEWAY_PORT"] = str(self.gateway_port)
        env["PDP_GATEWAY_URL"] = self.gateway_url
        # The services' internal gateway clients (pdp-<service>): a fresh secret each dev run.
        env.setdefault("PDP_INTERNAL_CLIENT_SECRET", secrets.token_urlsafe(32))
        if embedded_broker:
            # Tansu refuses idempotent producers and waits out the rebalance timeout on each join.
            env["PDP_KAFKA_IDEMPOTENCE"] = "false"
            env.setdefault("PDP_KAFKA_REBALANCE_TIMEOUT_MS", "1000")
        for process in self.processes():
            if process.name != "gateway":
                key = f"PDP_GATEWAY_UPSTREAM_{process.name.upper()}"
                env.setdefault(key, f"http://{self.host}:{process.port}")
        env.setdefault("PDP_CATALOG_URL", f"http://{self.host}:{self.first_service_port}")
        return env

    def admin_credentials(self) -> tuple[str, str]:
        return (
            os.environ.get("PDP_BOOTSTRAP_ADMIN_ID", DEV_ADMIN_ID),
            os.environ.get("PDP_BOOTSTRAP_ADMIN_SECRET", DEV_ADMIN_SECRET),
        )
