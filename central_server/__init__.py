"""The central server: FastAPI app, its own models and migrations; shares only sync_protocol."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("helpdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
