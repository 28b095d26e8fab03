"""Engine, sessions and migrations of the local SQLite database."""
