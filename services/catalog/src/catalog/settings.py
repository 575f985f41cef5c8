from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_CATALOG_", extra="ignore")
    service_name = "catalog"
