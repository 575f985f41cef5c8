from fastapi import APIRouter, Request, status

from gateway.clients import service
from gateway.clients.schemas import ClientCreate, ClientCredentials, ClientPublic, RateLimit
from gateway.clients.states import ClientStates
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/clients", tags=["clients"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClientCredentials)
async def register_client(
    data: ClientCreate, session: SessionDep, principal: CurrentPrincipal
) -> ClientCredentials:
    """Admit a system to the platform (bureau only). The answer holds the client secret: it is
    shown this once and cannot be read again, only rotated. A `department` client needs
    `department` (its department code), an `operator` client needs `operator`. With `jwks`
    the client authenticates with `private_key_jwt` (RFC 7523) and gets no secret.
    Publishes `gateway.client.registered.v1`."""
    return await service.register_client(session, data=data, principal=principal)


@router.get("", response_model=Page[ClientPublic])
async def list_clients(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[ClientPublic]:
    """Every client, by client id (bureau only). Secrets are never shown."""
    return await service.list_clients(session, page=page, principal=principal)


def _states(request: Request) -> ClientStates:
    states: ClientStates = request.app.state.client_states
    return states


@router.post("/{client_id}/rotate-secret", response_model=ClientCredentials)
async def rotate_secret(
    client_id: str, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> ClientCredentials:
    """Issue a new secret (bureau only); the old one stops working at once, and so do the tokens
    it obtained. A configured client (the services' own, the bootstrap one) answers 409.
    Publishes `gateway.client_secret.rotated.v1`."""
    return await service.rotate_secret(
        session, client_id=client_id, principal=principal, states=_states(request)
    )


@router.post("/{client_id}/disable", response_model=ClientPublic)
async def disable_client(
    client_id: str, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> ClientPublic:
    """Stop a client (bureau only): no new token, and the tokens it holds are refused from its
    next call on. A configured client answers 409. Publishes `gateway.client.disabled.v1`."""
    client = await service.disable_client(
        session, client_id=client_id, principal=principal, states=_states(request)
    )
    return ClientPublic.model_validate(client)


@router.put("/{client_id}/rate-limit", response_model=ClientPublic)
async def set_rate_limit(
    client_id: str,
    data: RateLimit,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ClientPublic:
    """Set the client's token bucket (bureau only): `per_second` refills, `burst` caps; both
    empty restores the default (50 requests/s, burst 100). Beyond it the client gets 429 with
    `Retry-After`. Publishes `gateway.client_rate_limit.set.v1`."""
    client = await service.set_rate_limit(
        session, client_id=client_id, limit=data, principal=principal, states=_states(request)
    )
    return ClientPublic.model_validate(client)
