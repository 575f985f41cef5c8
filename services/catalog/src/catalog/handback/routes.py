from fastapi import APIRouter, Request

from catalog.handback import service
from catalog.handback.schemas import HandbackBatch
from catalog.records.schemas import IngestResult
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(tags=["records"])


@router.post("/internal/handback/resources/{resource_id}/records", response_model=IngestResult)
async def import_handback(
    resource_id: str,
    data: HandbackBatch,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> IngestResult:
    """Records of a resource handed back by the municipal platform (属地返还, Art. 5), checked and
    kept like the owning department's own push. Only the gateway's internal client `pdp-gateway`;
    never routed from outside."""
    return await service.import_handback(
        session,
        resource_id=resource_id,
        batch_id=data.batch_id,
        records=data.records,
        limit=request.app.state.settings.records_batch_limit,
        principal=principal,
    )
