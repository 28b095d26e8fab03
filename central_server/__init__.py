"""The central server: FastAPI app, its own models and migrations; shares only sync_protocol."""
