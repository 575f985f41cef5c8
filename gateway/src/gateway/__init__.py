"""OAuth gateway."""
