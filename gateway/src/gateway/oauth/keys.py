"""The gateway's signing key, its token issuer, and the verifier that trusts only that key."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from gateway.clients.states import ClientStates
from gateway.oauth.assertions import replay_guard_for, token_endpoint_audiences
from gateway.oauth.server import GatewayAuthorizationServer
from gateway.settings import GatewaySettings
from pdp_kit.auth import Principal, TokenIssuer, TokenVerifier
from pdp_kit.auth.tokens import load_or_create_signing_key, load_signing_key
from pdp_kit.errors import Unauthenticated

log = logging.getLogger(__name__)
INSECURE_TRANSPORT = "AUTHLIB_INSECURE_TRANSPORT"


class GatewayVerifier(TokenVerifier):
    """Trusts the keys the gateway publishes, and refuses the tokens of a disabled client or
    issued before the client's not-before time (revocation), on every request."""

    def __init__(self, states: ClientStates, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.states = states

    async def verify(self, token: str) -> Principal:
        principal, issued_at = await self.verify_with_issued_at(token)
        if self.states.revoked(principal.client_id, issued_at):
            raise Unauthenticated("令牌已被撤销（客户端已停用或已更换密钥）")
        return principal


@asynccontextmanager
async def token_service(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: load (in dev and test, create) the key; build issuer and verifier.

    The gateway verifies tokens against its own keys rather than fetching its own JWKS over HTTP,
    so ``app.state.verifier`` is replaced with one that trusts exactly the keys it publishes
    (current and previous: a rotation causes no 401) and checks revocation.
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
        earlier_keys = [
            await anyio.to_thread.run_sync(load_signing_key, path)
            for path in settings.previous_signing_key_files
        ]
        issuer = TokenIssuer(
            key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            lifetime_seconds=settings.token_lifetime_seconds,
            previous_keys=earlier_keys,
        )
        app.state.token_issuer = issuer
        app.state.verifier = GatewayVerifier(
            app.state.client_states,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            jwks=issuer.jwks(),
        )
        server = GatewayAuthorizationServer(
            issuer,
            buckets=app.state.buckets,
            replays=replay_guard_for(settings.redis_url),
            audiences=token_endpoint_audiences(settings.token_issuer),
            settings=settings,
        )
        app.state.authorization_server = server
        yield
    finally:
        if previous is None:
            os.environ.pop(INSECURE_TRANSPORT, None)
        else:
            os.environ[INSECURE_TRANSPORT] = previous
