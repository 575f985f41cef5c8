"""Typed FastAPI dependencies: ``CurrentPrincipal`` for every protected route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pdp_kit.auth.principal import Principal
from pdp_kit.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="网关签发的访问令牌 (POST /oauth/token)")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("缺少 Bearer 访问令牌")
    principal: Principal = await request.app.state.verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
