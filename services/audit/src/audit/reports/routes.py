from typing import Annotated

from fastapi import APIRouter, Query

from audit.listing import From, To
from audit.reports import service
from audit.reports.schemas import UsageReportCreate, UsageReportPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/usage-reports", tags=["usage"])


@router.post("", response_model=UsageReportPublic, status_code=201)
async def file_usage_report(
    session: SessionDep, principal: CurrentPrincipal, body: UsageReportCreate
) -> UsageReportPublic:
    """File a usage report on a grant your department holds (Art. 34): scenario, process,
    effect, storage, destruction date. Reports cannot be changed once filed."""
    return await service.file_report(session, principal=principal, body=body)


@router.get("", response_model=Page[UsageReportPublic])
async def list_usage_reports(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    from_: From = None,
    to: To = None,
    grant_id: Annotated[str | None, Query(description="共享授权 ID")] = None,
) -> Page[UsageReportPublic]:
    """Usage reports in filing order. The bureau, data centre, cyberspace office and assessor
    read all; a department the reports it filed and those about its data."""
    return await service.list_reports(
        session, principal=principal, page=page, grant_id=grant_id, from_=from_, to=to
    )
