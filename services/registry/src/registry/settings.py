from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_REGISTRY_", extra="ignore")
    service_name = "registry"
