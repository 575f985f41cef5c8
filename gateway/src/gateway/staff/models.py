from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from gateway.staff.schemas import StaffStatus, StaffUserBase
from gateway.tables import GatewayTable
from pdp_kit.db import UTCDateTime, utcnow


class StaffUser(StaffUserBase, GatewayTable, table=True):
    """A person who signs in to the console: bureau officers, the data centre, ops, supervisors
    and department staff (Art. 32: identity authentication and access control)."""

    __tablename__ = "staff_user"

    user_id: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=64, unique=True, index=True)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: argon2id PHC string (``$argon2id$v=19$m=...``); never the password itself.
    password_hash: str = Field(max_length=200)
    status: str = Field(default=StaffStatus.ACTIVE.value, max_length=16)
    #: Failed sign-ins in a row; reset by a successful one.
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The confirmed TOTP secret (RFC 6238, base32); once set, sign-in requires a code.
    totp_secret: str | None = Field(default=None, max_length=64)
    #: A secret shown for enrolment and not yet confirmed by a first code.
    totp_pending_secret: str | None = Field(default=None, max_length=64)
    #: The last TOTP time step accepted: a code of that step or an earlier one is a replay.
    totp_last_step: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
