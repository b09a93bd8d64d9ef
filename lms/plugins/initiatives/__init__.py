"""The initiatives plugin (being built)."""
