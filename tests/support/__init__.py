"""Test support shared by every layer: deterministic time and ids, an in-memory keyring, builders."""
