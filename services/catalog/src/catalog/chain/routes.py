from typing import Literal

from fastapi import APIRouter

from catalog.chain import retry
from catalog.chain.schemas import ChainState, chain_state
from catalog.resources.schemas import ResourcePublic
from catalog.resources.service import to_public
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(tags=["chain"])


@router.post("/resources/{resource_id}/chain/retry", response_model=ResourcePublic)
async def retry_resource_chain(
    resource_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ResourcePublic:
    """Push the published version to the municipal catalogue chain again after a failed receipt
    (the bureau or the data centre, Art. 11); 409 unless the last receipt failed."""
    resource, version = await retry.retry_resource(
        session, resource_id=resource_id, principal=principal
    )
    return to_public(resource, version)


@router.post("/departments/{department}/{catalogue}/{code}/chain/retry", response_model=ChainState)
async def retry_entry_chain(
    department: str,
    catalogue: Literal["duties", "systems"],
    code: str,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ChainState | None:
    """Push a duty or system entry to the catalogue chain again after a failed receipt (the
    bureau or the data centre, Art. 11); 409 unless the last receipt failed."""
    entry = await retry.retry_entry(
        session,
        kind="duty" if catalogue == "duties" else "system",
        department=department,
        code=code,
        principal=principal,
    )
    return chain_state(entry)
