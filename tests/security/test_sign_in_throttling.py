"""Failed sign-ins are throttled per email and per client address; successes cost nothing."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest

from tests.security.helpers import PASSWORD, another_app, security_events, sign_in

WRONG = "not the password!!"


def _fail(client, email, times, ip="127.0.0.1"):
    for attempt in range(times):
        response = sign_in(client, email, WRONG, ip=ip)
        assert response.status_code == 200, f"attempt {attempt + 1} was refused"
        assert "The email address or password is not right" in response.text


def test_five_failures_are_answered_and_the_sixth_attempt_gets_the_429_page(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    _fail(client, "pat@example.nhs.uk", 5)

    refused = sign_in(client, "pat@example.nhs.uk", PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert "Wait a minute, then try again" in refused.text
    assert "nhsuk-header" in refused.text and "Traceback" not in refused.text
    assert refused.headers["Retry-After"] == "60"
    assert client.get("/home").status_code == 302  # not signed in


def test_the_sign_in_page_itself_still_opens_during_a_lockout(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    _fail(client, "pat@example.nhs.uk", 5)
    assert client.get("/sign-in").status_code == 200


def test_successful_sign_ins_do_not_count(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    _fail(client, "pat@example.nhs.uk", 4)
    for _ in range(3):
        assert sign_in(client, "pat@example.nhs.uk").status_code == 302
        client.post("/sign-out")
    _fail(client, "pat@example.nhs.uk", 1)  # the fifth failure is still answered
    assert sign_in(client, "pat@example.nhs.uk", WRONG).status_code == 429


def test_another_email_from_another_address_is_not_affected(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    factory.user("practice-user", email="sam@example.nhs.uk", password=PASSWORD)
    _fail(client, "pat@example.nhs.uk", 5, ip="192.0.2.10")

    assert sign_in(client, "sam@example.nhs.uk", ip="192.0.2.20").status_code == 302


def test_the_email_limit_holds_whatever_address_the_attempts_come_from(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    for number in range(5):
        _fail(client, "pat@example.nhs.uk", 1, ip=f"192.0.2.{number + 1}")
    assert sign_in(client, "PAT@example.nhs.uk ", PASSWORD, ip="192.0.2.99").status_code == 429


def test_the_address_limit_holds_across_different_emails(client, factory):
    for number in range(5):
        _fail(client, f"guess{number}@example.nhs.uk", 1, ip="198.51.100.7")
    assert sign_in(client, "guess9@example.nhs.uk", WRONG, ip="198.51.100.7").status_code == 429
    # Someone at another address is unaffected.
    assert sign_in(client, "guess9@example.nhs.uk", WRONG, ip="198.51.100.8").status_code == 200


def test_a_form_without_an_email_is_not_counted_against_anyone(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    for _ in range(6):
        response = client.post("/sign-in", data={"email": "", "password": ""})
        assert response.status_code == 200
        assert "Enter your email address" in response.text
    assert sign_in(client, "pat@example.nhs.uk").status_code == 302


def test_a_lockout_is_logged_as_a_security_event(client, factory, caplog):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    _fail(client, "pat@example.nhs.uk", 5)
    with caplog.at_level(logging.INFO, logger="tracker.security"):
        sign_in(client, "pat@example.nhs.uk", WRONG)
    lockouts = [e for e in security_events(caplog) if e["event"] == "sign_in_throttled"]
    assert lockouts, security_events(caplog)
    assert {e["outcome"] for e in lockouts} == {"blocked"}
    assert {e["limit"] for e in lockouts} <= {"email", "address"}
    assert all(e["path"] == "/sign-in" and e["ip"] == "127.0.0.1" for e in lockouts)
    assert "pat@example.nhs.uk" not in caplog.text


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_with_redis_url_set_the_counts_live_in_redis(app, db_session, factory):
    """Several workers must count together: with REDIS_URL the limiter stores counts in Redis."""
    from limits.storage import RedisStorage

    from tracker.extensions import limiter

    # Fresh keys (Redis keeps counts between test runs); nothing else in Redis is touched.
    run = uuid.uuid4().hex[:8]
    email, first_ip, second_ip = f"redis-{run}@example.nhs.uk", f"2001:db8::{run[:4]}", f"2001:db8::1:{run[4:]}"
    factory.user("practice-user", email=email, password=PASSWORD)
    with another_app(app, REDIS_URL="redis://127.0.0.1:6379/0") as redis_app:
        assert isinstance(limiter.storage, RedisStorage)
        assert limiter.storage.check()
        first_worker, second_worker = redis_app.test_client(), redis_app.test_client()
        for _ in range(5):
            assert sign_in(first_worker, email, WRONG, ip=first_ip).status_code == 200
        assert sign_in(second_worker, email, PASSWORD, ip=second_ip).status_code == 429
    assert not isinstance(limiter.storage, RedisStorage)


def test_when_redis_cannot_be_reached_sign_in_still_works_and_is_still_throttled(app, db_session, factory):
    """A Redis outage must not stop people signing in: counting falls back to memory."""
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    nothing_listens = "redis://127.0.0.1:1/0"
    with another_app(app, REDIS_URL=nothing_listens) as broken_app:
        client = broken_app.test_client()
        assert sign_in(client, "pat@example.nhs.uk").status_code == 302
        client.post("/sign-out")
        for _ in range(5):
            assert sign_in(client, "pat@example.nhs.uk", WRONG).status_code == 200
        assert sign_in(client, "pat@example.nhs.uk", WRONG).status_code == 429
