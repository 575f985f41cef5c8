"""The gateway's signing key, its token issuer, and the verifier that trusts only that key."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from gateway.oauth.server import GatewayAuthorizationServer
from gateway.settings import GatewaySettings
from pdp_kit.auth import TokenIssuer, TokenVerifier
from pdp_kit.auth.tokens import load_or_create_signing_key

log = logging.getLogger(__name__)
INSECURE_TRANSPORT = "AUTHLIB_INSECURE_TRANSPORT"


@asynccontextmanager
async def token_service(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: load (in dev and test, create) the key; build issuer and verifier.

    The gateway verifies tokens against its own key rather than fetching its own JWKS over HTTP,
    so ``app.state.verifier`` is replaced with one that trusts exactly the key it signs with.
    """
    settings: GatewaySettings = app.state.settings
    previous = os.environ.get(INSECURE_TRANSPORT)
    if settings.is_dev_or_test:
        os.environ[INSECURE_TRANSPORT] = "1"  # authlib refuses plain http otherwise
    try:
        key = await anyio.to_thread.run_sync(
            functools.partial(
                load_or_create_signing_key,
                settings.resolved_signing_key_file,
                create=settings.is_dev_or_test,
            )
        )
        issuer = TokenIssuer(
            key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            lifetime_seconds=settings.token_lifetime_seconds,
        )
        app.state.token_issuer = issuer
        app.state.verifier = TokenVerifier(
            issuer=settings.token_issuer, audience=settings.token_audience, jwks=issuer.jwks()
        )
        app.state.authorization_server = GatewayAuthorizationServer(issuer)
        yield
    finally:
        if previous is None:
            os.environ.pop(INSECURE_TRANSPORT, None)
        else:
            os.environ[INSECURE_TRANSPORT] = previous
