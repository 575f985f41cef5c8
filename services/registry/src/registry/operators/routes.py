from fastapi import APIRouter

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep
from registry.operators import service
from registry.operators.schemas import Disqualification, OperatorCreate, OperatorPublic

router = APIRouter(prefix="/operators", tags=["operators"])


@router.post("", response_model=OperatorPublic, status_code=201)
async def create_operator(
    data: OperatorCreate, session: SessionDep, principal: CurrentPrincipal
) -> OperatorPublic:
    """Bureau only. Records an authorised operating entity; `credit_code` is checked (GB 32100
    checksum), 409 if already recorded. Then create its gateway client
    (`POST /api/gateway/clients` with `roles: ["operator"]` and `operator` = the returned `id`)."""
    return await service.create_operator(session, data=data, principal=principal)


@router.get("", response_model=Page[OperatorPublic])
async def list_operators(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[OperatorPublic]:
    """The bureau, the data centre and the supervisors: every operator; an operator: itself."""
    return await service.list_operators(session, principal=principal, page=page)


@router.get("/{operator_id}", response_model=OperatorPublic)
async def get_operator(
    operator_id: str, session: SessionDep, principal: CurrentPrincipal
) -> OperatorPublic:
    """The operator itself, the bureau, the data centre and the supervisors."""
    return await service.get_operator(session, operator_id=operator_id, principal=principal)


@router.post("/{operator_id}/disqualify", response_model=OperatorPublic)
async def disqualify_operator(
    operator_id: str, data: Disqualification, session: SessionDep, principal: CurrentPrincipal
) -> OperatorPublic:
    """Bureau only: the operator no longer meets the conditions of operation (Art. 27); every
    authorisation it holds is revoked at once (`lost_eligibility`)."""
    return await service.disqualify(
        session, operator_id=operator_id, data=data, principal=principal
    )
