"""The OAuth 2.0 endpoints, served at the root rather than under ``/api/gateway``."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from gateway.edge.addresses import source_address
from gateway.oauth import service
from gateway.oauth.assertions import ASSERTION_ALGORITHMS
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
                        "client_assertion_type": {
                            "type": "string",
                            "description": "private_key_jwt: "
                            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                        },
                        "client_assertion": {
                            "type": "string",
                            "description": "private_key_jwt: the signed JWT",
                        },
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
    """RFC 6749 §4.4 client credentials. Authenticate with HTTP Basic (`client_secret_basic`),
    with `client_id` and `client_secret` in the form (`client_secret_post`), or with a signed
    `client_assertion` (`private_key_jwt`, RFC 7523: audience the token endpoint, a fresh `jti`,
    at most an hour) — one method per request. The access token is an RS256 JWT (`at+jwt`,
    15 minutes by default) carrying `roles`, `department` and `operator`; send it as
    `Authorization: Bearer …` to every `/api/...` call. Errors follow RFC 6749 §5.2; too many
    failed or uncached attempts per client or address give 429 with `Retry-After`."""
    server: GatewayAuthorizationServer = request.app.state.authorization_server
    address = source_address(request.scope, request.app.state.trusted_proxies)
    return await service.issue_token(
        request.app.state.sessionmaker, request=request, server=server, address=address
    )


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
        token_endpoint_auth_signing_alg_values_supported=ASSERTION_ALGORITHMS,
        # RFC 8414 §2 requires the member; with no authorization endpoint nothing is served
        # through it, and "token" is what authlib's validator and clients expect to see.
        response_types_supported=["token"],
        scopes_supported=[str(role) for role in Role if role is not Role.SERVICE],
        service_documentation=f"{base}/api/gateway/docs",
    )
