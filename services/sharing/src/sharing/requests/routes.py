from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep
from sharing.requests import actions, service
from sharing.requests.schemas import (
    Approval,
    ExtensionCreate,
    MaterialsNotice,
    MaterialsResubmission,
    Rejection,
    RequestCreate,
    RequestPublic,
    RequestSummary,
)

router = APIRouter(prefix="/requests", tags=["requests"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RequestPublic)
async def submit_request(
    data: RequestCreate, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """Ask another department for fields of its published resource, for your own department
    (Art. 17). The reply is due 1 working day after receipt for an unconditional resource, 10 for
    a conditional one (`reply_due_on`, `provisional` where that year's calendar is unknown). A
    `not_shared` resource is refused at once (422) citing its legal basis; unknown fields, a past
    `valid_until` or a missing attestation are 422."""
    request = await service.submit_request(session, data=data, principal=principal)
    return await service.request_public(session, request)


@router.get("", response_model=Page[RequestSummary])
async def list_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    as_: Annotated[
        Literal["requester", "provider"] | None,
        Query(alias="as", description="部门按本部门作为申请方或提供方筛选"),
    ] = None,
    status: Annotated[str | None, Query(description="submitted、materials_requested 等")] = None,
    resource_id: str | None = None,
) -> Page[RequestSummary]:
    """Requests your department made or received (the bureau and supervisors: all)."""
    return await service.list_requests(
        session, principal=principal, page=page, as_=as_, status=status, resource_id=resource_id
    )


@router.get("/{request_id}", response_model=RequestPublic)
async def get_request(
    request_id: str, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The request, its written notices and, while it is open, the aggregation warnings the
    provider and the bureau see before deciding (Art. 19). Requester, provider, bureau."""
    return await service.get_request(session, request_id=request_id, principal=principal)


@router.post("/{request_id}/materials-notice", response_model=RequestPublic)
async def send_materials_notice(
    request_id: str, data: MaterialsNotice, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The provider's one written notice listing every missing item (Art. 18); a second is 409.
    The reply clock waits for the resubmission."""
    request = await actions.send_materials_notice(
        session, request_id=request_id, data=data, principal=principal
    )
    return await service.request_public(session, request)


@router.post("/{request_id}/materials", response_model=RequestPublic)
async def resubmit_materials(
    request_id: str, data: MaterialsResubmission, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The requester supplies what the notice listed; `reply_due_on` restarts from today."""
    request = await actions.resubmit_materials(
        session, request_id=request_id, data=data, principal=principal
    )
    return await service.request_public(session, request)


@router.post("/{request_id}/extension", response_model=RequestPublic)
async def request_extension(
    request_id: str, data: ExtensionCreate, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The provider asks once to extend a conditional reply by at most 10 working days; it takes
    effect only when the bureau approves it."""
    request = await actions.request_extension(
        session, request_id=request_id, data=data, principal=principal
    )
    return await service.request_public(session, request)


@router.post("/{request_id}/extension/approve", response_model=RequestPublic)
async def approve_extension(
    request_id: str, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The bureau consents: `reply_due_on` moves that many working days and the requester gets
    a written notice."""
    request = await actions.approve_extension(session, request_id=request_id, principal=principal)
    return await service.request_public(session, request)


@router.post("/{request_id}/approve", response_model=Approval)
async def approve_request(
    request_id: str, session: SessionDep, principal: CurrentPrincipal
) -> Approval:
    """The provider approves: a grant of exactly the requested fields, purpose and period."""
    request = await actions.approve_request(session, request_id=request_id, principal=principal)
    assert request.grant_id is not None
    return Approval(id=request.id, status=request.status, grant_id=request.grant_id)


@router.post("/{request_id}/reject", response_model=RequestPublic)
async def reject_request(
    request_id: str, data: Rejection, session: SessionDep, principal: CurrentPrincipal
) -> RequestPublic:
    """The provider refuses with written reasons (Art. 18); stored as a written notice."""
    request = await actions.reject_request(
        session, request_id=request_id, data=data, principal=principal
    )
    return await service.request_public(session, request)
