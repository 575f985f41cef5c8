from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class OpeningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_OPENING_", extra="ignore")
    service_name = "opening"
