from fastapi import APIRouter, status

from catalog.chain.schemas import RetireBody
from catalog.duties import service
from catalog.duties.schemas import DutyCreate, DutyPublic, DutyUpdate
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


@router.put("/{code}", response_model=DutyPublic)
async def update_duty(
    department: str,
    code: str,
    data: DutyUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> DutyPublic:
    """Correct an active entry (the department itself or the bureau); `version` counts the change
    and the entry is pushed to the catalogue chain again. Publishes `catalog.duty.updated.v1`."""
    entry = await service.update_duty(
        session, department=department, code=code, data=data, principal=principal
    )
    return DutyPublic.model_validate(entry)


@router.post("/{code}/retire", response_model=DutyPublic)
async def retire_duty(
    department: str,
    code: str,
    data: RetireBody,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> DutyPublic:
    """Retire the entry with the reason (the department itself or the bureau): it stays readable,
    no resource may name it any more; 409 while a current resource still does. Publishes
    `catalog.duty.retired.v1`."""
    entry = await service.retire_duty(
        session, department=department, code=code, reason=data.reason, principal=principal
    )
    return DutyPublic.model_validate(entry)
