"""Security events: one JSON line each, coded values only, nothing secret, no way to forge a line."""

from __future__ import annotations

import json
import logging

import pytest

from tracker.security_log import Event, Outcome, email_ref, security_event
from tests.security.helpers import PASSWORD, security_events, sign_in


@pytest.fixture
def events(caplog):
    """The security events logged during the test, parsed."""
    caplog.set_level(logging.INFO, logger="tracker.security")
    return lambda: security_events(caplog)


def _only(events, name):
    found = [e for e in events if e["event"] == name]
    assert found, f"no {name} event in {events}"
    return found


def test_a_failed_sign_in_is_logged_without_the_password_or_the_email(client, factory, events, caplog):
    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk", "my secret guess 123")
    [event] = _only(events(), "sign_in")
    assert event == {
        "event": "sign_in", "outcome": "failure", "user_id": user.id, "reason": "wrong_password",
        "email_ref": email_ref("pat@example.nhs.uk"), "ip": "127.0.0.1", "method": "POST", "path": "/sign-in",
    }
    assert "my secret guess 123" not in caplog.text
    assert "pat@example.nhs.uk" not in caplog.text


def test_a_sign_in_for_an_unknown_email_is_traceable_by_its_reference_only(client, events, caplog):
    sign_in(client, "nobody@example.nhs.uk", "whatever password")
    [event] = _only(events(), "sign_in")
    assert event["user_id"] is None and event["reason"] == "unknown_account"
    assert event["email_ref"] == email_ref(" NOBODY@example.nhs.uk")  # same address, same reference
    assert len(event["email_ref"]) == 16 and "nobody" not in caplog.text


def test_the_email_reference_is_keyed_so_a_plain_hash_does_not_match(app):
    import hashlib

    with app.app_context():
        ref = email_ref("pat@example.nhs.uk")
    assert ref not in hashlib.sha256(b"pat@example.nhs.uk").hexdigest()


def test_a_successful_sign_in_and_sign_out_are_logged(client, factory, events):
    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk")
    client.post("/sign-out")
    logged = events()
    assert _only(logged, "sign_in")[-1] | {} == {
        "event": "sign_in", "outcome": "success", "user_id": user.id, "two_factor": False,
        "ip": "127.0.0.1", "method": "POST", "path": "/sign-in",
    }
    assert _only(logged, "sign_out")[0]["user_id"] == user.id


def test_two_factor_failures_and_successes_are_logged(client, factory, events, db_session):
    import pyotp

    from tracker.accounts import two_factor

    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    secret = two_factor.new_secret()
    two_factor.enable(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = None
    db_session.flush()
    sign_in(client, "pat@example.nhs.uk")
    client.post("/sign-in/code", data={"code": "abcde-fghjk"})
    client.post("/sign-in/code", data={"code": pyotp.TOTP(secret).now()})
    logged = events()
    outcomes = [(e["event"], e["outcome"]) for e in logged if e["event"] in ("sign_in", "two_factor")]
    assert outcomes == [
        ("sign_in", "second_factor_needed"),
        ("two_factor", "failure"),
        ("two_factor", "success"),
        ("sign_in", "success"),
    ]
    assert all(e["user_id"] == user.id for e in logged if e["event"] == "two_factor")
    assert _only(logged, "two_factor_enabled")[0]["outcome"] == "success"
    assert _only(logged, "recovery_codes_issued")[0]["user_id"] == user.id


def test_a_403_is_logged_with_who_and_where(client, login_as, events):
    user = login_as("practice-user")
    assert client.get("/admin/users").status_code == 403
    [event] = _only(events(), "access_denied")
    assert event["user_id"] == user.id and event["outcome"] == "blocked"
    assert event["path"] == "/admin/users" and event["endpoint"] == "admin.users"


def test_role_changes_and_deactivation_by_an_administrator_are_logged(client, factory, login, events):
    target = factory.user("practice-user")
    admin = login(factory.user("admin"))
    lmc = factory.lmc()
    client.post(
        f"/admin/users/{target.id}",
        data={"full_name": "Pat", "email": target.email, "role": "lmc-officer", "lmc_id": str(lmc.id)},
    )
    client.post(f"/admin/users/{target.id}/active", data={"active": "no"})
    client.post(f"/admin/users/{admin.id}/active", data={"active": "no"})  # refused: their own account
    logged = events()
    [role_change] = _only(logged, "role_changed")
    assert role_change["user_id"] == target.id and role_change["actor_id"] == admin.id
    assert role_change["previous_role"] == "practice-user" and role_change["role"] == "lmc-officer"
    assert role_change["lmc_id"] == lmc.id
    deactivations = _only(logged, "user_deactivated")
    assert [(e["user_id"], e["outcome"]) for e in deactivations] == [(target.id, "success"), (admin.id, "failure")]


def test_password_changes_and_password_links_are_logged(client, factory, events, caplog):
    from tracker.accounts import services

    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk")
    client.post("/account/password", data={"current_password": "wrong one!!!!", "new_password": "a brand new passphrase"})
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase"})
    token = services.issue_password_link(user)
    client.post(f"/set-password/{token}", data={"password": "another long passphrase", "confirm": "another long passphrase"})
    logged = events()
    assert [e["outcome"] for e in _only(logged, "password_changed")] == ["failure", "success"]
    assert _only(logged, "password_link_issued")[0]["user_id"] == user.id
    used = _only(logged, "password_link_used")[0]
    assert used["user_id"] == user.id and used["path"] == "/set-password/[redacted]"
    assert token not in caplog.text
    assert "passphrase" not in caplog.text


def test_every_line_is_a_single_json_object_with_the_core_fields(client, factory, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk", "wrong password!")
    sign_in(client, "pat@example.nhs.uk")
    records = [r for r in caplog.records if r.name == "tracker.security"]
    assert records
    for record in records:
        line = record.getMessage()
        assert "\n" not in line and "\r" not in line
        event = json.loads(line)
        assert {"event", "outcome", "user_id", "ip", "path"} <= set(event)
        assert record.levelno == (logging.INFO if event["outcome"] == "success" else logging.WARNING)


def test_cr_lf_and_other_control_characters_are_escaped_in_every_value(app, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")
    forged = "x\r\n{\"event\": \"sign_in\", \"outcome\": \"success\"}\x1b[31m\u2028\x85end"
    with app.test_request_context("/sign-in" + "%0d%0aInjected: yes", method="POST",
                                  environ_base={"REMOTE_ADDR": "10.0.0.1\r\nevil"}):
        written = security_event(Event.SIGN_IN, Outcome.FAILURE, reason=forged)
    [record] = [r for r in caplog.records if r.name == "tracker.security"]
    line = record.getMessage()
    assert line.count("\n") == 0 and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert line.isascii() and line.isprintable()
    for value in written.values():
        if isinstance(value, str):
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in value)
    parsed = json.loads(line)
    assert parsed["path"] == "/sign-in\\u000d\\u000aInjected: yes"
    assert parsed["ip"] == "10.0.0.1\\u000d\\u000aevil"
    assert parsed["reason"].startswith("x\\u000d\\u000a{")
    assert parsed["outcome"] == "failure"  # the forged outcome stayed inside the value


def test_long_values_are_cut_short(app, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")
    with app.test_request_context("/" + "a" * 5000):
        written = security_event(Event.ACCESS_DENIED, Outcome.BLOCKED)
    assert len(written["path"]) == 200


def test_events_outside_a_request_are_logged_without_address_or_path(app, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")
    with app.app_context():
        written = security_event(Event.USER_CREATED, Outcome.SUCCESS, user_id=7, role="admin")
    assert written == {"event": "user_created", "outcome": "success", "user_id": 7, "role": "admin"}
