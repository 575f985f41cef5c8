"""The OAuth 2.0 endpoints, served at the root rather than under ``/api/gateway``."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from gateway.oauth import service
from gateway.oauth.schemas import JsonWebKeySet, OAuthError, ServerMetadata, TokenResponse
from gateway.oauth.server import AUTH_METHODS, GRANT_TYPES, GatewayAuthorizationServer
from gateway.settings import GatewaySettings
from pdp_kit.auth import Role, TokenIssuer

router = APIRouter(tags=["oauth"])

_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthError, "description": "invalid_request, unsupported_grant_type, …"},
    401: {"model": OAuthError, "description": "invalid_client (with WWW-Authenticate)"},
}
_FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": GRANT_TYPES},
                        "scope": {
                            "type": "string",
                            "description": "space-separated roles, a subset of the client's",
                        },
                        "client_id": {"type": "string", "description": "client_secret_post"},
                        "client_secret": {"type": "string", "description": "client_secret_post"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/oauth/token",
    summary="Obtain an access token",
    response_model=TokenResponse,
    responses=_OAUTH_ERRORS,
    openapi_extra=_FORM_BODY,
)
async def token(request: Request) -> JSONResponse:
    """RFC 6749 §4.4 client credentials. Authenticate with HTTP Basic (`client_secret_basic`) or
    with `client_id` and `client_secret` in the form (`client_secret_post`). The access token is
    an RS256 JWT carrying `roles`, `department` and `operator`; send it as
    `Authorization: Bearer …` to every `/api/...` call. Errors follow RFC 6749 §5.2."""
    server: GatewayAuthorizationServer = request.app.state.authorization_server
    return await service.issue_token(request.app.state.sessionmaker, request=request, server=server)


@router.get("/.well-known/jwks.json", response_model=JsonWebKeySet)
async def jwks(request: Request) -> dict[str, Any]:
    """The public keys access tokens are signed with; every service verifies against them."""
    issuer: TokenIssuer = request.app.state.token_issuer
    return issuer.jwks()


@router.get("/.well-known/oauth-authorization-server", response_model=ServerMetadata)
async def metadata(request: Request) -> ServerMetadata:
    """RFC 8414 authorization server metadata."""
    settings: GatewaySettings = request.app.state.settings
    base = settings.token_issuer.rstrip("/")
    return ServerMetadata(
        issuer=settings.token_issuer,
        token_endpoint=f"{base}/oauth/token",
        jwks_uri=f"{base}/.well-known/jwks.json",
        grant_types_supported=GRANT_TYPES,
        token_endpoint_auth_methods_supported=AUTH_METHODS,
        # No authorization endpoint: no response type is supported.
        response_types_supported=[],
        scopes_supported=[str(role) for role in Role if role is not Role.SERVICE],
        service_documentation=f"{base}/api/gateway/docs",
    )
