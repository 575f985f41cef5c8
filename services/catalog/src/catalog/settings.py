from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_CATALOG_", extra="ignore")
    service_name = "catalog"

    #: Records in one aggregation batch; a larger batch is refused whole (413).
    records_batch_limit: int = 5000
    #: A full batch of wide records is larger than the kit's default body limit.
    max_body_bytes: int = 32 * 1024 * 1024
    #: Where the gateway serves the platform: the base of the DCAT-AP export's URIs.
    public_base_url: str = "http://127.0.0.1:8000"
