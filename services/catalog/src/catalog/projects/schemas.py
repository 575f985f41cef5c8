from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from catalog.departments.schemas import CODE_PATTERN

#: Printable text: no control characters (PostgreSQL cannot store NUL, which used to be a 500).
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]+$"
Code = Annotated[str, StringConstraints(max_length=32, pattern=CODE_PATTERN)]


class ProjectCreate(BaseModel):
    """Every constraint the server enforces on the shape is stated here; what is left are
    facts about the catalogue (the department exists: 404; its systems exist: 422; the code is
    free: 409)."""

    department: Code = Field(description="部门编码")
    code: Code = Field(description="项目编码")
    name: str = Field(min_length=1, max_length=200, pattern=TEXT_PATTERN, description="项目名称")
    systems: list[Code] = Field(
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
