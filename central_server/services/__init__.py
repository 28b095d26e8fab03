"""Use cases of the server; each write is one transaction that also records its changes for pull."""
