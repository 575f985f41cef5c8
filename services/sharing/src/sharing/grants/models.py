from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from sharing.tables import SharingTable


class Grant(SharingTable, table=True):
    """What an approved request allows: exactly its fields, purpose, basis and period (Art. 19).

    ``status``: ``active``, ``suspended`` (``suspension``: ``idle`` after three months without a
    call, or ``misuse`` with ``rectify_by``) or ``terminated`` (Art. 20).
    """

    __tablename__ = "grant"

    id: str = Field(primary_key=True, max_length=40)
    request_id: str = Field(max_length=40, unique=True)
    resource_id: str = Field(max_length=40, index=True)
    holder: str = Field(max_length=32, index=True)
    provider: str = Field(max_length=32, index=True)
    fields: list[str] = Field(sa_column=Column(JSON, nullable=False))
    purpose: str = Field(max_length=1000)
    legal_basis: str = Field(max_length=1000)
    method: str = Field(max_length=20)
    valid_until: date
    status: str = Field(default="active", max_length=20, index=True)
    approved_on: date
    last_called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    idle_since: date  # approval, the last call or reinstatement: where the three months start
    justification: str | None = Field(default=None, max_length=1000)
    suspension: str | None = Field(default=None, max_length=20)
    suspension_reason: str | None = Field(default=None, max_length=1000)
    rectify_by: date | None = None
    termination_cause: str | None = Field(default=None, max_length=40)
    termination_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
