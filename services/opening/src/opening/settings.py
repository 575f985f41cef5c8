from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class OpeningSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_OPENING_", extra="ignore")
    service_name = "opening"

    #: Where the gateway serves the platform: the base of the DCAT-AP export's URIs.
    public_base_url: str = "http://127.0.0.1:8000"
