"""Two-factor sign-in: the code step, setting it up, recovery codes, and who must use it."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from tracker.accounts import two_factor
from tracker.accounts.models import RecoveryCode
from tracker.accounts.sessions import PENDING_KEY
from tests.security.helpers import PASSWORD, enter_code, sign_in

STEP = 60_000_000  # a fixed 30-second step, so that no test depends on the clock


@pytest.fixture
def fixed_clock(monkeypatch):
    """Freeze the TOTP step at STEP; ``fixed_clock.step = ...`` moves it."""

    class Clock:
        step = STEP

    clock = Clock()
    monkeypatch.setattr(two_factor, "_current_step", lambda: clock.step)
    return clock


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * two_factor.STEP_SECONDS)


@pytest.fixture
def with_two_factor(factory, db_session, fixed_clock):
    """``with_two_factor(role, email)``: a user with an app set up; returns (user, secret, recovery codes)."""

    def make(role="practice-user", email="pat@example.nhs.uk"):
        user = factory.user(role, email=email, password=PASSWORD)
        secret = two_factor.new_secret()
        codes = two_factor.enable(user, secret, code_at(secret, STEP))
        user.totp_last_step = STEP - 5  # as if set up a few minutes ago
        db_session.flush()
        return user, secret, codes

    return make


# Users who have not turned it on ---------------------------------------------------------------


def test_practice_user_without_two_factor_signs_in_with_the_password_alone(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    response = sign_in(client, "pat@example.nhs.uk")
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200


# The code step ---------------------------------------------------------------------------------


def test_with_two_factor_on_the_password_alone_does_not_sign_in(client, with_two_factor):
    with_two_factor()
    response = sign_in(client, "pat@example.nhs.uk")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/home").status_code == 302  # still signed out
    page = client.get("/sign-in/code")
    assert page.status_code == 200
    assert "Enter the 6-digit code from your authenticator app" in page.text
    assert 'autocomplete="one-time-code"' in page.text


def test_the_right_code_completes_sign_in_and_goes_where_the_user_was_going(client, with_two_factor, fixed_clock):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk", next_url="/account")
    response = enter_code(client, code_at(secret, STEP))
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert client.get("/home").status_code == 200
    with client.session_transaction() as session:
        assert PENDING_KEY not in session


def test_a_wrong_code_says_how_to_fix_it_and_keeps_the_user_signed_out(client, with_two_factor):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    wrong = "000000" if code_at(secret, STEP) != "000000" else "111111"
    response = enter_code(client, wrong)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The code is not right" in response.text
    assert client.get("/home").status_code == 302


def test_an_empty_code_asks_for_one(client, with_two_factor):
    with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    response = enter_code(client, "")
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in response.text


def test_the_code_of_the_previous_step_is_accepted(client, with_two_factor):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code_at(secret, STEP - 1)).status_code == 302


def test_a_code_two_steps_old_is_refused(client, with_two_factor):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code_at(secret, STEP - 2)).status_code == 200


def test_the_same_code_cannot_be_used_twice(client, with_two_factor):
    _, secret, _ = with_two_factor()
    code = code_at(secret, STEP)
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code).status_code == 302
    client.post("/sign-out")
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code).status_code == 200
    # An earlier step's code is no good after a later one was used either.
    assert enter_code(client, code_at(secret, STEP - 1)).status_code == 200


def test_a_new_step_gives_a_new_code_that_works(client, with_two_factor, fixed_clock):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code_at(secret, STEP)).status_code == 302
    client.post("/sign-out")
    fixed_clock.step = STEP + 1
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, code_at(secret, STEP + 1)).status_code == 302


def test_the_code_step_runs_out_after_five_minutes(client, with_two_factor):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    with client.session_transaction() as session:
        pending = dict(session[PENDING_KEY])
        pending["at"] -= 5 * 60 + 1
        session[PENDING_KEY] = pending
    response = enter_code(client, code_at(secret, STEP))
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert client.get("/home").status_code == 302


def test_the_code_page_without_a_password_first_sends_you_to_sign_in(client):
    response = client.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_a_password_change_elsewhere_cancels_a_half_finished_sign_in(client, with_two_factor, db_session):
    user, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    user.end_all_sessions()
    db_session.flush()
    assert enter_code(client, code_at(secret, STEP)).headers["Location"].endswith("/sign-in")


def test_wrong_codes_are_throttled_after_five(client, with_two_factor):
    _, secret, _ = with_two_factor()
    sign_in(client, "pat@example.nhs.uk")
    wrong = "000000" if code_at(secret, STEP) != "000000" else "111111"
    for _ in range(5):
        assert enter_code(client, wrong).status_code == 200
    assert enter_code(client, code_at(secret, STEP)).status_code == 429


# Recovery codes ----------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_only(client, with_two_factor):
    _, _, codes = with_two_factor()
    assert len(codes) == 10 and len(set(codes)) == 10
    sign_in(client, "pat@example.nhs.uk")
    response = enter_code(client, codes[3].upper().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert "You have 9 left" in client.get("/home").text
    client.post("/sign-out")
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, codes[3]).status_code == 200


def test_recovery_codes_are_stored_only_as_salted_hashes(with_two_factor, db_session):
    user, _, codes = with_two_factor()
    stored = db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    for code in codes:
        assert all(code not in value and code.replace("-", "") not in value for value in stored)
    assert all(value.startswith("sha256$") for value in stored)
    assert len({value.split("$")[1] for value in stored}) == 10  # a salt for each


# Roles that must use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_roles_that_need_it_must_set_it_up_before_reaching_any_page(client, factory, role, db_session):
    user = factory.user(role, email="officer@example.nhs.uk", password=PASSWORD)
    response = sign_in(client, "officer@example.nhs.uk")
    assert response.headers["Location"].endswith("/sign-in/set-up-two-factor")
    for path in ("/home", "/account", "/admin/users"):
        assert client.get(path).status_code == 302, path  # not signed in yet

    page = client.get("/sign-in/set-up-two-factor")
    assert page.status_code == 200
    assert "<svg" in page.text and "QR code to scan with your authenticator app" in page.text
    with client.session_transaction() as session:
        secret = session["totp_candidate"]["secret"]
    assert two_factor.grouped(secret) in page.text
    assert page.text.count(secret[:4] + " ") >= 1

    wrong = client.post("/sign-in/set-up-two-factor", data={"code": "12345"})
    assert "The code is not right" in wrong.text
    assert client.get("/home").status_code == 302

    done = client.post("/sign-in/set-up-two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert "Save your recovery codes" in done.text
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    assert len(codes) == 10
    assert client.get("/home").status_code == 200
    db_session.refresh(user)
    assert user.totp_enabled and user.totp_secret == secret


def test_the_setup_page_keeps_the_same_key_when_reloaded(client, factory):
    factory.user("admin", email="boss@example.nhs.uk", password=PASSWORD)
    sign_in(client, "boss@example.nhs.uk")
    first = client.get("/sign-in/set-up-two-factor").text
    second = client.get("/sign-in/set-up-two-factor").text
    key = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', first).group(1)
    assert key in second


def test_the_setup_page_draws_the_qr_code_itself_with_nothing_inline_or_remote(client, factory):
    factory.user("admin", email="boss@example.nhs.uk", password=PASSWORD)
    sign_in(client, "boss@example.nhs.uk")
    page = client.get("/sign-in/set-up-two-factor").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style=" not in svg and "<script" not in svg and "href" not in svg
    assert "style=" not in page and 'src="http' not in page and "otpauth" not in page


def test_an_lmc_officer_who_has_set_it_up_enters_a_code(client, with_two_factor):
    _, secret, _ = with_two_factor("lmc-officer", "officer@example.nhs.uk")
    assert sign_in(client, "officer@example.nhs.uk").headers["Location"].endswith("/sign-in/code")
    assert enter_code(client, code_at(secret, STEP)).status_code == 302


def test_demo_sign_ins_skip_the_setup_outside_production(app, client, factory):
    factory.user("admin", email="admin@example.nhs.uk", password=PASSWORD)
    assert sign_in(client, "admin@example.nhs.uk").headers["Location"].endswith("/home")
    client.post("/sign-out")
    app.config["PRODUCTION"] = True
    try:
        response = sign_in(client, "admin@example.nhs.uk")
    finally:
        app.config["PRODUCTION"] = False
    assert response.headers["Location"].endswith("/sign-in/set-up-two-factor")


# The account page ------------------------------------------------------------------------------------


def test_a_practice_user_can_turn_it_on_from_the_account_page_and_off_again(client, factory, login, db_session):
    user = login(factory.user("practice-user", password=PASSWORD))
    assert "Set up" in client.get("/account").text
    assert "Off" in client.get("/account/two-factor").text
    page = client.get("/account/two-factor/set-up")
    assert page.status_code == 200 and "<svg" in page.text
    with client.session_transaction() as session:
        secret = session["totp_candidate"]["secret"]
    done = client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert "Save your recovery codes" in done.text
    db_session.refresh(user)
    assert user.totp_enabled

    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    wrong = client.post("/account/two-factor/turn-off", data={"off-code": "aaaaa-aaaaa"})
    assert "The code is not right" in wrong.text
    off = client.post("/account/two-factor/turn-off", data={"off-code": codes[0]})
    assert off.status_code == 302
    db_session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None
    assert db_session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []


@pytest.mark.parametrize("role", ["lmc-officer", "admin"])
def test_roles_that_need_it_cannot_turn_it_off(client, with_two_factor, login, role, db_session):
    user, _, codes = with_two_factor(role, "officer@example.nhs.uk")
    login(user)
    page = client.get("/account/two-factor").text
    assert "cannot be turned off" in page and "Turn off" not in page
    client.post("/account/two-factor/turn-off", data={"off-code": codes[0]})
    db_session.refresh(user)
    assert user.totp_enabled


def test_new_recovery_codes_replace_the_old_ones(client, with_two_factor, login):
    user, _, old_codes = with_two_factor()
    login(user)
    response = client.post("/account/two-factor/recovery-codes", data={"codes-code": old_codes[0]})
    assert response.status_code == 200 and "These new codes replace your old ones" in response.text
    new_codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post("/sign-out")
    sign_in(client, "pat@example.nhs.uk")
    assert enter_code(client, old_codes[1]).status_code == 200
    assert enter_code(client, new_codes[1]).status_code == 302


def test_new_recovery_codes_need_a_code(client, with_two_factor, login):
    user, _, _ = with_two_factor()
    login(user)
    response = client.post("/account/two-factor/recovery-codes", data={"codes-code": ""})
    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in response.text


def test_replacing_the_app_needs_a_code_from_the_old_one(client, with_two_factor, login, db_session, fixed_clock):
    user, old_secret, _ = with_two_factor()
    login(user)
    client.get("/account/two-factor/set-up")
    with client.session_transaction() as session:
        new_secret = session["totp_candidate"]["secret"]
    refused = client.post("/account/two-factor/set-up", data={"code": code_at(new_secret, STEP)})
    assert "Enter a code from the app you use now" in refused.text
    done = client.post(
        "/account/two-factor/set-up",
        data={"code": code_at(new_secret, STEP), "current_code": code_at(old_secret, STEP)},
    )
    assert "Save your recovery codes" in done.text
    db_session.refresh(user)
    assert user.totp_secret == new_secret


# Administrators ------------------------------------------------------------------------------------


def test_an_administrator_can_reset_someones_two_factor(app, client, with_two_factor, factory, login, db_session):
    user, secret, _ = with_two_factor("lmc-officer", "officer@example.nhs.uk")
    their_device = app.test_client()
    sign_in(their_device, "officer@example.nhs.uk")
    enter_code(their_device, code_at(secret, STEP))
    assert their_device.get("/home").status_code == 200

    login(factory.user("admin"))
    response = client.post(f"/admin/users/{user.id}/two-factor/reset")
    assert response.status_code == 302
    db_session.refresh(user)
    assert not user.totp_enabled
    assert their_device.get("/home").status_code == 302  # signed out everywhere
    assert sign_in(their_device, "officer@example.nhs.uk").headers["Location"].endswith("/sign-in/set-up-two-factor")


@pytest.mark.parametrize("role", ["practice-user", "practice-lead", "lmc-officer"])
def test_only_administrators_can_reset_two_factor(client, with_two_factor, login_as, role, db_session):
    user, _, _ = with_two_factor()
    login_as(role)
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 403
    db_session.refresh(user)
    assert user.totp_enabled
