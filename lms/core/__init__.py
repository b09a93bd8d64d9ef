"""Core: accounts, cohorts, schedule, curriculum and permissions."""
