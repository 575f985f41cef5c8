from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.errors import PROBLEM_JSON, Problem, problem_response
from pdp_kit.pagination import Page, PageDep
from sharing.calls.service import call_data
from sharing.grants import service
from sharing.grants.schemas import GrantData, GrantPublic, Reason, Suspension

router = APIRouter(prefix="/grants", tags=["grants"])


@router.get("", response_model=Page[GrantPublic])
async def list_grants(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: Annotated[str | None, Query(description="active、suspended、terminated")] = None,
    resource_id: str | None = None,
) -> Page[GrantPublic]:
    """Grants your department holds or provides (the bureau and supervisors: all)."""
    return await service.list_grants(
        session, principal=principal, page=page, status=status, resource_id=resource_id
    )


@router.get("/{grant_id}", response_model=GrantPublic)
async def get_grant(grant_id: str, session: SessionDep, principal: CurrentPrincipal) -> GrantPublic:
    """Holder, provider, bureau."""
    return await service.get_grant(session, grant_id=grant_id, principal=principal)


@router.get(
    "/{grant_id}/data",
    response_model=GrantData,
    responses={
        503: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "数据目录服务不可达"}
    },
)
async def call_grant_data(
    grant_id: str,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[
        int, Query(ge=1, description="每页条数，最多 500", json_schema_extra={"maximum": 500})
    ] = 100,
    cursor: Annotated[str | None, Query(description="上一页返回的 next_cursor")] = None,
) -> Response:
    """The granted fields of the resource's records, for the holder only, while the grant is
    active and in its period (409 naming the state otherwise). Every call is recorded as a usage
    record, refused and failed ones too; 503 when the catalog cannot be reached."""
    outcome = await call_data(
        session,
        request.app.state.sessionmaker,
        grant_id=grant_id,
        principal=principal,
        limit=limit,
        cursor=cursor,
        catalog=request.app.state.catalog_records,
    )
    if outcome.error is not None:
        # Answered, not raised: the usage record of a refused or failed call must commit.
        return problem_response(outcome.error.to_problem())
    assert outcome.data is not None
    # Serialised here: built from the grant and the parsed page, it needs no second validation.
    return Response(outcome.data.model_dump_json(), media_type="application/json")


@router.post("/{grant_id}/justification", response_model=GrantPublic)
async def justify_grant(
    grant_id: str, data: Reason, session: SessionDep, principal: CurrentPrincipal
) -> GrantPublic:
    """The holder explains why an idle grant is still needed: it is not suspended for idleness
    (and is reinstated if it already was)."""
    grant = await service.justify(session, grant_id=grant_id, data=data, principal=principal)
    return GrantPublic.model_validate(grant.model_dump())


@router.post("/{grant_id}/terminate", response_model=GrantPublic)
async def terminate_grant(
    grant_id: str, session: SessionDep, principal: CurrentPrincipal
) -> GrantPublic:
    """The holder ends a grant it no longer needs (Art. 20)."""
    grant = await service.terminate_by_holder(session, grant_id=grant_id, principal=principal)
    return GrantPublic.model_validate(grant.model_dump())


@router.post("/{grant_id}/suspend", response_model=GrantPublic)
async def suspend_grant(
    grant_id: str, data: Suspension, session: SessionDep, principal: CurrentPrincipal
) -> GrantPublic:
    """Misuse (Art. 20): the provider or the bureau suspends with a reason and a rectification
    date; the sweep terminates the grant when the date passes unrectified."""
    grant = await service.suspend_for_misuse(
        session, grant_id=grant_id, data=data, principal=principal
    )
    return GrantPublic.model_validate(grant.model_dump())


@router.post("/{grant_id}/reinstate", response_model=GrantPublic)
async def reinstate_grant(
    grant_id: str, data: Reason, session: SessionDep, principal: CurrentPrincipal
) -> GrantPublic:
    """The provider or the bureau reinstates a suspended grant."""
    grant = await service.reinstate(session, grant_id=grant_id, data=data, principal=principal)
    return GrantPublic.model_validate(grant.model_dump())
