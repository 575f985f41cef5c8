"""The declarative base of the opening service's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class OpeningTable(SQLModel, registry=registry()):
    pass
