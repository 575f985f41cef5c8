"""The demo district: a dozen of Changning's departments, their duties, systems and resources.

Codes are the pinyin initials the district uses informally (``MZJ`` 区民政局); the records of a
resource come from ``records.py`` through its ``make`` function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pdp_demo import records
from pdp_demo.people import RecordMaker


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str = "string"
    format: str | None = None
    sensitive: bool = False
    key: bool = False

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "type": self.type,
            "sensitive": self.sensitive,
            "key": self.key,
        }
        if self.format:
            data["format"] = self.format
        return data


@dataclass(frozen=True)
class Resource:
    code: str
    name: str
    description: str
    duty: str
    system: str
    fields: tuple[Field, ...]
    share_type: str = "conditional"
    open_type: str = "not_open"
    grade: str = "general"
    level: int | None = 2
    update_frequency: str = "monthly"
    share_basis: str | None = None
    records: int = 0
    make: RecordMaker | None = None

    def body(self, department: str) -> dict[str, Any]:
        return {
            "department": department,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "duty": self.duty,
            "system": self.system,
            "share_type": self.share_type,
            "share_basis": self.share_basis,
            "open_type": self.open_type,
            "grade": self.grade,
            "level": self.level,
            "important": self.grade in ("core", "important"),
            "update_frequency": self.update_frequency,
            "fields": [field.body() for field in self.fields],
        }

    @property
    def key(self) -> str:
        return next(field.name for field in self.fields if field.key)


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    duties: tuple[tuple[str, str, str], ...]  # code, name, legal basis
    systems: tuple[tuple[str, str], ...]  # code, name
    resources: tuple[Resource, ...]


def _id(key: bool = True) -> Field:
    return Field("resident_id", "公民身份号码", format="resident_id", sensitive=True, key=key)


def _credit(name: str = "credit_code", title: str = "统一社会信用代码", key: bool = True) -> Field:
    return Field(name, title, format="uscc", key=key)


NAME = Field("name", "姓名", sensitive=True)
ORG = Field("name", "名称")
ADDRESS = Field("address", "地址")
PHONE = Field("phone", "联系电话", format="phone", sensitive=True)
OFFICE_PHONE = Field("phone", "联系电话", format="phone")
STREET = Field("street", "所属街道（镇）")


def _plain(code: str, name: str, description: str, duty: str, system: str, **kw: Any) -> Resource:
    """A catalogued resource without demo records: its fields are ``PLAIN_FIELDS[code]``."""
    return Resource(code, name, description, duty, system, PLAIN_FIELDS[code], **kw)


def _fields(*spec: str) -> tuple[Field, ...]:
    """``"name:标题:type"`` each; the first field is the key."""
    made = []
    for index, item in enumerate(spec):
        name, title, kind = [*item.split(":"), "string"][:3]
        made.append(Field(name, title, kind, key=index == 0))
    return tuple(made)


# fmt: off
PLAIN_FIELDS = {
    "FGW-R01": _fields("project_code:项目代码", "project_name:项目名称",
                       "total_investment:总投资（万元）:number", "stage:建设阶段",
                       "approved_on:立项日期:date"),
    "FGJ-R01": _fields("housing_no:房源编号", "address:房屋地址", "layout:户型",
                       "area:建筑面积（平方米）:number", "monthly_rent:月租金（元）:number"),
    "GHZYJ-R01": _fields("permit_no:许可证编号", "project_name:建设项目名称", "builder:建设单位",
                         "address:建设位置", "issued_on:核发日期:date"),
    "CZJ-R01": _fields("procurement_no:采购项目编号", "project_name:采购项目名称",
                       "budget:预算金额（万元）:number", "method:采购方式",
                       "awarded_to:成交供应商"),
    "CGZFJ-R01": _fields("decision_no:处罚决定书文号", "party:当事人", "violation:违法行为",
                         "penalty:处罚内容", "decided_on:处罚决定日期:date"),
}
# fmt: on


# fmt: off
DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "FGW", "区发展和改革委员会",
        (("FGW-01", "政府投资项目管理", "《政府投资条例》第九条"),),
        (("FGW-S1", "长宁区投资项目在线审批监管平台"),),
        (_plain("FGW-R01", "政府投资项目信息", "区级政府投资项目的立项、概算与建设进度", "FGW-01",
                "FGW-S1", share_type="unconditional", open_type="unconditional", level=1),),
    ),
    Department(
        "JYJ", "区教育局",
        (("JYJ-01", "学校设置与管理", "《中华人民共和国教育法》第二十七条"),),
        (("JYJ-S1", "长宁区教育管理信息系统"),),
        (Resource("JYJ-R01", "中小学校基本信息", "全区中小学校的办学层次、地址与在校学生数",
                  "JYJ-01", "JYJ-S1",
                  (_credit(), ORG, Field("stage", "办学层次"), ADDRESS,
                   Field("students", "在校学生数", "integer"), OFFICE_PHONE),
                  share_type="unconditional", open_type="unconditional", level=1,
                  update_frequency="yearly", records=12, make=records.school),),
    ),
    Department(
        "MZJ", "区民政局",
        (("MZJ-01", "最低生活保障", "《社会救助暂行办法》第九条"),
         ("MZJ-02", "养老服务机构管理", "《上海市养老服务条例》第三十条")),
        (("MZJ-S1", "长宁区社会救助管理信息系统"), ("MZJ-S2", "长宁区养老服务管理平台")),
        (Resource("MZJ-R01", "最低生活保障对象信息", "享受最低生活保障的家庭成员及保障金额",
                  "MZJ-01", "MZJ-S1",
                  (_id(), NAME, STREET, Field("household_size", "家庭人口", "integer"),
                   Field("monthly_amount", "月保障金额（元）", "number"),
                   Field("start_on", "保障起始日期", "date")),
                  level=3, records=40, make=records.subsistence_allowance),
         Resource("MZJ-R02", "养老服务机构名录", "养老机构与长者照护之家的床位与联系方式",
                  "MZJ-02", "MZJ-S2",
                  (_credit(), ORG, ADDRESS, Field("beds", "床位数", "integer"), OFFICE_PHONE),
                  share_type="unconditional", open_type="unconditional", level=1,
                  records=15, make=records.elderly_care_institution)),
    ),
    Department(
        "WJW", "区卫生健康委员会",
        (("WJW-01", "医疗机构执业登记", "《医疗机构管理条例》第十五条"),),
        (("WJW-S1", "长宁区卫生健康监督管理系统"),),
        (Resource("WJW-R01", "医疗机构执业登记信息", "医疗机构的类别、床位与执业地址",
                  "WJW-01", "WJW-S1",
                  (_credit(), ORG, Field("kind", "机构类别"), ADDRESS,
                   Field("beds", "核定床位", "integer"), OFFICE_PHONE),
                  share_type="unconditional", open_type="unconditional", level=1,
                  records=20, make=records.medical_institution),),
    ),
    Department(
        "SCJGJ", "区市场监督管理局",
        (("SCJGJ-01", "市场主体登记", "《中华人民共和国市场主体登记管理条例》第五条"),),
        (("SCJGJ-S1", "长宁区市场主体登记系统"),),
        (Resource("SCJGJ-R01", "市场主体登记信息", "企业的名称、法定代表人、注册资本与住所",
                  "SCJGJ-01", "SCJGJ-S1",
                  (_credit(), ORG, Field("legal_representative", "法定代表人", sensitive=True),
                   Field("registered_on", "成立日期", "date"),
                   Field("registered_capital", "注册资本（万元）", "number"), ADDRESS, PHONE),
                  share_type="unconditional", open_type="conditional", level=2,
                  update_frequency="daily", records=60, make=records.market_entity),),
    ),
    Department(
        "RSJ", "区人力资源和社会保障局",
        (("RSJ-01", "就业登记", "《就业服务与就业管理规定》第六十一条"),),
        (("RSJ-S1", "长宁区就业服务管理系统"),),
        (Resource("RSJ-R01", "就业登记人员信息", "在本区用人单位就业登记的人员",
                  "RSJ-01", "RSJ-S1",
                  (_id(), NAME, _credit("employer_credit_code", "用人单位统一社会信用代码", False),
                   Field("registered_on", "就业登记日期", "date"), PHONE),
                  level=3, records=40, make=records.employment_registration),),
    ),
    Department(
        "GAFJ", "区公安分局",
        (("GAFJ-01", "户口与居住登记", "《中华人民共和国户口登记条例》第三条"),),
        (("GAFJ-S1", "长宁区实有人口管理系统"),),
        (Resource("GAFJ-R01", "实有人口信息", "辖区实有人口的身份、出生日期与居住地址",
                  "GAFJ-01", "GAFJ-S1",
                  (_id(), NAME, Field("birth_date", "出生日期", "date"), STREET, ADDRESS, PHONE),
                  grade="important", level=None, update_frequency="daily",
                  records=30, make=records.resident_population),),
    ),
    Department(
        "FGJ", "区住房保障和房屋管理局",
        (("FGJ-01", "公共租赁住房管理", "《公共租赁住房管理办法》第四条"),),
        (("FGJ-S1", "长宁区住房保障信息系统"),),
        (_plain("FGJ-R01", "公共租赁住房房源信息", "公共租赁住房的房源、户型与租金", "FGJ-01",
                "FGJ-S1", open_type="conditional"),),
    ),
    Department(
        "GHZYJ", "区规划和自然资源局",
        (("GHZYJ-01", "建设工程规划许可", "《中华人民共和国城乡规划法》第四十条"),),
        (("GHZYJ-S1", "长宁区规划资源审批系统"),),
        (_plain("GHZYJ-R01", "建设工程规划许可证信息", "核发的建设工程规划许可证", "GHZYJ-01",
                "GHZYJ-S1", share_type="unconditional", open_type="unconditional", level=1),),
    ),
    Department(
        "STHJJ", "区生态环境局",
        (("STHJJ-01", "排污许可管理", "《排污许可管理条例》第五条"),),
        (("STHJJ-S1", "长宁区生态环境执法系统"),),
        (Resource("STHJJ-R01", "排污许可信息", "持有排污许可证的单位与有效期限",
                  "STHJJ-01", "STHJJ-S1",
                  (_credit(), ORG, Field("permit_no", "许可证编号"),
                   Field("valid_until", "有效期至", "date"), ADDRESS),
                  share_type="unconditional", open_type="unconditional", level=1,
                  records=10, make=records.discharge_permit),),
    ),
    Department(
        "CZJ", "区财政局",
        (("CZJ-01", "政府采购监督管理", "《中华人民共和国政府采购法》第十三条"),),
        (("CZJ-S1", "长宁区政府采购管理系统"),),
        (_plain("CZJ-R01", "政府采购项目信息", "政府采购项目的预算、方式与成交结果", "CZJ-01",
                "CZJ-S1", share_type="unconditional", open_type="unconditional", level=1),),
    ),
    Department(
        "CGZFJ", "区城市管理行政执法局",
        (("CGZFJ-01", "城市管理行政处罚", "《上海市城市管理综合行政执法条例》第十一条"),),
        (("CGZFJ-S1", "长宁区城管执法办案系统"),),
        (_plain("CGZFJ-R01", "城管行政处罚决定信息", "城市管理领域作出的行政处罚决定", "CGZFJ-01",
                "CGZFJ-S1", open_type="conditional"),),
    ),
)
# fmt: on


def department(code: str) -> Department:
    return next(d for d in DEPARTMENTS if d.code == code)
