from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from catalog.departments.schemas import CODE_PATTERN


class ProjectCreate(BaseModel):
    department: str = Field(max_length=32)
    code: str = Field(max_length=32, pattern=CODE_PATTERN, description="项目编码")
    name: str = Field(min_length=1, max_length=200, description="项目名称")
    systems: list[str] = Field(
        min_length=1, max_length=100, description="项目建设的系统（系统目录编码）"
    )


class ProjectPublic(BaseModel):
    id: str
    department: str
    code: str
    name: str
    systems: list[str]
    created_at: datetime


class Missing(BaseModel):
    system: str
    resource_id: str | None = None
    resource_name: str | None = None
    problem: Literal["no_resources", "not_published", "not_aggregated", "stale"]


class Acceptance(BaseModel):
    """Art. 9: catalogued and aggregated before acceptance; Art. 14: kept up to date."""

    project_id: str
    may_accept: bool
    missing: list[Missing]
