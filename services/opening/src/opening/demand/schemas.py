from datetime import date

from pydantic import BaseModel, Field


class DemandCreate(BaseModel):
    resource_id: str
    reason: str = Field(min_length=1, max_length=1000, description="希望开放的理由和用途")


class DemandTally(BaseModel):
    resource_id: str
    department: str
    name: str
    requests: int = Field(description="统计窗口内的开放需求次数")
    surfaced_on: date | None = Field(description="最近一次提示数据所属部门的日期")
