"""Account operations. Each flushes and records an audit event; the caller commits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from tracker import audit
from tracker.accounts.models import PasswordLink, User
from tracker.accounts.passwords import hash_password, password_problem, verify_password
from tracker.accounts.permissions import Role
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.organisations.models import LMC, Practice
from tracker.security_log import Event, Outcome, email_ref, security_event

LINK_LIFETIME = timedelta(days=7)


class AccountError(ValueError):
    """A problem the user can fix; the message says how. ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    practice: Practice | None = None,
    lmc: LMC | None = None,
    actor: User | None = None,
    password: str | None = None,
) -> User:
    email = normalise_email(email)
    if "@" not in email or "." not in email.rsplit("@", 1)[-1] or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.nhs.uk", "email")
    if not full_name.strip():
        raise AccountError("Enter the person's full name", "full_name")
    if find_user_by_email(email) is not None:
        raise AccountError("A user with this email address already exists", "email")
    if role.belongs_to_practice and practice is None:
        raise AccountError("Choose the practice this user works for", "practice")
    if role is Role.LMC_OFFICER and lmc is None:
        raise AccountError("Choose the LMC this officer works for", "lmc")
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        practice=practice if role.belongs_to_practice else None,
        lmc=lmc if role is Role.LMC_OFFICER else None,
    )
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AccountError(problem, "password")
        user.password_hash = hash_password(password)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:  # the same email added at the same moment by another request
        raise AccountError("A user with this email address already exists", "email") from None
    audit.record("user.created", actor=actor, object_type="user", object_id=user.id, role=role.value)
    security_event(Event.USER_CREATED, Outcome.SUCCESS, user_id=user.id, actor_id=getattr(actor, "id", None), role=role.value)
    return user


def issue_password_link(user: User, actor: User | None = None) -> str:
    """Make a one-time link token for ``user`` and return it (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            user=user, token_hash=PasswordLink.hash_token(token), expires_at=utcnow() + LINK_LIFETIME
        )
    )
    db.session.flush()
    audit.record("user.password_link_issued", actor=actor, object_type="user", object_id=user.id)
    security_event(Event.PASSWORD_LINK_ISSUED, Outcome.SUCCESS, user_id=user.id, actor_id=getattr(actor, "id", None))
    return token


def valid_link(token: str) -> PasswordLink | None:
    link = db.session.scalar(
        select(PasswordLink).where(PasswordLink.token_hash == PasswordLink.hash_token(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow() or not link.user.active:
        return None
    return link


class LinkUsed(Exception):
    """The link was used (or replaced) since it was read: it sets no password."""


def set_password_with_link(link: PasswordLink, password: str) -> User:
    user = link.user
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, "password")
    # Used once only: claimed with a conditional update, since two requests may both have
    # read the link as unused (a double click, or the link opened twice).
    used_at = utcnow()
    claim = db.session.execute(
        update(PasswordLink).where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None)).values(used_at=used_at)
    )
    if claim.rowcount != 1:
        raise LinkUsed()
    set_committed_value(link, "used_at", used_at)  # what the update wrote, without writing it again
    user.password_hash = hash_password(password)
    user.end_all_sessions()
    security_event(Event.PASSWORD_LINK_USED, Outcome.SUCCESS, user_id=user.id)
    # Any other outstanding links for this user stop working too.
    for other in db.session.scalars(
        select(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    ):
        other.used_at = used_at
    audit.record("user.password_set", actor=user, object_type="user", object_id=user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user, if the email and password match an active account."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        reason = "unknown_account" if user is None else ("wrong_password" if not ok else "inactive")
        security_event(
            Event.SIGN_IN, Outcome.FAILURE, user_id=user.id if user else None, email_ref=email_ref(email), reason=reason
        )
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        security_event(Event.PASSWORD_CHANGED, Outcome.FAILURE, user_id=user.id, reason="wrong_password")
        raise AccountError("Your current password is not right. Check it and try again", "current_password")
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new)
    user.end_all_sessions()
    audit.record("user.password_changed", actor=user, object_type="user", object_id=user.id)
    security_event(Event.PASSWORD_CHANGED, Outcome.SUCCESS, user_id=user.id)


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        security_event(Event.USER_DEACTIVATED, Outcome.FAILURE, user_id=user.id, actor_id=actor.id, reason="self")
        raise AccountError("You cannot deactivate your own account")
    user.active = active
    if not active:
        user.end_all_sessions()
    audit.record(
        "user.activated" if active else "user.deactivated", actor=actor, object_type="user", object_id=user.id
    )
    security_event(
        Event.USER_REACTIVATED if active else Event.USER_DEACTIVATED, Outcome.SUCCESS, user_id=user.id, actor_id=actor.id
    )


def change_role(user: User, role: Role, practice: Practice | None, lmc: LMC | None, actor: User) -> None:
    previous_role = user.role
    if role.belongs_to_practice and practice is None:
        raise AccountError("Choose the practice this user works for", "practice")
    if role is Role.LMC_OFFICER and lmc is None:
        raise AccountError("Choose the LMC this officer works for", "lmc")
    user.role = role
    user.practice = practice if role.belongs_to_practice else None
    user.lmc = lmc if role is Role.LMC_OFFICER else None
    user.end_all_sessions()
    audit.record("user.role_changed", actor=actor, object_type="user", object_id=user.id, role=role.value)
    security_event(
        Event.ROLE_CHANGED, Outcome.SUCCESS, user_id=user.id, actor_id=actor.id,
        previous_role=previous_role.value, role=role.value,
        practice_id=user.practice.id if user.practice else None, lmc_id=user.lmc.id if user.lmc else None,
    )


def record_sign_in(user: User) -> None:
    user.last_signed_in_at = utcnow()
    audit.record("user.signed_in", actor=user, object_type="user", object_id=user.id)
    security_event(Event.SIGN_IN, Outcome.SUCCESS, user_id=user.id, two_factor=user.totp_enabled)


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def link_expiry_text() -> str:
    return f"{LINK_LIFETIME.days} days"


