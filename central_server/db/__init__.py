"""Engine, sessions and migrations of the server database (SQLite file or PostgreSQL)."""
