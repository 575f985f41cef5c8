from fastapi import APIRouter, status

from catalog.duties import service
from catalog.duties.schemas import DutyCreate, DutyPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/departments/{department}/duties", tags=["duties"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DutyPublic)
async def create_duty(
    department: str, data: DutyCreate, session: SessionDep, principal: CurrentPrincipal
) -> DutyPublic:
    """Add an entry to the department's duty catalogue (the department itself or the bureau).
    Publishes `catalog.duty.created.v1`."""
    duty = await service.create_duty(session, department=department, data=data, principal=principal)
    return DutyPublic.model_validate(duty)


@router.get("", response_model=Page[DutyPublic])
async def list_duties(
    department: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[DutyPublic]:
    """The department's duty catalogue, by code."""
    return await service.list_duties(session, department=department, page=page, principal=principal)


@router.get("/{code}", response_model=DutyPublic)
async def get_duty(
    department: str, code: str, session: SessionDep, principal: CurrentPrincipal
) -> DutyPublic:
    """One duty by its code."""
    duty = await service.get_duty(session, department=department, code=code, principal=principal)
    return DutyPublic.model_validate(duty)
