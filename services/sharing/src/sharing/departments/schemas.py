from sqlmodel import Field, SQLModel


class DepartmentBase(SQLModel):
    code: str = Field(max_length=32, description="部门编码")
    name: str = Field(max_length=100, description="部门名称")


class DepartmentPublic(DepartmentBase):
    pass
