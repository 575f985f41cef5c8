from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from registry.tables import RegistryTable


class ApplicationScenario(RegistryTable, table=True):
    """An application scenario built on public data (Art. 29–31): the bureau's record of what is
    planned, running or retired, in which field, with which resources, departments and operators."""

    __tablename__ = "application_scenario"

    id: str = Field(primary_key=True, max_length=40)
    title: str = Field(max_length=200)
    field: str = Field(max_length=40, index=True)
    description: str = Field(default="", max_length=4000)
    resources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    departments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    operators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="planned", max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
