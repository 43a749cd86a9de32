"""Store tests, run against SQLite and PostgreSQL."""
