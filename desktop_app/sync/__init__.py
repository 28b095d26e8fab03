"""The sync engine: outbox push, cursor pull, bootstrap, number blocks, auth (PROTOCOL.md).

Qt-free. What the GUI and the CLI use:

- ``AppContext.sync`` (``engine.SyncEngine``): ``login``, ``logout``, ``sync_once(progress)``, ``status``,
  ``outbox``, ``errors``, ``resend``, ``discard``, ``conflicts``, ``resolve_conflict``, ``close``.
- ``dtos``: the frozen values those return (``SyncStatus``, ``SyncReport``, ``OutboxItem``, ``ConflictView``...).
- ``backoff.retry_delay(failures)``: the retry timer's policy.
- ``desktop_app.domain.sync_errors``: the typed failures (``ServerUnreachable``, ``AuthRequired``...).
"""
