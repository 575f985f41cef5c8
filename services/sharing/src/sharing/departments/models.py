from sqlmodel import Field

from sharing.departments.schemas import DepartmentBase
from sharing.tables import SharingTable


class Department(DepartmentBase, SharingTable, table=True):
    """The catalog's departments, as its events announced them: the requesters and providers of
    share requests (Art. 17, 18). A read model, so sharing keeps working while the catalog is down.
    """

    __tablename__ = "department"

    code: str = Field(primary_key=True, max_length=32)
