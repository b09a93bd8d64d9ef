"""The calendar plugin (being built)."""
