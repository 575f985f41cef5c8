from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from catalog.chain.models import ChainedEntry
from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Duty(ChainedEntry, CatalogTable, table=True):
    """An entry of a department's duty catalogue (职责目录); each resource maps to one. Art. 9."""

    __tablename__ = "duty"
    __table_args__ = (UniqueConstraint("department", "code", name="uq_duty_department_code"),)

    id: str = Field(primary_key=True, max_length=32)
    department: str = Field(foreign_key="department.code", max_length=32, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    legal_basis: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
