"""Signed-in sessions: loading the user, revocation, idle and absolute expiry.

The session cookie carries ``"<user id>:<session version>"``. Bumping the user's
session version (sign-out, password change, deactivation) makes every copy of every
earlier cookie useless, on every device.
"""

from __future__ import annotations

import time

from flask import flash, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.extensions import db, login_manager

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60


# With the practice and LMC in the same query: nearly every page shows one of them. Built
# once: this runs on every signed-in request, and building the statement and its options
# each time cost a third of the lookup (measured, docs/performance.md).
_USER_BY_ID = (
    select(User)
    .where(User.id == bindparam("user_id"))
    .options(joinedload(User.practice), joinedload(User.lmc))
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """A fresh session at sign-in (nothing carried over from before, against fixation)."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = True


# Between the password and the second factor the session holds only this, never the
# signed-in user: nothing but the code and set-up pages will open until it is finished.
PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = {
    "code": 5 * 60,  # to type a 6-digit code
    "setup": 15 * 60,  # to install an authenticator app, scan and confirm
}


def begin_pending_sign_in(user: User, purpose: str, next_url: str) -> None:
    """The password was right; remember who, for what next step, and since when."""
    session.clear()  # a fresh session here too, against fixation
    session[PENDING_KEY] = {
        "user_id": user.id,
        "version": user.session_version,
        "purpose": purpose,
        "at": int(time.time()),
        "next": next_url,
    }


def pending_sign_in(purpose: str) -> tuple[User, str] | None:
    """The user half-way through signing in for ``purpose`` and where they were going, or None.

    None when there is no such sign-in, it has run out of time, or the account changed
    since (deactivated, password changed, signed out everywhere).
    """
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("purpose") != purpose:
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS[purpose]:
        clear_pending_sign_in()
        return None
    user = db.session.get(User, int(pending.get("user_id", 0)))
    if user is None or not user.active or user.session_version != pending.get("version"):
        clear_pending_sign_in()
        return None
    return user, str(pending.get("next") or "")


def clear_pending_sign_in() -> None:
    session.pop(PENDING_KEY, None)


def pending_user_id() -> int | None:
    """The id of the user half-way through signing in, for throttling their attempts."""
    pending = session.get(PENDING_KEY)
    return pending.get("user_id") if isinstance(pending, dict) else None


def end_session(user: User | None) -> None:
    if user is not None and user.is_authenticated:
        user.end_all_sessions()
    logout_user()
    session.clear()


def enforce_expiry() -> None:
    """Before each request: end a session idle for 30 minutes or older than 12 hours."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    signed_in = session.get("signed_in_at", 0)
    seen = session.get("seen_at", 0)
    if now - seen > IDLE_SECONDS or now - signed_in > ABSOLUTE_SECONDS:
        logout_user()
        session.clear()
        flash("You were signed out because you had not used the service for 30 minutes. Sign in again.", "info")
        return
    # Refresh at most once a minute so most responses do not rewrite the cookie.
    if now - seen >= 60:
        session["seen_at"] = now
