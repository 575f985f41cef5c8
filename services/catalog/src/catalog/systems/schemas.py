from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from catalog.chain.schemas import EntryLife
from catalog.departments.schemas import CODE_PATTERN


class SystemCreate(BaseModel):
    code: str = Field(max_length=32, pattern=CODE_PATTERN, description="系统编码")
    name: str = Field(min_length=1, max_length=200, description="系统名称")


class SystemUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="系统名称")


class SystemPublic(EntryLife, SystemCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    created_at: datetime
