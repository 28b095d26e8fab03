"""The sync engine: outbox push, cursor pull, bootstrap, number blocks, auth (PROTOCOL.md)."""
