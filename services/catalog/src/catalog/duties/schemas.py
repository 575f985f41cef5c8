from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from catalog.chain.schemas import EntryLife
from catalog.departments.schemas import CODE_PATTERN


class DutyCreate(BaseModel):
    code: str = Field(max_length=32, pattern=CODE_PATTERN, description="职责编码")
    name: str = Field(min_length=1, max_length=200, description="职责名称")
    legal_basis: str = Field(min_length=1, max_length=2000, description="设定依据（法律法规条款）")


class DutyUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="职责名称")
    legal_basis: str = Field(min_length=1, max_length=2000, description="设定依据（法律法规条款）")


class DutyPublic(EntryLife, DutyCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    created_at: datetime
