from typing import Annotated

from fastapi import APIRouter, Query, Response

from audit.export import csv_response
from audit.listing import From, To
from audit.usage import service
from audit.usage.schemas import UsageRecordPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/usage-records", tags=["usage"])

Department = Annotated[str | None, Query(description="调用部门编码")]
Provider = Annotated[str | None, Query(description="提供部门编码")]
ResourceId = Annotated[str | None, Query(description="数据资源 ID")]
GrantId = Annotated[str | None, Query(description="共享授权 ID")]


@router.get("", response_model=Page[UsageRecordPublic])
async def list_usage_records(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    from_: From = None,
    to: To = None,
    department: Department = None,
    provider: Provider = None,
    resource_id: ResourceId = None,
    grant_id: GrantId = None,
) -> Page[UsageRecordPublic]:
    """Usage records of every data call (Art. 34), in arrival order. The bureau, data centre,
    cyberspace office and assessor read all; a department the calls it made and the calls on its
    data; an operator the calls it made. Filters combine; `from` / `to` are on the call's time."""
    return await service.list_usage(
        session,
        principal=principal,
        page=page,
        department=department,
        provider=provider,
        resource_id=resource_id,
        grant_id=grant_id,
        from_=from_,
        to=to,
    )


@router.get("/export.csv", response_class=Response)
async def export_usage_records(
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: From = None,
    to: To = None,
    department: Department = None,
    provider: Provider = None,
    resource_id: ResourceId = None,
    grant_id: GrantId = None,
) -> Response:
    """The same records as the list, as CSV (UTF-8 with BOM), same rights and filters."""
    rows = await service.export_usage(
        session,
        principal=principal,
        department=department,
        provider=provider,
        resource_id=resource_id,
        grant_id=grant_id,
        from_=from_,
        to=to,
    )
    return csv_response(UsageRecordPublic, rows, filename="usage-records.csv")
