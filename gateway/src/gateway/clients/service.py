"""Registering and managing OAuth clients: the bureau's job (Art. 5, 32)."""

from __future__ import annotations

import logging

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.clients.hashing import hash_secret, new_client_id, new_client_secret, verify_secret
from gateway.clients.models import Client
from gateway.clients.schemas import ClientCreate, ClientCredentials, ClientPublic
from pdp_contracts.gateway import ClientDisabled, ClientRegistered, ClientSecretRotated
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import utcnow
from pdp_kit.errors import Conflict, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

log = logging.getLogger(__name__)

#: The actor recorded on events the gateway causes itself (the bootstrap client).
SYSTEM_ACTOR = "gateway"


class ClientIsDisabled(Conflict):
    code, title = "client-disabled", "客户端已停用"


async def register_client(
    session: AsyncSession, *, data: ClientCreate, principal: Principal
) -> ClientCredentials:
    """Only the bureau admits a system to the platform; the secret is returned this once."""
    require_role(principal, Role.BUREAU)
    secret = new_client_secret()
    client = Client(
        client_id=new_client_id(),
        name=data.name,
        roles=[str(role) for role in data.roles],
        department=data.department,
        operator=data.operator,
        secret_hash=await _hash(secret),
    )
    session.add(client)
    await _record_registered(session, client, actor=principal.client_id)
    await session.flush()
    return ClientCredentials(client_id=client.client_id, client_secret=secret)


async def list_clients(
    session: AsyncSession, *, page: PageParams, principal: Principal
) -> Page[ClientPublic]:
    require_role(principal, Role.BUREAU)
    return await keyset_page(
        session,
        select(Client),
        key=Client.client_id,  # type: ignore[arg-type]
        page=page,
        to_public=ClientPublic.model_validate,
        cursor_of=lambda c: c.client_id,
    )


async def rotate_secret(
    session: AsyncSession, *, client_id: str, principal: Principal
) -> ClientCredentials:
    """A new secret replaces the old one at once: tokens already issued stay valid until they
    expire, but the old secret obtains no new token."""
    require_role(principal, Role.BUREAU)
    client = await _get(session, client_id)
    if client.disabled:
        raise ClientIsDisabled(f"客户端 {client_id} 已停用，不能更换密钥")
    secret = new_client_secret()
    client.secret_hash = await _hash(secret)
    client.secret_rotated_at = utcnow()
    await record_event(
        session,
        ClientSecretRotated(client_id=client.client_id),
        subject=client.client_id,
        actor=principal.client_id,
        department=client.department,
    )
    await session.flush()
    return ClientCredentials(client_id=client.client_id, client_secret=secret)


async def disable_client(session: AsyncSession, *, client_id: str, principal: Principal) -> Client:
    """A disabled client obtains no new token. Disabling twice changes nothing the second time."""
    require_role(principal, Role.BUREAU)
    client = await _get(session, client_id)
    if not client.disabled:
        client.disabled = True
        await record_event(
            session,
            ClientDisabled(client_id=client.client_id),
            subject=client.client_id,
            actor=principal.client_id,
            department=client.department,
        )
        await session.flush()
    return client


async def ensure_bootstrap_client(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    client_id: str,
    secret: str,
    role: Role = Role.BUREAU,
    name: str = "Bootstrap bureau client",
) -> None:
    """Create a client the configuration names (the bootstrap bureau client, the services' own
    internal clients), or bring its secret and role up to date.

    Idempotent, and safe when several replicas start together. A configured client the bureau has
    disabled stays disabled: configuration does not silently re-admit it.
    """
    for attempt in (1, 2):
        try:
            async with sessionmaker() as session, session.begin():
                await _upsert_bootstrap(
                    session, client_id=client_id, secret=secret, role=role, name=name
                )
            return
        except IntegrityError:
            if attempt == 2:
                raise
            # another replica inserted it first: the second pass updates it


async def _upsert_bootstrap(
    session: AsyncSession, *, client_id: str, secret: str, role: Role, name: str
) -> None:
    client = await session.get(Client, client_id)
    if client is None:
        client = Client(
            client_id=client_id,
            name=name,
            roles=[str(role)],
            secret_hash=await _hash(secret),
        )
        session.add(client)
        await _record_registered(session, client, actor=SYSTEM_ACTOR)
        log.info("configured %s client %s created", role, client_id)
        return
    if str(role) not in client.roles:
        client.roles = sorted({*client.roles, str(role)})
    if not await anyio.to_thread.run_sync(verify_secret, client.secret_hash, secret):
        client.secret_hash = await _hash(secret)
        client.secret_rotated_at = utcnow()
        await record_event(
            session,
            ClientSecretRotated(client_id=client_id),
            subject=client_id,
            actor=SYSTEM_ACTOR,
        )
        log.info("configured client %s: secret updated from configuration", client_id)
    if client.disabled:
        log.warning("configured client %s is disabled and stays so", client_id)


async def _get(session: AsyncSession, client_id: str) -> Client:
    client = await session.get(Client, client_id)
    if client is None:
        raise NotFound(f"客户端 {client_id} 不存在")
    return client


async def _hash(secret: str) -> str:
    """scrypt is deliberately slow: keep it off the event loop that proxies everyone's calls."""
    return await anyio.to_thread.run_sync(hash_secret, secret)


async def _record_registered(session: AsyncSession, client: Client, *, actor: str) -> None:
    await record_event(
        session,
        ClientRegistered(
            client_id=client.client_id,
            name=client.name,
            roles=list(client.roles),
            department=client.department,
            operator=client.operator,
        ),
        subject=client.client_id,
        actor=actor,
        department=client.department,
    )
