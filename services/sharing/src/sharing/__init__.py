"""sharing service."""
