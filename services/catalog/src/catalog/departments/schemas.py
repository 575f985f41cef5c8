from datetime import datetime

from sqlmodel import Field, SQLModel

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


class DepartmentBase(SQLModel):
    code: str = Field(max_length=32, schema_extra={"pattern": CODE_PATTERN}, description="部门编码")
    name: str = Field(min_length=1, max_length=100, description="部门名称")


class DepartmentCreate(DepartmentBase):
    pass


class DepartmentPublic(DepartmentBase):
    created_at: datetime
