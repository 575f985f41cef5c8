"""The declarative base of the audit service's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class AuditTable(SQLModel, registry=registry()):
    pass
