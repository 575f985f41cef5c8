"""The declarative base of the registry service's own tables (own metadata, own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class RegistryTable(SQLModel, registry=registry()):
    pass
