from fastapi import APIRouter, status

from catalog.objections import service
from catalog.objections.schemas import ObjectionAnswer, ObjectionCreate, ObjectionPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(tags=["objections"])


@router.post(
    "/resources/{resource_id}/objections",
    status_code=status.HTTP_201_CREATED,
    response_model=ObjectionPublic,
)
async def file_objection(
    resource_id: str, data: ObjectionCreate, session: SessionDep, principal: CurrentPrincipal
) -> ObjectionPublic:
    """File an objection ticket on a published resource's data (Art. 6(8)): the owning
    department, the data centre, a department holding an active sharing grant on the resource, or
    the opening and registry services for a licence holder; others get 403."""
    objection = await service.file_objection(
        session, resource_id=resource_id, data=data, principal=principal
    )
    return ObjectionPublic.model_validate(objection)


@router.get("/resources/{resource_id}/objections", response_model=Page[ObjectionPublic])
async def list_objections(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[ObjectionPublic]:
    """The resource's tickets, oldest first (the owning department, the staff, supervisors)."""
    return await service.list_objections(
        session, resource_id=resource_id, page=page, principal=principal
    )


@router.get("/objections/{objection_id}", response_model=ObjectionPublic)
async def get_objection(
    objection_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ObjectionPublic:
    """One ticket (its filer, the owning department, the staff, supervisors)."""
    return ObjectionPublic.model_validate(
        await service.get_objection(session, objection_id=objection_id, principal=principal)
    )


@router.post("/objections/{objection_id}/answer", response_model=ObjectionPublic)
async def answer_objection(
    objection_id: str, data: ObjectionAnswer, session: SessionDep, principal: CurrentPrincipal
) -> ObjectionPublic:
    """Answer the ticket after verifying and, if needed, correcting the data (owning department)."""
    objection = await service.answer_objection(
        session, objection_id=objection_id, data=data, principal=principal
    )
    return ObjectionPublic.model_validate(objection)
