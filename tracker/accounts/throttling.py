"""Throttling of password and code guessing, with Flask-Limiter.

Only failures count. Each limit is declared with ``deduct_when``: Flask-Limiter then checks
the limit before the view runs (refusing with 429 once it is used up) but counts a hit
only after the response, when ``deduct_when`` says so. The view says so by calling
``count_failure()``. So five failed sign-ins for one email (or from one address) in a
minute are allowed, and the sixth attempt is refused, right password or not, until the
oldest failure is a minute old. A successful sign-in costs nothing.

Keys: the email is hashed (it never goes into Redis in plain text, and its length is
bounded); the client address is ``request.remote_addr``. Behind a proxy set
TRACKER_PROXY_COUNT so that this is the client's address, not the proxy's.
"""

from __future__ import annotations

import hashlib

from flask import request
from flask_limiter import RequestLimit
from flask_login import current_user

from tracker.accounts.sessions import pending_user_id
from tracker.extensions import limiter
from tracker.security_log import Event, Outcome, email_ref, security_event

FAILURES_PER_MINUTE = "5 per minute"


_FAILED = "tracker.throttle_failure"


def count_failure() -> None:
    """Count this request against the limits of the view (the password or code was wrong)."""
    # Kept on the request itself: ``g`` can outlive one request (tests, the CLI).
    request.environ[_FAILED] = True


def _failed(_response) -> bool:
    return bool(request.environ.get(_FAILED))


def _email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    # An empty key makes Flask-Limiter skip the limit; an empty email never reaches a password check.
    return "email:" + hashlib.sha256(email.encode()).hexdigest() if email else ""


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _second_factor_user_key() -> str:
    user_id = current_user.id if current_user.is_authenticated else pending_user_id()
    return f"user:{user_id}" if user_id else ""


def _log_breach(limit_name: str):
    def on_breach(_limit: RequestLimit) -> None:
        details: dict = {"limit": limit_name}
        if limit_name == "email":
            details["email_ref"] = email_ref(request.form.get("email") or "")
        user_id = None
        if limit_name == "user":
            user_id = current_user.id if current_user.is_authenticated else pending_user_id()
        security_event(Event.SIGN_IN_THROTTLED, Outcome.BLOCKED, user_id=user_id, **details)

    return on_breach


def _limit(key_func, name: str, scope: str | None = None):
    common = dict(key_func=key_func, methods=["POST"], deduct_when=_failed, on_breach=_log_breach(name))
    if scope:
        return limiter.shared_limit(FAILURES_PER_MINUTE, scope=scope, **common)
    return limiter.limit(FAILURES_PER_MINUTE, **common)


def password_limits(view):
    """For the sign-in form: five failures a minute per email, and per client address."""
    return _limit(_email_key, "email")(_limit(_address_key, "address")(view))


def second_factor_limits(view):
    """For every form that takes a code: five failures a minute per user, and per address.

    Shared across those forms, so moving from one to another does not give more tries.
    """
    return _limit(_second_factor_user_key, "user", scope="second-factor")(
        _limit(_address_key, "address", scope="second-factor-address")(view)
    )
