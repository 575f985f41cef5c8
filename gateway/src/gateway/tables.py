"""The declarative base of the gateway's own tables (its own metadata, its own database)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class GatewayTable(SQLModel, registry=registry()):
    pass
