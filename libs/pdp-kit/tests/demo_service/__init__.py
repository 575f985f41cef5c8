"""A minimal service built on the kit alone, for the kit's own tests."""
