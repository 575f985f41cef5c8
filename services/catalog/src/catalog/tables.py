"""The declarative base of the catalog service's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class CatalogTable(SQLModel, registry=registry()):
    pass
