"""Cookies and sessions: a fresh session at each sign-in, a host-only cookie in production,
and the client's real address behind the production proxy."""

from __future__ import annotations

import pytest

from tracker.config import ConfigurationError, load_config
from tests.security.helpers import PASSWORD, another_app, sign_in

PRODUCTION = {"TRACKER_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgres://u@db/tracker"}


def test_production_session_cookie_has_the_host_prefix(tmp_path):
    config = load_config(PRODUCTION, instance_path=tmp_path)
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_SECURE"] is True  # browsers refuse a __Host- cookie without it
    assert load_config({}, instance_path=tmp_path)["SESSION_COOKIE_NAME"] == "session"


def test_production_trusts_one_proxy_by_default_and_development_none(tmp_path):
    assert load_config(PRODUCTION, instance_path=tmp_path)["PROXY_COUNT"] == 1
    assert load_config(PRODUCTION | {"TRACKER_PROXY_COUNT": "2"}, instance_path=tmp_path)["PROXY_COUNT"] == 2
    assert load_config({}, instance_path=tmp_path)["PROXY_COUNT"] == 0


def test_a_proxy_count_that_is_not_a_number_is_refused_with_a_fix(tmp_path):
    with pytest.raises(ConfigurationError, match="give the number of proxies"):
        load_config({"TRACKER_PROXY_COUNT": "yes"}, instance_path=tmp_path)


def test_behind_a_proxy_the_limits_count_by_the_forwarded_client_address(app, db_session, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    with another_app(app, PROXY_COUNT=1) as proxied:
        client = proxied.test_client()

        def attempt(email, client_ip):
            return client.post(
                "/sign-in",
                data={"email": email, "password": "wrong password!"},
                headers={"X-Forwarded-For": client_ip},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},  # the proxy
            )

        for number in range(5):
            assert attempt(f"guess{number}@example.nhs.uk", "192.0.2.1").status_code == 200
        assert attempt("guess9@example.nhs.uk", "192.0.2.1").status_code == 429
        # Another person behind the same proxy is not locked out.
        assert attempt("guess9@example.nhs.uk", "192.0.2.2").status_code == 200


def test_signing_in_issues_a_new_session(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "pat@example.nhs.uk")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session and "signed_in_at" in session


def test_the_header_has_a_working_sign_out_button(client, login_as):
    login_as("practice-user")
    page = client.get("/home").text
    assert '<form class="nhsuk-header__account-form" action="/sign-out" method="post"' in page
    assert '<button class="nhsuk-header__account-button">Sign out</button>' in page
    assert "&lt;form" not in page
