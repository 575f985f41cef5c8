"""The demo service has no tables of its own: only the kit's branch."""

from sqlalchemy import MetaData

from pdp_kit.migrations import run_env

run_env(MetaData())
