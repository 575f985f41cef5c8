from fastapi import APIRouter, status

from gateway.clients import service
from gateway.clients.schemas import ClientCreate, ClientCredentials, ClientPublic
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
    `department` (its department code), an `operator` client needs `operator`.
    Publishes `gateway.client.registered.v1`."""
    return await service.register_client(session, data=data, principal=principal)


@router.get("", response_model=Page[ClientPublic])
async def list_clients(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[ClientPublic]:
    """Every client, by client id (bureau only). Secrets are never shown."""
    return await service.list_clients(session, page=page, principal=principal)


@router.post("/{client_id}/rotate-secret", response_model=ClientCredentials)
async def rotate_secret(
    client_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ClientCredentials:
    """Issue a new secret (bureau only); the old one stops working at once. Tokens already
    issued stay valid until they expire. Publishes `gateway.client_secret.rotated.v1`."""
    return await service.rotate_secret(session, client_id=client_id, principal=principal)


@router.post("/{client_id}/disable", response_model=ClientPublic)
async def disable_client(
    client_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ClientPublic:
    """Stop a client from obtaining tokens (bureau only). Tokens already issued stay valid until
    they expire (at most the token lifetime). Publishes `gateway.client.disabled.v1`."""
    client = await service.disable_client(session, client_id=client_id, principal=principal)
    return ClientPublic.model_validate(client)
