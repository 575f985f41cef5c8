"""RFC 6749 client credentials on authlib, which has no Starlette server integration.

authlib's server is synchronous and looks clients up through ``query_client``. The gateway reads
the few clients a token request names from the database *before* calling it (see
``gateway.oauth.service``) and hands them over on the request object, so the synchronous part
touches no database and runs in a worker thread, where the scrypt check and the RS256 signature
cannot stall the event loop that proxies everyone's calls.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from authlib.oauth2 import rfc6749
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.authenticate_client import ClientAuthentication
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidScopeError, OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from starlette.responses import JSONResponse

from gateway.clients.hashing import UNUSABLE_HASH, VerifiedSecrets
from gateway.clients.models import Client
from gateway.clients.states import not_before_second
from gateway.edge.ratelimit import Buckets, Limit
from gateway.oauth.assertions import METHOD, PrivateKeyJWTAuthentication, ReplayGuard
from gateway.settings import GatewaySettings
from pdp_kit.auth import TokenIssuer

SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
AUTH_METHODS = [*SECRET_METHODS, METHOD]
GRANT_TYPES = ["client_credentials"]
#: At most this many secret checks at once: each scrypt check holds ~16 MiB.
MAX_CONCURRENT_CHECKS = 4


@dataclass(frozen=True)
class OAuthClient(rfc6749.ClientMixin):  # type: ignore[misc]
    """A snapshot of a client row, read before authlib runs, as authlib's ``ClientMixin``."""

    client_id: str
    secret_hash: str
    roles: tuple[str, ...]
    department: str | None
    operator: str | None
    disabled: bool
    verified: VerifiedSecrets
    jwks: dict[str, Any] | None = None
    #: Tokens must be dated at or after this second (see ``ClientStates.revoked``).
    not_before: int | None = None

    @classmethod
    def of(cls, row: Client, verified: VerifiedSecrets) -> OAuthClient:
        return cls(
            client_id=row.client_id,
            secret_hash=row.secret_hash,
            roles=tuple(row.roles),
            department=row.department,
            operator=row.operator,
            disabled=row.disabled,
            verified=verified,
            jwks=row.jwks,
            not_before=not_before_second(row.not_before),
        )

    @classmethod
    def unknown(cls, client_id: str, verified: VerifiedSecrets) -> OAuthClient:
        """Stands for a client id nobody registered: it fails like a wrong secret, as slowly."""
        return cls(client_id, UNUSABLE_HASH, (), None, None, True, verified)

    def secret_check_cached(self, client_secret: str) -> bool:
        """The secret was verified a moment ago: checking it again costs no scrypt."""
        return self.verified.cached(self.secret_hash, client_secret)

    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        # Checked even for a disabled client, so the answer time tells nothing.
        matches = self.verified.verify(self.secret_hash, client_secret)
        return matches and not self.disabled

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """A client with registered keys signs (``private_key_jwt``); the others use secrets.
        A disabled client passes no method."""
        if endpoint != "token" or self.disabled:
            return False
        return method == METHOD if self.jwks else method in SECRET_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class TokenRequest(rfc6749.OAuth2Request):  # type: ignore[misc]
    """A token request read off the Starlette request: form fields and the clients it names."""

    def __init__(
        self,
        *,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        form: dict[str, str],
        clients: Mapping[str, OAuthClient],
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form
        self.clients = clients

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_requested_scope(self) -> None:
        """Scopes are roles: a client may ask for fewer of its roles, never another one."""
        requested = scope_to_list(self.request.payload.scope) or []
        if not set(requested) <= set(self.client.roles):
            raise InvalidScopeError("The requested scope exceeds the roles of the client.")


class GatewayAuthorizationServer(rfc6749.AuthorizationServer):  # type: ignore[misc]
    def __init__(
        self,
        issuer: TokenIssuer,
        *,
        buckets: Buckets,
        replays: ReplayGuard,
        audiences: list[str],
        settings: GatewaySettings,
        verified: VerifiedSecrets | None = None,
    ) -> None:
        super().__init__(scopes_supported=None)
        self.issuer = issuer
        self.verified = verified or VerifiedSecrets()
        self.limiter = anyio.CapacityLimiter(MAX_CONCURRENT_CHECKS)
        self.buckets = buckets
        self.per_client = Limit(settings.token_checks_per_second, settings.token_checks_burst)
        self.per_address = Limit(
            settings.token_checks_per_address_per_second, settings.token_checks_per_address_burst
        )
        self.assertions = PrivateKeyJWTAuthentication(audiences=audiences, replays=replays)
        self.register_grant(ClientCredentialsGrant)
        self.register_token_generator("default", self._generate_token)

    async def token_response(self, request: TokenRequest, *, cached: bool) -> JSONResponse:
        """A request whose secret was verified a moment ago needs no scrypt slot; the others
        queue for one of the few (each scrypt check holds ~16 MiB)."""
        response: JSONResponse = await anyio.to_thread.run_sync(
            self.create_token_response, request, limiter=None if cached else self.limiter
        )
        return response

    def authenticate_client(
        self, request: TokenRequest, methods: list[str], endpoint: str = "token"
    ) -> OAuthClient:
        def lookup(client_id: str) -> OAuthClient:
            return request.clients.get(client_id) or OAuthClient.unknown(client_id, self.verified)

        authentication = ClientAuthentication(lookup)
        authentication.register(METHOD, self.assertions)
        try:
            client: OAuthClient = authentication(request, methods, endpoint)
        except InvalidClientError as exc:
            # One answer for an unknown client, a wrong secret and a disabled client, always a 401
            # with WWW-Authenticate (RFC 6749 §5.2), so the answer does not tell which it was.
            raise InvalidClientError(
                status_code=401, description="Client authentication failed."
            ) from exc
        return client

    def _generate_token(
        self,
        grant_type: str,
        client: OAuthClient,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        roles = sorted(set(scope_to_list(scope) or client.roles))
        token = self.issuer.issue(
            client_id=client.client_id,
            roles=roles,
            department=client.department,
            operator=client.operator,
            lifetime_seconds=expires_in,
            issued_at=max(int(time.time()), client.not_before or 0),
        )
        return {
            "access_token": token.access_token,
            "token_type": "Bearer",
            "expires_in": token.expires_in,
            "scope": token.scope,
        }

    def query_client(self, client_id: str) -> None:
        return None  # every lookup goes through authenticate_client and the prefetched clients

    def save_token(self, token: dict[str, Any], request: TokenRequest) -> None:
        """Access tokens are self-contained JWTs: nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal system here."""

    def create_oauth2_request(self, request: TokenRequest) -> TokenRequest:
        return request

    def error_response(self, error: OAuth2Error) -> JSONResponse:
        response: JSONResponse = self.handle_error_response(None, error)
        return response

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> JSONResponse:
        return JSONResponse(body, status_code=status, headers=dict(headers))
