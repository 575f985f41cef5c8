"""The five services in-process, each on its own fresh SQLite database, with the plugin's test
issuer trusted: what the security and contract tests call directly, bypassing the gateway."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from joserfc.jwk import RSAKey

from audit.main import create_app as create_audit
from audit.settings import AuditSettings
from catalog.main import create_app as create_catalog
from catalog.settings import CatalogSettings
from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from opening.main import create_app as create_opening
from opening.settings import OpeningSettings
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET, ServiceSettings
from pdp_kit.testing.databases import TestDatabases
from pdp_kit.testing.plugin import settings_for_test
from registry.main import create_app as create_registry
from registry.settings import RegistrySettings
from sharing.main import create_app as create_sharing
from sharing.settings import SharingSettings

Factory = tuple[Callable[[Any], FastAPI], type[ServiceSettings]]

SERVICES: dict[str, Factory] = {
    "catalog": (create_catalog, CatalogSettings),
    "sharing": (create_sharing, SharingSettings),
    "opening": (create_opening, OpeningSettings),
    "registry": (create_registry, RegistrySettings),
    "audit": (create_audit, AuditSettings),
}


def bare_app(service: str) -> FastAPI:
    """The service's app without a database or keys: enough for its OpenAPI document."""
    create_app, settings_class = SERVICES[service]
    return create_app(settings_class(env="test", role="api", jwks='{"keys": []}', log_json=False))


@functools.cache
def openapi_of(service: str) -> dict[str, Any]:
    """Built once per process (building an app is slow); callers must not change it."""
    return bare_app(service).openapi()


def database_urls(databases: TestDatabases, directory: Path) -> dict[str, str]:
    """A fresh migrated SQLite database per service (synchronous: call it outside a loop)."""
    return {
        name: databases.sqlite(Path(bare_app(name).state.definition.migrations_dir), directory)
        for name in SERVICES
    }


class Clients(dict[str, httpx.AsyncClient]):
    """An httpx client per service, keyed by name; ``apps`` holds the applications."""

    def __init__(self) -> None:
        super().__init__()
        self.apps: dict[str, FastAPI] = {}


@asynccontextmanager
async def running_services(
    urls: dict[str, str], issuer: TokenIssuer, **overrides: Any
) -> AsyncIterator[Clients]:
    """Every service with its lifespan run, and an httpx client for each, keyed by name."""
    async with AsyncExitStack() as stack:
        clients = Clients()
        for name, (create_app, settings_class) in SERVICES.items():
            settings = settings_for_test(settings_class, urls[name], issuer)
            if overrides:
                settings = settings.model_copy(update=overrides)
            app = create_app(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients.apps[name] = app
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=f"http://{name}.pdp.test")
            )
        yield clients


def jwks_json(issuer: TokenIssuer) -> str:
    return json.dumps(issuer.jwks())


#: Nothing listens on the discard port: a call the gateway lets through fails upstream (502/503).
NOWHERE = "http://127.0.0.1:9"


def gateway_settings(
    databases: TestDatabases, issuer: TokenIssuer, signing_key: RSAKey, directory: Path
) -> GatewaySettings:
    """The gateway on a fresh SQLite database, signing with the test issuer's key, every
    upstream on the discard port, the dev bootstrap admin."""
    probe = create_gateway(
        GatewaySettings(env="test", role="api", jwks='{"keys": []}', log_json=False)
    )
    url = databases.sqlite(Path(probe.state.definition.migrations_dir), directory)
    key_file = directory / "signing-key.pem"
    key_file.write_bytes(signing_key.as_pem(private=True))
    settings = settings_for_test(GatewaySettings, url, issuer)
    return settings.model_copy(
        update={
            "data_dir": directory,
            "signing_key_file": key_file,
            **{f"upstream_{name}": NOWHERE for name in SERVICES},
            "bootstrap_admin_id": DEV_ADMIN_ID,
            "bootstrap_admin_secret": DEV_ADMIN_SECRET,
        }
    )
