"""The campaign file: schema, safe loading with line and column, links, health report."""
