from fastapi import APIRouter

from audit.retention import holds
from audit.retention.schemas import HoldCreate, HoldPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(prefix="/holds", tags=["retention"])


@router.post("", response_model=HoldPublic, status_code=201)
async def place_hold(
    session: SessionDep, principal: CurrentPrincipal, body: HoldCreate
) -> HoldPublic:
    """Hold records of a scope (`netlogs`, `usage`, `events`) whose time lies in [`from`, `to`]:
    the retention sweep purges none of them while the hold stands (Art. 34). Bureau only."""
    return await holds.place_hold(session, principal=principal, body=body)


@router.get("", response_model=list[HoldPublic])
async def list_holds(session: SessionDep, principal: CurrentPrincipal) -> list[HoldPublic]:
    """Every hold, standing and released. Bureau, cyberspace office and assessor."""
    return await holds.list_holds(session, principal=principal)


@router.delete("/{hold_id}", response_model=HoldPublic)
async def release_hold(
    session: SessionDep, principal: CurrentPrincipal, hold_id: str
) -> HoldPublic:
    """Release a hold; it stays on record. Bureau only."""
    return await holds.release_hold(session, principal=principal, hold_id=hold_id)
