from sqlmodel import Field

from opening.departments.schemas import DepartmentBase
from opening.tables import OpeningTable


class Department(DepartmentBase, OpeningTable, table=True):
    """The catalog's departments, as its events announced them: the owners of open-list entries,
    who decide on applications for them (Art. 22, 24). A read model, so opening keeps working while
    the catalog is down.
    """

    __tablename__ = "department"

    code: str = Field(primary_key=True, max_length=32)
