from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from catalog.chain.models import ChainedEntry
from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class System(ChainedEntry, CatalogTable, table=True):
    """An entry of a department's system catalogue (系统目录): a business system that produces data;
    each resource names one as its source. Art. 9."""

    __tablename__ = "info_system"
    __table_args__ = (
        UniqueConstraint("department", "code", name="uq_info_system_department_code"),
    )

    id: str = Field(primary_key=True, max_length=32)
    department: str = Field(foreign_key="department.code", max_length=32, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
