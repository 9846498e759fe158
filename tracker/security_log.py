"""Security events as one JSON line each on the ``tracker.security`` logger.

What goes in: a coded event name, an outcome, the ids of the account and of the person
acting, the client address and the path (with a password link's token cut out), and a few
coded values (a role, which limit was reached). What never goes in: passwords, codes,
tokens, free text, and email addresses.
A failed sign-in for an email that has no account would otherwise leave no way to see that
one address is being attacked, so the email is kept only as ``email_ref``: a keyed hash
(HMAC-SHA-256 with a key derived from SECRET_KEY, first 16 hex characters). It lets an
analyst group events for one address, and match an address they already know by computing
the same hash, but cannot be reversed by hashing a list of likely addresses without the key.

Every value is a number, a boolean, null or a short string. Strings are cut to 200
characters and every control character (CR and LF included) is escaped, so a crafted path
or header cannot forge a second log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from enum import StrEnum

from flask import current_app, has_app_context, has_request_context, request

log = logging.getLogger("tracker.security")

MAX_VALUE_LENGTH = 200


class Event(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_THROTTLED = "sign_in_throttled"
    SIGN_OUT = "sign_out"
    TWO_FACTOR = "two_factor"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    TWO_FACTOR_DISABLED = "two_factor_disabled"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued"
    ACCESS_DENIED = "access_denied"
    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    LMC_COVERAGE_CHANGED = "lmc_coverage_changed"
    ROLE_CHANGED = "role_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_LINK_ISSUED = "password_link_issued"
    PASSWORD_LINK_USED = "password_link_used"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    BLOCKED = "blocked"
    # The password was right; the second factor (or setting it up) is still to come.
    SECOND_FACTOR_NEEDED = "second_factor_needed"
    SETUP_NEEDED = "setup_needed"


def email_ref(email: str) -> str:
    """A keyed, one-way reference to an email address (see the module docstring)."""
    secret = current_app.config["SECRET_KEY"].encode() if has_app_context() else b""
    key = hmac.new(secret, b"tracker.security email reference", hashlib.sha256).digest()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _clean(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)[:MAX_VALUE_LENGTH]
    # json.dumps escapes C0 controls; escape DEL, C1 controls and the Unicode line and
    # paragraph separators too, which some log viewers treat as new lines.
    return "".join(
        f"\\u{ord(c):04x}" if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029") else c
        for c in text
    )


# URL parts that are secrets themselves (the one-time password link) are never logged.
SECRET_VIEW_ARGS = frozenset({"token"})


def _path_without_secrets() -> str:
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and value:
            path = path.replace(str(value), "[redacted]")
    return path


def security_event(
    event: Event,
    outcome: Outcome,
    *,
    user_id: int | None = None,
    actor_id: int | None = None,
    **coded: str | int | bool | None,
) -> dict:
    """Write one security event and return what was written (handy in tests)."""
    record: dict = {"event": event.value, "outcome": outcome.value, "user_id": user_id}
    if actor_id is not None and actor_id != user_id:
        record["actor_id"] = actor_id
    if has_request_context():
        record["ip"] = request.remote_addr
        record["method"] = request.method
        record["path"] = _path_without_secrets()
    record.update(coded)
    record = {key: _clean(value) for key, value in record.items()}
    level = logging.INFO if outcome in (Outcome.SUCCESS, Outcome.SECOND_FACTOR_NEEDED) else logging.WARNING
    # ensure_ascii keeps every line plain ASCII: nothing can break out of the line.
    log.log(level, json.dumps(record, ensure_ascii=True, sort_keys=True), extra={"security_event": record})
    return record


def configure_logging(app) -> None:
    """Make sure security events are written somewhere even when nobody set up logging.

    Events go to standard error, one JSON line each (not passed on to Flask's own handler,
    which would print them a second time); a deployment that configures logging itself (a
    handler on ``tracker.security`` or on the root logger) keeps its own set-up.
    """
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if app.testing or log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.propagate = False
