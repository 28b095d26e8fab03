"""Offline-first desktop help desk for IT incident management."""

__version__ = "0.1.0"
