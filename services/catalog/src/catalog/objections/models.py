from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Objection(CatalogTable, table=True):
    """An objection ticket (异议核实工单) on a resource's data; the owner verifies, corrects and
    answers. Art. 6(6), 6(8)."""

    __tablename__ = "objection"

    id: str = Field(primary_key=True, max_length=32)
    resource_id: str = Field(foreign_key="resource.id", max_length=32, index=True)
    department: str = Field(max_length=32, index=True, description="the owning department")
    version: int
    filed_by: str = Field(max_length=200, description="client id of the filer")
    filer_department: str | None = Field(default=None, max_length=32)
    description: str = Field(max_length=4000)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    record: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    status: str = Field(default="open", max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    answer: str | None = Field(default=None, max_length=4000)
    answered_by: str | None = Field(default=None, max_length=200)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
