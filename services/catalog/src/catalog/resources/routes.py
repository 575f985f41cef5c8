from typing import Annotated

from fastapi import APIRouter, Query, status

from catalog.resources import listing, review, service, withdrawal
from catalog.resources.schemas import (
    RejectBody,
    ResourceContent,
    ResourceCreate,
    ResourcePublic,
    WithdrawBody,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/resources", tags=["resources"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ResourcePublic)
async def create_resource(
    data: ResourceCreate, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Catalogue a data resource of your own department as a draft (Art. 9). `duplicates` lists
    other departments' published resources with the same or largely the same fields: request
    those through sharing instead of collecting the data again (Art. 12)."""
    resource, version = await service.create_resource(session, data=data, principal=principal)
    return service.to_public(resource, version)


@router.get("", response_model=Page[ResourcePublic])
async def list_resources(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=200, description="中文检索：名称、摘要、字段名称")
    ] = None,
    department: str | None = None,
    important: bool | None = Query(default=None, description="true: 重要数据目录"),
) -> Page[ResourcePublic]:
    """Published entries (and your department's own drafts). With `q`, published entries ranked
    by relevance over names, field titles and descriptions."""
    return await listing.list_resources(
        session, principal=principal, page=page, q=q, department=department, important=important
    )


@router.get("/{resource_id}", response_model=ResourcePublic)
async def get_resource(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """The published version, with its catalogue-chain receipt (`chain`); your own department
    sees its latest version, draft or not."""
    return await service.get_resource(session, resource_id=resource_id, principal=principal)


@router.put("/{resource_id}/draft", response_model=ResourcePublic)
async def update_draft(
    resource_id: str, data: ResourceContent, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Correct the current draft before submitting it (own department)."""
    resource, version = await service.update_draft(
        session, resource_id=resource_id, data=data, principal=principal
    )
    return service.to_public(resource, version)


@router.post(
    "/{resource_id}/versions", status_code=status.HTTP_201_CREATED, response_model=ResourcePublic
)
async def revise_resource(
    resource_id: str, data: ResourceContent, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Draft the next version over a published or rejected one (own department, Art. 10)."""
    resource, version = await service.revise_resource(
        session, resource_id=resource_id, data=data, principal=principal
    )
    return service.to_public(resource, version)


@router.get("/{resource_id}/versions", response_model=Page[ResourcePublic])
async def list_versions(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> Page[ResourcePublic]:
    """Every version, oldest first, on one page (published and superseded ones for other
    departments)."""
    versions = await service.list_versions(session, resource_id=resource_id, principal=principal)
    return Page[ResourcePublic](items=versions, next_cursor=None)


@router.get("/{resource_id}/versions/{version}", response_model=ResourcePublic)
async def get_version(
    resource_id: str, version: int, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    return await service.get_version(
        session, resource_id=resource_id, number=version, principal=principal
    )


@router.post("/{resource_id}/submit", response_model=ResourcePublic)
async def submit(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Submit the draft to the bureau (own department): `review_due_on` is 2 working days after
    today (Art. 10)."""
    resource, version = await review.submit(session, resource_id=resource_id, principal=principal)
    return service.to_public(resource, version)


@router.post("/{resource_id}/publish", response_model=ResourcePublic)
async def publish(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Publish the reviewed version (bureau); the previous one is superseded and the entry is
    queued for the municipal catalogue chain (Art. 10, 11)."""
    resource, version = await review.publish(session, resource_id=resource_id, principal=principal)
    return service.to_public(resource, version)


@router.post("/{resource_id}/reject", response_model=ResourcePublic)
async def reject(
    resource_id: str, data: RejectBody, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Send the submitted version back with the reason (bureau)."""
    resource, version = await review.reject(
        session, resource_id=resource_id, reason=data.reason, principal=principal
    )
    return service.to_public(resource, version)


@router.post("/{resource_id}/withdraw", response_model=ResourcePublic)
async def withdraw(
    resource_id: str, data: WithdrawBody, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Withdraw (下线) a published resource with the reason (own department, Art. 9): it leaves
    search, the DCAT export and aggregation; sharing, opening and registry end their grants,
    listings and authorisations on it. Its versions stay readable."""
    resource, version = await withdrawal.withdraw(
        session, resource_id=resource_id, reason=data.reason, principal=principal
    )
    return service.to_public(resource, version)
