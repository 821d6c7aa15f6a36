"""The studio's routes, one module per area; each exposes ``router``."""
