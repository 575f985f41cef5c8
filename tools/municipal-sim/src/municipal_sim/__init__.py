"""Municipal platform simulator."""
