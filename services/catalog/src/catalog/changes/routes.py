from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from catalog.changes import service
from catalog.changes.schemas import (
    ChangeCreate,
    ChangePublic,
    ExtensionRefusal,
    ExtensionRequest,
    ReviewCompletion,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/changes", tags=["changes"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ChangePublic)
async def open_change(
    data: ChangeCreate, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    """Record a change in law, regulation, a superior decision or the department's duties that
    affects its catalogue (the department or the bureau). The update is due 10 working days after
    `occurred_on` (Art. 10); `provisional` when that year's calendar is not yet known."""
    change = await service.open_change(session, data=data, principal=principal)
    return service.to_public(change)


@router.get("", response_model=Page[ChangePublic])
async def list_changes(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    department: str | None = None,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
) -> Page[ChangePublic]:
    """A department's own obligations; every department's for the staff and supervisors."""
    return await service.list_changes(
        session, principal=principal, page=page, department=department, status=status
    )


@router.get("/{change_id}", response_model=ChangePublic)
async def get_change(
    change_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    return service.to_public(await service.find_change(session, change_id, principal))


@router.post("/{change_id}/extension", response_model=ChangePublic)
async def request_extension(
    change_id: str, data: ExtensionRequest, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    """Ask the bureau for the one extension of 5 working days (the department; once only)."""
    change = await service.request_extension(
        session, change_id=change_id, reason=data.reason, principal=principal
    )
    return service.to_public(change)


@router.post("/{change_id}/extension/approve", response_model=ChangePublic)
async def approve_extension(
    change_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    """Grant the requested extension (bureau): `due_on` moves 5 working days."""
    change = await service.approve_extension(session, change_id=change_id, principal=principal)
    return service.to_public(change)


@router.post("/{change_id}/extension/refuse", response_model=ChangePublic)
async def refuse_extension(
    change_id: str, data: ExtensionRefusal, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    """Refuse the requested extension (bureau), with the reason."""
    change = await service.refuse_extension(
        session, change_id=change_id, reason=data.reason, principal=principal
    )
    return service.to_public(change)


@router.post("/{change_id}/complete", response_model=ChangePublic)
async def complete_review(
    change_id: str, data: ReviewCompletion, session: SessionDep, principal: CurrentPrincipal
) -> ChangePublic:
    """Declare the annual full review of the catalogue done (the department). Change obligations
    close by themselves when the updated resources are published."""
    change = await service.complete_review(
        session, change_id=change_id, summary=data.summary, principal=principal
    )
    return service.to_public(change)
