"""Shapes of the OAuth endpoints, for the OpenAPI document (RFC 6749 §5, RFC 8414 §2)."""

from typing import Any

from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the token type, not a secret
    expires_in: int
    scope: str


class OAuthError(BaseModel):
    """RFC 6749 §5.2: what OAuth client libraries expect, rather than problem+json."""

    error: str
    error_description: str | None = None


class ServerMetadata(BaseModel):
    issuer: str
    token_endpoint: str
    jwks_uri: str
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    token_endpoint_auth_signing_alg_values_supported: list[str]
    response_types_supported: list[str]
    scopes_supported: list[str]
    service_documentation: str | None = None


class JsonWebKeySet(BaseModel):
    keys: list[dict[str, Any]]
