"""Wire schemas shared by the desktop client and the central server; no Qt, no ORM.

See ``sync_protocol/PROTOCOL.md`` for the semantics every endpoint and both sides follow.
"""

PROTOCOL_VERSION = 1
