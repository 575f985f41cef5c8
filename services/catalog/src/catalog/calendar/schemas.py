import datetime as dt

from pydantic import BaseModel, Field

from pdp_kit.calendar import CalendarSource


class YearScheduleIn(BaseModel):
    holidays: list[dt.date] = Field(description="当年国务院公布的工作日放假日期")
    workdays: list[dt.date] = Field(description="调休上班的周末日期")


class YearSchedulePublic(BaseModel):
    year: int
    source: CalendarSource
    holidays: list[dt.date]
    workdays: list[dt.date]


class WorkingDayAnswer(BaseModel):
    from_: dt.date = Field(alias="from", serialization_alias="from")
    add: int
    date: dt.date
    provisional: bool = Field(description="该年度日历尚未公布，仅按周末计算")

    model_config = {"populate_by_name": True}
