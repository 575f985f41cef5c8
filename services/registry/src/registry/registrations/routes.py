from fastapi import APIRouter

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep
from registry.registrations import service
from registry.registrations.schemas import RegistrationCreate, RegistrationPublic

router = APIRouter(prefix="/registrations", tags=["registrations"])


@router.post("", response_model=RegistrationPublic, status_code=201)
async def file_registration(
    data: RegistrationCreate, session: SessionDep, principal: CurrentPrincipal
) -> RegistrationPublic:
    """Art. 28. A department registers the published resources it provides (`kind: resource`;
    the data centre may file it with the department, naming `department`);
    an operator registers a product or service under its own `authorisation`, made from
    `resources` inside it (default: all of them; outside it is a 422). `delivered_on` may not lie
    in the future. `due_on` is 20 working days after `delivered_on`."""
    return await service.file_registration(session, data=data, principal=principal)


@router.get("", response_model=Page[RegistrationPublic])
async def list_registrations(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    kind: str | None = None,
    status: str | None = None,
    authorisation: str | None = None,
) -> Page[RegistrationPublic]:
    """A department's or an operator's own registrations; staff and supervisors see all."""
    return await service.list_registrations(
        session,
        principal=principal,
        page=page,
        kind=kind,
        status=status,
        authorisation=authorisation,
    )


@router.get("/{registration_id}", response_model=RegistrationPublic)
async def get_registration(
    registration_id: str, session: SessionDep, principal: CurrentPrincipal
) -> RegistrationPublic:
    """The registrant, the bureau, the data centre and the supervisors."""
    return await service.get_registration(
        session, registration_id=registration_id, principal=principal
    )


@router.post("/{registration_id}/complete", response_model=RegistrationPublic)
async def complete_registration(
    registration_id: str, session: SessionDep, principal: CurrentPrincipal
) -> RegistrationPublic:
    """The data centre (or the bureau) completes the registration with its registrant."""
    return await service.complete(session, registration_id=registration_id, principal=principal)
