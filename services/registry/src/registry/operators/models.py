from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from registry.tables import RegistryTable


class Operator(RegistryTable, table=True):
    """An authorised operating entity (被授权运营主体, Art. 27), known by its unified social credit
    code. ``status``: ``active``, or ``disqualified`` when it no longer meets the conditions of
    operation (its authorisations are revoked with it). Its gateway client carries ``id`` as the
    token's ``operator`` claim."""

    __tablename__ = "operator"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=18, unique=True)
    contacts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    qualifications: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default="active", max_length=20, index=True)
    disqualified_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
