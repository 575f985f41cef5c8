"""The token endpoint's asynchronous half: read the request and the clients it names."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.clients.models import Client
from gateway.edge.ratelimit import retry_after
from gateway.netlog.middleware import identify_client
from gateway.oauth.server import GatewayAuthorizationServer, OAuthClient, TokenRequest

FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 20
MAX_CLIENT_ID = 64


async def issue_token(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    request: Request,
    server: GatewayAuthorizationServer,
    address: str | None,
) -> JSONResponse:
    """Answer a token request with a token or an RFC 6749 §5.2 error (never problem+json: OAuth
    client libraries parse ``error``).

    Before any secret is hashed, the request is counted against its client id and its source
    address (token buckets): a flood of made-up client ids from one place gets 429 without
    queueing for the few scrypt slots everyone else needs. A secret verified a moment ago skips
    both the count and the queue.
    """
    try:
        form = await _read_form(request)
        named = _named_client_id(request, form)
        if named:
            identify_client(request, named[:MAX_CLIENT_ID])  # failed requests are logged too
        clients = await _named_clients(sessionmaker, request=request, form=form, server=server)
        token_request = TokenRequest(
            method=request.method,
            uri=str(request.url),
            headers=request.headers,
            form=form,
            clients=clients,
        )
    except InsecureTransportError:
        return server.error_response(InvalidRequestError("OAuth 2 MUST utilize https."))
    except OAuth2Error as error:
        return server.error_response(error)
    cached = _secret_check_cached(request, form, clients.get(named or ""))
    if not cached:
        wait = max(
            await server.buckets.take(f"oauth-client:{named or '-'}", server.per_client),
            await server.buckets.take(f"oauth-address:{address or '-'}", server.per_address),
        )
        if wait > 0:
            return JSONResponse(
                {
                    "error": "temporarily_unavailable",
                    "error_description": "Too many token requests; retry later.",
                },
                status_code=429,
                headers={"Retry-After": retry_after(wait), "Cache-Control": "no-store"},
            )
    return await server.token_response(token_request, cached=cached)


def _named_client_id(request: Request, form: dict[str, str]) -> str | None:
    """The one client id the request names, by whichever method it authenticates with.

    RFC 6749 §2.3: a client uses one authentication method per request; two at once, or two
    different client ids, is ``invalid_request``.
    """
    basic_id, _ = extract_basic_authorization(request.headers)
    has_basic = request.headers.get("authorization", "").lower().startswith("basic ")
    methods = sum((has_basic, "client_secret" in form, "client_assertion" in form))
    if methods > 1:
        raise InvalidRequestError("Use exactly one client authentication method.")
    assertion_sub = _assertion_subject(form.get("client_assertion"))
    ids = {i for i in (basic_id, form.get("client_id"), assertion_sub) if i}
    if len(ids) > 1:
        raise InvalidRequestError("The request names more than one client.")
    return next(iter(ids), None)


def _assertion_subject(assertion: str | None) -> str | None:
    """The ``sub`` of a client assertion, unverified (only to read the client's keys)."""
    if not assertion:
        return None
    try:
        payload = json.loads(extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError, TypeError):
        return None
    subject = payload.get("sub") if isinstance(payload, dict) else None
    return subject if isinstance(subject, str) else None


def _secret_check_cached(
    request: Request, form: dict[str, str], client: OAuthClient | None
) -> bool:
    if client is None:
        return False
    _, basic_secret = extract_basic_authorization(request.headers)
    secret: str | None = basic_secret or form.get("client_secret")
    return secret is not None and client.secret_check_cached(secret)


async def _read_form(request: Request) -> dict[str, str]:
    """RFC 6749 §4.4.2: a form body, each parameter at most once (§3.2)."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM:
        raise InvalidRequestError(f"The request body must be {FORM}.")
    try:
        pairs = parse_qsl(
            (await request.body()).decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequestError("The request body is not a valid form.") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise InvalidRequestError(f"Parameter '{_ascii(name)}' is repeated.")
        form[name] = value
    if not form.get("grant_type"):
        raise InvalidRequestError("Missing 'grant_type' parameter.")
    return form


async def _named_clients(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    request: Request,
    form: dict[str, str],
    server: GatewayAuthorizationServer,
) -> dict[str, OAuthClient]:
    named = _named_client_id(request, form)
    ids = {named} if named and len(named) <= MAX_CLIENT_ID else set()
    if not ids:
        return {}
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Client).where(Client.client_id.in_(ids))  # type: ignore[attr-defined]
        )
        return {row.client_id: OAuthClient.of(row, server.verified) for row in rows}


def _ascii(text: str) -> str:
    """OAuth error descriptions are restricted to printable ASCII without quotes or backslashes."""
    return "".join(c for c in text if 0x20 <= ord(c) <= 0x7E and c not in '"\\')[:40]
