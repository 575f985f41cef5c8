"""The declarative base of the sharing service's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class SharingTable(SQLModel, registry=registry()):
    pass
