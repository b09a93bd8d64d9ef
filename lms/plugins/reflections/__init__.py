"""The reflections plugin (being built)."""
