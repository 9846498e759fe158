"""Signing in and out, one-time password links, revocable sessions."""

import pytest
from sqlalchemy import select, text

from tracker.accounts import services
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent

PASSWORD = "correct horse battery"


def sign_in(client, email, password=PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_sign_in_with_right_password_reaches_home(client, factory):
    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    response = sign_in(client, "PAT@example.nhs.uk ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    page = client.get("/home")
    assert page.status_code == 200
    assert user.practice.name in page.text


def test_wrong_password_shows_error_summary_and_keeps_email(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    response = sign_in(client, "pat@example.nhs.uk", "wrong password!!")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The email address or password is not right" in response.text
    assert 'value="pat@example.nhs.uk"' in response.text
    assert client.get("/home").status_code == 302


def test_deactivated_user_cannot_sign_in(client, factory):
    factory.user("practice-user", email="gone@example.nhs.uk", password=PASSWORD, active=False)
    response = sign_in(client, "gone@example.nhs.uk")
    assert "The email address or password is not right" in response.text


def test_sign_in_is_audited(client, factory, db_session):
    user = factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk")
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)).all()
    assert [e.action for e in events] == ["user.signed_in"]


def test_next_parameter_never_leaves_the_site(client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    response = client.post("/sign-in?next=https://evil.example/", data={"email": "pat@example.nhs.uk", "password": PASSWORD})
    assert response.headers["Location"].endswith("/home")


def test_sign_out_ends_every_session_including_a_copied_cookie(app, client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    sign_in(client, "pat@example.nhs.uk")
    copied = client.get_cookie("session").value
    client.post("/sign-out")
    assert client.get("/home").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/home").status_code == 302


def test_password_change_ends_other_sessions(app, client, factory):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    other_device = app.test_client()
    sign_in(other_device, "pat@example.nhs.uk")
    assert other_device.get("/home").status_code == 200
    sign_in(client, "pat@example.nhs.uk")
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    )
    assert response.status_code == 302
    assert other_device.get("/home").status_code == 302
    assert sign_in(client, "pat@example.nhs.uk", "a brand new passphrase").status_code == 302


def test_deactivation_by_admin_ends_the_users_sessions(app, client, factory, login):
    factory.user("practice-user", email="pat@example.nhs.uk", password=PASSWORD)
    victim = app.test_client()
    sign_in(victim, "pat@example.nhs.uk")
    assert victim.get("/home").status_code == 200
    admin = login(factory.user("admin"))
    user = services.find_user_by_email("pat@example.nhs.uk")
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "no"})
    assert response.status_code == 302
    assert victim.get("/home").status_code == 302
    assert admin.active


def test_new_user_sets_password_through_one_time_link_then_signs_in(client, factory, db_session):
    practice = factory.practice()
    user = services.create_user(
        email="new@example.nhs.uk", full_name="New Person", role=services.Role.PRACTICE_USER, practice=practice
    )
    token = services.issue_password_link(user)
    form = client.get(f"/set-password/{token}")
    assert form.status_code == 200 and "new@example.nhs.uk" in form.text

    short = client.post(f"/set-password/{token}", data={"password": "short", "confirm": "short"})
    assert "Password must be 12 characters or more" in short.text

    mismatch = client.post(f"/set-password/{token}", data={"password": "a long passphrase", "confirm": "different one"})
    assert "The passwords do not match" in mismatch.text

    done = client.post(f"/set-password/{token}", data={"password": "a long passphrase", "confirm": "a long passphrase"})
    assert done.status_code == 302
    assert client.get(f"/set-password/{token}").status_code == 404  # used once only
    assert sign_in(client, "new@example.nhs.uk", "a long passphrase").status_code == 302


def test_a_link_used_by_another_request_meanwhile_sets_no_password(client, factory, db_session):
    # Two requests both read the link as unused (a double click): the second one to save loses.
    user = factory.user("practice-user", password=PASSWORD)
    token = services.issue_password_link(user)
    link = services.valid_link(token)
    db_session.execute(text("UPDATE password_link SET used_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": link.id})

    with pytest.raises(services.LinkUsed):
        services.set_password_with_link(link, "a different long passphrase")
    db_session.expire_all()
    assert services.authenticate(user.email, PASSWORD) is not None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_set")) is None


def test_an_email_added_by_another_request_meanwhile_is_a_message_not_an_error(factory, db_session, monkeypatch):
    factory.user("practice-user", email="taken@example.nhs.uk")
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)  # read before the other was saved

    with pytest.raises(services.AccountError, match="already exists"):
        services.create_user(email="taken@example.nhs.uk", full_name="Second Person", role=services.Role.PRACTICE_USER,
                             practice=factory.practice())


def test_password_link_token_is_stored_only_as_a_hash(factory, db_session):
    from tracker.accounts.models import PasswordLink

    user = factory.user("practice-user")
    token = services.issue_password_link(user)
    stored = db_session.scalars(select(PasswordLink.token_hash)).all()
    assert token not in stored
    assert PasswordLink.hash_token(token) in stored


def test_passwords_are_hashed_with_argon2id(factory, db_session):
    user = factory.user("practice-user", password=PASSWORD)
    stored = db_session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_session_expires_after_thirty_idle_minutes(client, factory, login):
    login(factory.user("practice-user"))
    assert client.get("/home").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    response = client.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_session_expires_after_twelve_hours_even_when_busy(client, factory, login):
    login(factory.user("practice-user"))
    with client.session_transaction() as session:
        session["signed_in_at"] -= 12 * 60 * 60 + 1
    assert client.get("/home").status_code == 302
