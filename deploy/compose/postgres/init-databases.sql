-- Runs once, on the first start of an empty data volume (docker-entrypoint-initdb.d).
-- Each service owns its database (ARCHITECTURE.md); the gateway keeps its clients and network log
-- in its own. Migrations (Alembic) create the tables; this only creates the databases.
CREATE DATABASE pdp_catalog OWNER pdp;
CREATE DATABASE pdp_sharing OWNER pdp;
CREATE DATABASE pdp_opening OWNER pdp;
CREATE DATABASE pdp_registry OWNER pdp;
CREATE DATABASE pdp_audit OWNER pdp;
CREATE DATABASE pdp_gateway OWNER pdp;
