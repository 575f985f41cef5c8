from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class SharingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_SHARING_", extra="ignore")
    service_name = "sharing"
