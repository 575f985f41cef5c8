"""Platform toolkit."""
