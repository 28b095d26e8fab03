"""Health, server info and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path


def test_health_is_200_when_the_database_answers(server):
    response = server.http.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _break_database(server, request) -> None:
    """The database goes away: PostgreSQL's is dropped; SQLite's file is replaced by garbage."""
    url = server.ctx.engine.url
    server.ctx.engine.dispose()
    if url.get_backend_name() == "postgresql":
        request.getfixturevalue("postgres").drop_database(url.database)
        return
    path = Path(url.database)
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 500)


def test_health_is_503_when_the_database_does_not_answer(server, request):
    _break_database(server, request)

    response = server.http.get("/health")

    assert response.status_code == 503
    assert response.json()["detail"]["code"] == "database_unavailable"


def test_info_and_openapi_need_no_auth(server):
    agent = server.user_client("agent")
    agent.create_incident()

    info = server.http.get("/sync/info").json()
    document = server.http.get("/openapi.json")

    assert info["protocol_version"] == 1
    assert info["server_id"] == str(server.ctx.server_id)
    assert info["cursor"] > 0
    assert document.status_code == 200
    paths = document.json()["paths"]
    expected = {"/health", "/sync/info", "/auth/login", "/auth/refresh", "/auth/logout", "/sync/push", "/sync/pull"}
    assert expected | {
        "/sync/bootstrap",
        "/sync/numbers",
        "/sync/conflicts",
        "/sync/conflicts/{conflict_id}/resolve",
    } <= set(paths)


def test_unknown_paths_answer_in_the_error_format(server):
    response = server.http.get("/nothing-here")

    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "not_found"
