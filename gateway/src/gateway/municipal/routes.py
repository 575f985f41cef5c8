from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from gateway.municipal import opendata, service
from gateway.municipal.models import DeliveryStatus
from gateway.municipal.schemas import (
    ApplicationPublic,
    ChainPushPublic,
    DecisionIn,
    DecisionPublic,
    HandbackPublic,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/municipal", tags=["municipal"])

StatusQuery = Annotated[DeliveryStatus | None, Query(description="只看某一状态")]


@router.get("/chain-pushes", response_model=Page[ChainPushPublic])
async def list_chain_pushes(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, status: StatusQuery = None
) -> Page[Any]:
    """Catalogue entries pushed or waiting to be pushed to the municipal chain (Art. 11), with
    attempts, next attempt, last error and the chain's transaction id (bureau, data centre, ops)."""
    return await service.list_deliveries(
        session, view="chain-pushes", status=status, page=page, principal=principal
    )


@router.post("/chain-pushes/{key}/retry", response_model=ChainPushPublic)
async def retry_chain_push(
    key: str, session: SessionDep, principal: CurrentPrincipal
) -> ChainPushPublic:
    """Push a refused or waiting entry again now (data centre, bureau)."""
    return await service.retry_push(session, key=key, principal=principal)


@router.get("/applications", response_model=Page[ApplicationPublic])
async def list_applications(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, status: StatusQuery = None
) -> Page[Any]:
    """Applications taken from the municipal open-data platform and their forwarding to opening
    (Art. 24)."""
    return await service.list_deliveries(
        session, view="applications", status=status, page=page, principal=principal
    )


@router.post(
    "/applications/{application_id}/decision",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DecisionPublic,
)
async def return_decision(
    application_id: str, data: DecisionIn, session: SessionDep, principal: CurrentPrincipal
) -> DecisionPublic:
    """Return a decision on an application to the municipal open-data platform (data centre,
    bureau): queued here and sent with retries; the same decision twice is sent once."""
    row = await opendata.return_decision(
        session, application_id=application_id, data=data, principal=principal
    )
    return DecisionPublic.model_validate(row)


@router.get("/decisions", response_model=Page[DecisionPublic])
async def list_decisions(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, status: StatusQuery = None
) -> Page[Any]:
    """Decisions going back to the city, and whether they arrived."""
    return await service.list_deliveries(
        session, view="decisions", status=status, page=page, principal=principal
    )


@router.get("/handbacks", response_model=Page[HandbackPublic])
async def list_handbacks(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, status: StatusQuery = None
) -> Page[Any]:
    """Batches the city handed back (属地返还, Art. 5) and their import into the catalog."""
    return await service.list_deliveries(
        session, view="handbacks", status=status, page=page, principal=principal
    )
