"""Login, refresh rotation with a grace window, reuse detection, logout, rate limit, disabled users, expiry."""

from __future__ import annotations

import uuid

from central_server.services import users
from tests.server.harness import PASSWORD


def _refresh(server, token):
    return server.http.post("/auth/refresh", json={"refresh_token": token})


def _info_as(server, access_token):
    return server.http.get("/sync/conflicts", headers={"Authorization": f"Bearer {access_token}"})


def test_login_returns_a_token_pair_and_the_user(server):
    server.add_user("Terry", "technician", groups=["Field"])

    response = server.login_response("terry")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["user"]["username"] == "terry"
    assert body["user"]["role"] == "technician"
    assert len(body["user"]["group_ids"]) == 1
    assert _info_as(server, body["access_token"]).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_401(server):
    server.add_user("terry")

    wrong = server.login_response("terry", password="not the password")
    unknown = server.login_response("nobody")

    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"detail": {"code": "invalid_credentials", "message": "Wrong username or password."}}
    )


def test_five_failures_in_a_minute_lock_the_username_then_the_window_passes(server):
    server.add_user("terry")
    server.add_user("other")
    for _ in range(5):
        assert server.login_response("terry", password="guess").status_code == 401

    locked = server.login_response("terry")  # even the right password
    other = server.login_response("other")
    server.clock.advance(seconds=61)
    after_window = server.login_response("terry")

    assert locked.status_code == 429
    assert locked.json()["detail"]["code"] == "rate_limited"
    assert locked.headers["Retry-After"] == "60"
    assert other.status_code == 200
    assert after_window.status_code == 200


def test_disabled_user_cannot_log_in_and_their_tokens_stop_working(server):
    server.add_user("terry")
    client = server.login("terry")

    users.disable_user(server.ctx, "terry")

    login = server.login_response("terry")
    assert login.status_code == 401
    assert login.json()["detail"]["code"] == "user_disabled"
    assert _info_as(server, client.tokens["access_token"]).json()["detail"]["code"] == "invalid_token"
    assert _refresh(server, client.tokens["refresh_token"]).status_code == 401


def test_refresh_rotates_and_the_new_pair_works(server):
    server.add_user("terry")
    first = server.login("terry").tokens

    rotated = _refresh(server, first["refresh_token"])
    again = _refresh(server, rotated.json()["refresh_token"])

    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != first["refresh_token"]
    assert _info_as(server, rotated.json()["access_token"]).status_code == 200
    assert again.status_code == 200


def test_a_rotated_token_within_the_grace_window_gives_a_fresh_pair_again(server):
    server.add_user("terry")
    first = server.login("terry").tokens
    lost = _refresh(server, first["refresh_token"])  # the answer that never reached the client

    server.clock.advance(seconds=30)
    retry = _refresh(server, first["refresh_token"])

    assert lost.status_code == retry.status_code == 200
    assert retry.json()["refresh_token"] != lost.json()["refresh_token"]
    assert _refresh(server, retry.json()["refresh_token"]).status_code == 200


def test_reuse_after_the_grace_window_revokes_the_whole_family(server):
    server.add_user("terry")
    first = server.login("terry").tokens
    current = _refresh(server, first["refresh_token"]).json()
    other_login = server.login("terry").tokens  # another family: untouched

    server.clock.advance(seconds=61)
    stolen = _refresh(server, first["refresh_token"])

    assert stolen.status_code == 401
    assert stolen.json()["detail"]["code"] == "invalid_token"
    assert _refresh(server, current["refresh_token"]).status_code == 401
    assert _refresh(server, other_login["refresh_token"]).status_code == 200


def test_logout_revokes_the_family(server):
    server.add_user("terry")
    tokens = server.login("terry").tokens
    rotated = _refresh(server, tokens["refresh_token"]).json()

    response = server.http.post("/auth/logout", json={"refresh_token": rotated["refresh_token"]})

    assert response.status_code == 204
    assert _refresh(server, rotated["refresh_token"]).status_code == 401
    assert _refresh(server, tokens["refresh_token"]).status_code == 401


def test_logout_ends_the_sessions_access_tokens_at_once_and_only_that_sessions(server):
    server.add_user("terry")
    tokens = server.login("terry").tokens
    rotated = _refresh(server, tokens["refresh_token"]).json()
    other = server.login("terry").tokens

    server.http.post("/auth/logout", json={"refresh_token": rotated["refresh_token"]})
    ended = [_info_as(server, tokens["access_token"]), _info_as(server, rotated["access_token"])]

    assert [response.status_code for response in ended] == [401, 401]
    assert {response.json()["detail"]["code"] for response in ended} == {"invalid_token"}
    assert "session has ended" in ended[0].json()["detail"]["message"]
    assert _info_as(server, other["access_token"]).status_code == 200


def test_reuse_detection_also_ends_the_familys_access_tokens(server):
    server.add_user("terry")
    first = server.login("terry").tokens
    current = _refresh(server, first["refresh_token"]).json()
    server.clock.advance(seconds=61)

    _refresh(server, first["refresh_token"])  # a stolen, already rotated token: the family is revoked

    assert _info_as(server, current["access_token"]).status_code == 401


def test_expired_access_token_is_401_token_expired_and_refresh_recovers(server):
    server.add_user("terry")
    tokens = server.login("terry").tokens

    server.clock.advance(minutes=15, seconds=1)
    expired = _info_as(server, tokens["access_token"])
    fresh = _refresh(server, tokens["refresh_token"]).json()

    assert expired.status_code == 401
    assert expired.json()["detail"]["code"] == "token_expired"
    assert expired.headers["WWW-Authenticate"] == "Bearer"
    assert _info_as(server, fresh["access_token"]).status_code == 200


def test_missing_or_forged_tokens_are_401_invalid_token(server):
    server.add_user("terry")
    tokens = server.login("terry").tokens
    forged = tokens["access_token"][:-4] + ("AAAA" if not tokens["access_token"].endswith("AAAA") else "BBBB")

    missing = server.http.get("/sync/conflicts")
    bad = _info_as(server, forged)
    unknown_refresh = _refresh(server, "x" * 43)

    for response in (missing, bad, unknown_refresh):
        assert response.status_code == 401
        assert response.json()["detail"]["code"] == "invalid_token"


def test_a_new_password_ends_old_sessions(server):
    server.add_user("terry")
    tokens = server.login("terry").tokens

    users.set_password(server.ctx, "terry", "another password")

    assert _refresh(server, tokens["refresh_token"]).status_code == 401
    assert server.login_response("terry", password=PASSWORD).status_code == 401
    assert server.login_response("terry", password="another password").status_code == 200


def test_login_binds_the_client_to_the_user(server):
    server.add_user("terry")
    server.add_user("sam")
    client_id = uuid.uuid4()
    terry = server.login("terry", client_id=client_id)
    sam = server.login("sam")

    sam.client_id = client_id  # pushing on terry's client installation
    refused = sam.push_raw([sam.mutation("create_reporter", uuid.uuid4(), {"name": "Ann"})])

    assert refused.status_code == 403
    assert refused.json()["detail"]["code"] == "permission_denied"
    assert terry.push(terry.mutation("create_reporter", uuid.uuid4(), {"name": "Ann"}))[0]["outcome"] == "applied"
