from fastapi import APIRouter

from catalog.quality import service
from catalog.quality.schemas import DepartmentRanking, ResourceQuality
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(tags=["quality"])


@router.get("/resources/{resource_id}/quality", response_model=ResourceQuality)
async def resource_quality(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ResourceQuality:
    """Volume, completeness, validity and freshness against the declared update frequency
    (the owner, the bureau, the data centre; Art. 15)."""
    return await service.resource_quality(session, resource_id=resource_id, principal=principal)


@router.get("/quality/departments", response_model=DepartmentRanking)
async def department_ranking(session: SessionDep, principal: CurrentPrincipal) -> DepartmentRanking:
    """Departments ranked by the quality of their aggregated data (staff and supervisors)."""
    return await service.department_ranking(session, principal=principal)
