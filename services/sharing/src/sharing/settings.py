from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class SharingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_SHARING_", extra="ignore")
    service_name = "sharing"

    catalog_url: str = Field(
        default="http://127.0.0.1:8101",
        description="The catalog service's own URL (PDP_SHARING_CATALOG_URL, then PDP_CATALOG_URL)"
        " for its internal records endpoint; never the gateway, which closes /internal.",
    )
