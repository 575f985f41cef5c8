"""Registering and managing OAuth clients: the bureau's job (Art. 5, 32)."""

from __future__ import annotations

import logging

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.clients.hashing import (
    UNUSABLE_HASH,
    hash_secret,
    new_client_id,
    new_client_secret,
    verify_secret,
)
from gateway.clients.models import Client
from gateway.clients.schemas import ClientCreate, ClientCredentials, ClientPublic, RateLimit
from gateway.clients.states import ClientStates
from pdp_contracts.gateway import (
    ClientDisabled,
    ClientEnabled,
    ClientRateLimitSet,
    ClientRegistered,
    ClientSecretRotated,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

log = logging.getLogger(__name__)

#: The actor recorded on events the gateway causes itself (the bootstrap client).
SYSTEM_ACTOR = "gateway"


class ClientIsDisabled(Conflict):
    code, title = "client-disabled", "客户端已停用"


class ClientIsConfigured(Conflict):
    """The bootstrap client and the services' own clients belong to the configuration: rotating
    a ``pdp-<service>`` secret through the API would hand out a token that reads every
    resource's raw records."""

    code, title = "client-configured", "该客户端由部署配置管理，不能通过接口修改"


class ClientUsesKeys(Conflict):
    code, title = "client-uses-keys", "该客户端以私钥签名认证"


async def register_client(
    session: AsyncSession, *, data: ClientCreate, principal: Principal
) -> ClientCredentials:
    """Only the bureau admits a system to the platform; the secret is returned this once (a
    ``private_key_jwt`` client gets none: it signs with its own key)."""
    require_role(principal, Role.BUREAU)
    secret = None if data.jwks else new_client_secret()
    client = Client(
        client_id=new_client_id(),
        name=data.name,
        roles=[str(role) for role in data.roles],
        department=data.department,
        operator=data.operator,
        secret_hash=await _hash(secret) if secret else UNUSABLE_HASH,
        jwks=data.jwks,
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
    session: AsyncSession, *, client_id: str, principal: Principal, states: ClientStates
) -> ClientCredentials:
    """A new secret replaces the old one at once, and every token issued before ends with it
    (the client's not-before time moves to now)."""
    require_role(principal, Role.BUREAU)
    client = await _get_managed(session, client_id)
    if client.disabled:
        raise ClientIsDisabled(f"客户端 {client_id} 已停用，不能更换密钥")
    if client.jwks:
        raise ClientUsesKeys(f"客户端 {client_id} 以私钥签名认证，没有密钥可更换")
    secret = new_client_secret()
    client.secret_hash = await _hash(secret)
    client.secret_rotated_at = client.not_before = utcnow()
    await record_event(
        session,
        ClientSecretRotated(client_id=client.client_id),
        subject=client.client_id,
        actor=principal.client_id,
        department=client.department,
    )
    await session.flush()
    states.apply(client)
    return ClientCredentials(client_id=client.client_id, client_secret=secret)


async def disable_client(
    session: AsyncSession, *, client_id: str, principal: Principal, states: ClientStates
) -> Client:
    """A disabled client obtains no new token, and the tokens it holds stop working at once.
    Disabling twice changes nothing the second time."""
    require_role(principal, Role.BUREAU)
    client = await _get_managed(session, client_id)
    if not client.disabled:
        client.disabled = True
        client.not_before = utcnow()
        await record_event(
            session,
            ClientDisabled(client_id=client.client_id),
            subject=client.client_id,
            actor=principal.client_id,
            department=client.department,
        )
        await session.flush()
    states.apply(client)
    return client


async def set_rate_limit(
    session: AsyncSession,
    *,
    client_id: str,
    limit: RateLimit,
    principal: Principal,
    states: ClientStates,
) -> Client:
    """The bureau gives a client its own token bucket (or, with both empty, the default back)."""
    require_role(principal, Role.BUREAU)
    client = await get_for_update(session, Client, client_id)
    if client is None:
        raise NotFound(f"客户端 {client_id} 不存在")
    client.rate_per_second = limit.per_second
    client.rate_burst = limit.burst if limit.per_second else None
    await record_event(
        session,
        ClientRateLimitSet(
            client_id=client_id, per_second=client.rate_per_second, burst=client.rate_burst
        ),
        subject=client_id,
        actor=principal.client_id,
        department=client.department,
    )
    await session.flush()
    states.apply(client)
    return client


async def ensure_bootstrap_client(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    client_id: str,
    secret: str | None,
    role: Role = Role.BUREAU,
    name: str = "Bootstrap bureau client",
) -> None:
    """Create a client the configuration names (the bootstrap bureau client, the services' own
    internal clients), or bring its secret and role up to date; with no secret, disable it.

    Idempotent, and safe when several replicas start together. Configuration owns these clients:
    the API can neither rotate nor disable them.
    """
    for attempt in (1, 2):
        try:
            async with sessionmaker() as session, session.begin():
                if secret is None:
                    await _disable_configured(session, client_id=client_id)
                else:
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
    client = await get_for_update(session, Client, client_id)
    if client is None:
        client = Client(
            client_id=client_id,
            name=name,
            roles=[str(role)],
            secret_hash=await _hash(secret),
            configured=True,
        )
        session.add(client)
        await _record_registered(session, client, actor=SYSTEM_ACTOR)
        log.info("configured %s client %s created", role, client_id)
        return
    client.configured = True
    if str(role) not in client.roles:
        client.roles = sorted({*client.roles, str(role)})
    if not await anyio.to_thread.run_sync(verify_secret, client.secret_hash, secret):
        client.secret_hash = await _hash(secret)
        client.secret_rotated_at = client.not_before = utcnow()
        await record_event(
            session,
            ClientSecretRotated(client_id=client_id),
            subject=client_id,
            actor=SYSTEM_ACTOR,
        )
        log.info("configured client %s: secret updated from configuration", client_id)
    if client.disabled:
        client.disabled = False
        await record_event(
            session, ClientEnabled(client_id=client_id), subject=client_id, actor=SYSTEM_ACTOR
        )
        log.info("configured client %s enabled: its secret is set", client_id)


async def _disable_configured(session: AsyncSession, *, client_id: str) -> None:
    client = await get_for_update(session, Client, client_id)
    if client is None or client.disabled:
        return
    client.disabled = True
    client.not_before = utcnow()
    await record_event(
        session, ClientDisabled(client_id=client_id), subject=client_id, actor=SYSTEM_ACTOR
    )
    log.warning("configured client %s disabled: its secret is not set", client_id)


async def _get_managed(session: AsyncSession, client_id: str) -> Client:
    """A client the API may change: not one the configuration owns, nor a platform service's."""
    client = await get_for_update(session, Client, client_id)
    if client is None:
        raise NotFound(f"客户端 {client_id} 不存在")
    if client.configured or str(Role.SERVICE) in client.roles:
        raise ClientIsConfigured(f"客户端 {client_id} 由部署配置管理")
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
            auth_method="private_key_jwt" if client.jwks else "client_secret",
        ),
        subject=client.client_id,
        actor=actor,
        department=client.department,
    )
