"""The surveys plugin (being built)."""
