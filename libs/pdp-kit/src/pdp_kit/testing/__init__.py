"""Test support shared by every service: the pytest plugin and its helpers."""
