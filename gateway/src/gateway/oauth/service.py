"""The token endpoint's asynchronous half: read the request and the clients it names."""

from __future__ import annotations

from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.clients.models import Client
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
) -> JSONResponse:
    """Answer a token request with a token or an RFC 6749 §5.2 error (never problem+json: OAuth
    client libraries parse ``error``)."""
    try:
        form = await _read_form(request)
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
    response = await server.token_response(token_request)
    if token_request.client is not None:
        identify_client(request, token_request.client.client_id)
    return response


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
    basic_id, _ = extract_basic_authorization(request.headers)
    ids = {
        client_id
        for client_id in (basic_id, form.get("client_id"))
        if client_id and len(client_id) <= MAX_CLIENT_ID
    }
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
