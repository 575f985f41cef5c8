from fastapi import APIRouter

from audit.chain import service
from audit.chain.service import IntegrityReport
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import TransactionDep

router = APIRouter(prefix="/integrity", tags=["integrity"])


@router.get("", response_model=IntegrityReport, response_model_exclude_none=True)
async def check_integrity(session: TransactionDep, principal: CurrentPrincipal) -> IntegrityReport:
    """Recompute every SM3 chain (journal, usage records, usage reports, network log) from its
    latest retention cut, against its head and its signed checkpoints (Art. 32). `first_bad`
    names the first record kind and chain position that does not verify. Bureau, cyberspace
    office and assessor."""
    return await service.check_integrity(session, principal=principal)
