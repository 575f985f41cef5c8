"""Retrying a failed push to the municipal catalogue chain (Art. 11): the bureau or the data
centre asks again; the entry shows ``pending`` until the new receipt lands."""

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.chain.requests import request_chain
from catalog.duties.models import Duty
from catalog.duties.service import get_duty
from catalog.resources.errors import ResourceNotPublished
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.review import request_chain as request_resource_chain
from catalog.resources.service import find_resource
from catalog.systems.models import System
from catalog.systems.service import get_system
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, FieldProblem

RETRIERS = (Role.BUREAU, Role.DATACENTER)


class ChainNotFailed(Conflict):
    code, title = "chain-not-failed", "上链未失败，无需重试"


def _require_failed(status: str | None) -> None:
    if status != "failed":
        raise ChainNotFailed(errors=[FieldProblem("chain.status", f"is {status}")])


async def retry_resource(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    require_role(principal, *RETRIERS)
    resource = await find_resource(session, resource_id, principal, lock=True)
    if resource.published_version is None or resource.withdrawn_at is not None:
        raise ResourceNotPublished(errors=[FieldProblem("status", f"is {resource.status}")])
    version = await session.get(ResourceVersion, (resource.id, resource.published_version))
    assert version is not None
    _require_failed(version.chain_status)
    await request_resource_chain(session, resource, version, actor=principal.client_id)
    await session.flush()
    return resource, version


async def retry_entry(
    session: AsyncSession, *, kind: str, department: str, code: str, principal: Principal
) -> Duty | System:
    require_role(principal, *RETRIERS)
    found: Duty | System
    if kind == "duty":
        found = await get_duty(session, department=department, code=code, principal=principal)
    else:
        found = await get_system(session, department=department, code=code, principal=principal)
    entry = await get_for_update(session, type(found), found.id)
    assert entry is not None
    _require_failed(entry.chain_status)
    await request_chain(session, entry, actor=principal.client_id)
    return entry
