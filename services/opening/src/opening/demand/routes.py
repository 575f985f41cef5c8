from fastapi import APIRouter, status

from opening import clock
from opening.demand import service
from opening.demand.schemas import DemandCreate, DemandTally
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(prefix="/demands", tags=["demand"])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def ask_to_open(
    data: DemandCreate, session: SessionDep, principal: CurrentPrincipal
) -> dict[str, str]:
    """Ask for a published resource that is not open yet (Art. 25). An open one is 409."""
    demand = await service.record_demand(session, data=data, principal=principal)
    return {"id": demand.id, "resource_id": demand.resource_id}


@router.get("", response_model=list[DemandTally])
async def demand(session: SessionDep, principal: CurrentPrincipal) -> list[DemandTally]:
    """How often each unopened resource was asked for in the last 90 days, most asked first: a
    department its own resources; the bureau, the data centre and supervisors all."""
    return await service.demand_for(session, principal=principal, as_of=clock.today())
