from fastapi import APIRouter

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep
from sharing.departments import service
from sharing.departments.schemas import DepartmentPublic

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("", response_model=Page[DepartmentPublic])
async def list_departments(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[DepartmentPublic]:
    """The departments sharing knows of (from the catalog's events), by code: the parties a share
    request may name as requester or provider. Any authenticated caller."""
    return await service.list_departments(session, page=page, principal=principal)
