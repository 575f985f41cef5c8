"""The 时限看板's event handlers, a module per producing service."""
