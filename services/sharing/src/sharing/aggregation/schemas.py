from pydantic import BaseModel, Field


class Warning(BaseModel):
    """An aggregation risk the provider and the bureau see before they decide (Art. 19)."""

    kind: str = Field(default="aggregation")
    grants: list[str] = Field(description="申请部门已持有、参与组合的授权")
    resources: list[str]
    identifies: list[str] = Field(description="组合后可识别个人的字段类别，如 name、resident_id")
    combined_grade: str
    combined_level: int | None = None
    message: str
