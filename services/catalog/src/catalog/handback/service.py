"""Hand-back import (属地返还, Art. 5): records of a district resource that the municipal platform
returns, brought in by the gateway's municipal adapter.

Only the gateway's internal client (``pdp-gateway``, role ``service``) may call it. The records
go through the department ingest unchanged (:func:`catalog.records.service.ingest`: the published
fields, types, formats, upsert by key, the batch limit), on behalf of the resource's owning
department: the data is the department's own, returned to it.
"""

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.records.schemas import IngestResult
from catalog.records.service import ingest
from catalog.resources.models import Resource
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.errors import Forbidden, NotFound
from pdp_kit.settings import internal_client_id

log = logging.getLogger(__name__)
#: The one caller: the gateway, which holds the link to the municipal platforms.
HANDBACK_CALLER = internal_client_id("gateway")


async def import_handback(
    session: AsyncSession,
    *,
    resource_id: str,
    batch_id: str,
    records: list[Any],
    limit: int,
    principal: Principal,
) -> IngestResult:
    require_role(principal, Role.SERVICE)
    if principal.client_id != HANDBACK_CALLER:
        raise Forbidden("只有网关的市级平台适配器可以导入属地返还数据")
    resource = await session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(f"资源 {resource_id} 不存在")
    owner = Principal(
        client_id=principal.client_id,
        roles=frozenset({Role.DEPARTMENT}),
        department=resource.department,
    )
    result = await ingest(
        session, resource_id=resource_id, records=records, limit=limit, principal=owner
    )
    log.info(
        "hand-back batch %s into %s: %d accepted, %d rejected",
        batch_id,
        resource_id,
        result.accepted,
        len(result.rejected),
    )
    return result
