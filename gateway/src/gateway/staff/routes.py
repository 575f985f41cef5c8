from fastapi import APIRouter, status

from gateway.console.auth import CsrfCheckedStaff
from gateway.staff import service
from gateway.staff.schemas import (
    StaffUserCreate,
    StaffUserPublic,
    StaffUserRegistered,
    TotpConfirmation,
    TotpEnrolment,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/users", tags=["staff users"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StaffUserRegistered)
async def register_user(
    data: StaffUserCreate, session: SessionDep, principal: CurrentPrincipal
) -> StaffUserRegistered:
    """Admit a person to the console (bureau only). Roles are the console's: `bureau`,
    `datacenter`, `ops`, `cyberspace`, `assessor`, `department` (with `department`, the
    department code). Without `password` the gateway generates one and returns it as
    `initial_password`, this once. Publishes `gateway.staff_user.created.v1`."""
    return await service.create_user(session, data=data, principal=principal)


@router.get("", response_model=Page[StaffUserPublic])
async def list_users(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[StaffUserPublic]:
    """Every staff user, by username (bureau only). Passwords and TOTP secrets are never shown."""
    return await service.list_users(session, page=page, principal=principal)


@router.post("/{user_id}/disable", response_model=StaffUserPublic)
async def disable_user(
    user_id: str, session: SessionDep, principal: CurrentPrincipal
) -> StaffUserPublic:
    """End a staff user's access (bureau only): sign-in is refused and their open console
    sessions end at once. Publishes `gateway.staff_user.disabled.v1`."""
    return await service.disable_user(session, user_id=user_id, principal=principal)


@router.post("/{user_id}/totp", response_model=TotpEnrolment)
async def begin_totp(user_id: str, session: SessionDep, staff: CsrfCheckedStaff) -> TotpEnrolment:
    """Start TOTP enrolment (RFC 6238) for the signed-in user themself: console session cookie
    and its CSRF token in `X-CSRF-Token`. Answers the secret, its `otpauth://` URI and a QR
    code; nothing changes at sign-in until `POST /users/{id}/totp/confirm` proves a first code.
    Someone else's id is 403."""
    return await service.begin_totp(session, user_id=user_id, signed_in_user_id=staff.user_id)


@router.post("/{user_id}/totp/confirm", response_model=StaffUserPublic)
async def confirm_totp(
    user_id: str, data: TotpConfirmation, session: SessionDep, staff: CsrfCheckedStaff
) -> StaffUserPublic:
    """Confirm enrolment with the authenticator's current code; from now on sign-in requires a
    code. Publishes `gateway.staff_totp.enrolled.v1`."""
    return await service.confirm_totp(
        session, user_id=user_id, signed_in_user_id=staff.user_id, code=data.code
    )
