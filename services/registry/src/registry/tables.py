"""The declarative base of the registry service's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class RegistryTable(SQLModel, registry=registry()):
    pass
