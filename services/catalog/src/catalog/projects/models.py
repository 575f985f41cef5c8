from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Project(CatalogTable, table=True):
    """A digital project (数字化项目): before acceptance its resources must be catalogued and its
    data aggregated (Art. 9); projects that do not integrate lose maintenance funding (Art. 8)."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("department", "code", name="uq_project_department_code"),)

    id: str = Field(primary_key=True, max_length=32)
    department: str = Field(foreign_key="department.code", max_length=32, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProjectSystem(CatalogTable, table=True):
    __tablename__ = "project_system"

    project_id: str = Field(foreign_key="project.id", primary_key=True, max_length=32)
    system_id: str = Field(foreign_key="info_system.id", primary_key=True, max_length=32)
