"""Local development stack."""
