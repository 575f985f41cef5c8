"""Console pages that show what the services hold, read through their public APIs as the
signed-in staff user (issue #13: catalogue, share requests, grants)."""
