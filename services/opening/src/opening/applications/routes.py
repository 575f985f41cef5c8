from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from opening.applications import decisions, service
from opening.applications.access import application_public
from opening.applications.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ApprovalCreate,
    Refusal,
    Resubmission,
    Screening,
    UsageReportCreate,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApplicationPublic)
async def submit_application(
    data: ApplicationCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(description="municipal:<市平台申请编号>")] = None,
) -> ApplicationPublic:
    """The municipal open-data platform passes on an application for a conditional listing
    (Art. 24); `municipal` role only. Organisations and legal persons give a unified social
    credit code (checksum). An unknown listing is 404; a closed, `not_open` or unconditional
    listing, an invalid credit code or a forbidden scenario is 422. The same `Idempotency-Key`
    again answers 200 with the first application."""
    application, created = await service.submit_application(
        session, data=data, principal=principal, idempotency_key=idempotency_key
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return application_public(application)


@router.get("", response_model=Page[ApplicationPublic])
async def list_applications(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: str | None = None,
    listing_id: str | None = None,
) -> Page[ApplicationPublic]:
    """Applications: all for the data centre, bureau, supervisors and the municipal platform;
    a department's listings' for a department; its own for a public client."""
    return await service.list_applications(
        session, principal=principal, page=page, status=status, listing_id=listing_id
    )


@router.get("/{application_id}", response_model=ApplicationPublic)
async def get_application(
    application_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationPublic:
    return await service.get_application(
        session, application_id=application_id, principal=principal
    )


@router.post("/{application_id}/screen", response_model=ApplicationPublic)
async def screen_application(
    application_id: str, data: Screening, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationPublic:
    """The data centre screens completeness once: complete → forwarded to the owning department
    with `review_due_on` 10 working days later; incomplete → returned listing everything missing
    (a second return is 409). A screened application is 409."""
    application = await decisions.screen(
        session, application_id=application_id, data=data, principal=principal
    )
    return application_public(application)


@router.post("/{application_id}/materials", response_model=ApplicationPublic)
async def resubmit_materials(
    application_id: str, data: Resubmission, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationPublic:
    """The municipal platform passes on the completed materials of a returned application."""
    application = await decisions.resubmit(
        session, application_id=application_id, data=data, principal=principal
    )
    return application_public(application)


@router.post("/{application_id}/approve", response_model=ApplicationPublic)
async def approve_application(
    application_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    data: ApprovalCreate | None = None,
) -> ApplicationPublic:
    """The owning department approves a forwarded application: the applicant's `public` client
    may read the listing until `valid_until`. Unscreened or decided: 409."""
    application = await decisions.approve(
        session, application_id=application_id, data=data or ApprovalCreate(), principal=principal
    )
    return application_public(application)


@router.post("/{application_id}/reject", response_model=ApplicationPublic)
async def reject_application(
    application_id: str, data: Refusal, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationPublic:
    """The owning department refuses with written reasons (`reason` required, 422 without)."""
    application = await decisions.refuse(
        session, application_id=application_id, data=data, principal=principal
    )
    return application_public(application)


@router.post("/{application_id}/usage-reports", response_model=ApplicationPublic)
async def file_usage_report(
    application_id: str, data: UsageReportCreate, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationPublic:
    """The approved applicant files its usage report (feedback duty, Art. 23)."""
    application = await decisions.file_usage_report(
        session, application_id=application_id, data=data, principal=principal
    )
    return application_public(application)
