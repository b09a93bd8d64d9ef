"""The reminders plugin (being built)."""
