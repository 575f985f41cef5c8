"""opening service."""
