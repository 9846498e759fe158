"""Two-factor sign-in: time-based codes from an authenticator app, and recovery codes.

LMC officers and administrators must use it; everyone else may. A code is accepted for the
current 30-second step and the one before (phones drift), and never twice: the step of the
last accepted code is kept per user and only a later step is accepted. Recovery codes are
random, single use, and stored only as salted SHA-256 hashes (they carry about 50 bits of
randomness, so a slow password hash would add cost without adding safety).

Like the other account services, these functions flush and record audit and security
events; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from tracker import audit
from tracker.accounts.models import RecoveryCode, User
from tracker.accounts.permissions import Role
from tracker.db_types import utcnow
from tracker.extensions import db
from tracker.security_log import Event, Outcome, security_event

ROLES_REQUIRING_TWO_FACTOR = frozenset({Role.LMC_OFFICER, Role.ADMIN})
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: easy to copy from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10

_SIX_DIGITS = re.compile(r"^\d{6}$")


class TwoFactorError(ValueError):
    """A problem the user can fix; the message says how. ``field`` names the form field."""

    def __init__(self, message: str, field: str = "code"):
        super().__init__(message)
        self.field = field


# Who must use it ---------------------------------------------------------------------------


def role_requires_two_factor(role: Role) -> bool:
    return role in ROLES_REQUIRING_TWO_FACTOR


def is_demo_exempt(user: User) -> bool:
    """Demo sign-ins may skip the set-up so people can try the service.

    This can never apply in production: the check reads the PRODUCTION flag itself, and
    demo accounts cannot be created there either (``load_demo`` refuses).
    """
    from tracker.demo import DEMO_USERS  # demo builds on accounts, not the other way round

    return not current_app.config["PRODUCTION"] and user.email in {email for email, *_ in DEMO_USERS}


def must_set_up(user: User) -> bool:
    """True when the user's role needs two-factor sign-in and they have not set it up."""
    return role_requires_two_factor(user.role) and not user.totp_enabled and not is_demo_exempt(user)


# Secrets and QR codes ---------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """``ABCD EFGH ...``: easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_code_svg(uri: str) -> Markup:
    """The ``otpauth://`` URI as a QR code in inline SVG, drawn here: nothing leaves the server."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title="QR code to scan with your authenticator app"
    )
    # segno writes only path data and the fixed title above: no user input reaches the markup.
    return Markup(svg)  # nosec B704


# Checking codes ---------------------------------------------------------------------------


def _current_step() -> int:
    return int(time.time()) // STEP_SECONDS


def _matching_step(secret: str, code: str, after_step: int | None) -> int | None:
    """The step (current or previous) whose code matches, if it is later than ``after_step``."""
    totp = pyotp.TOTP(secret)
    now = _current_step()
    for step in (now, now - 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def verify_app_code(user: User, code: str) -> bool:
    """Accept a code from the user's app once; a code already used is refused."""
    code = _normalise_code(code)
    if not user.totp_enabled or not user.totp_secret or not _SIX_DIGITS.match(code):
        return False
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    # Record the step only if no other request got there first: the condition makes two
    # simultaneous sign-ins with the same code unable both to succeed.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def _hash_recovery_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def _recovery_code_matches(stored: str, code: str) -> bool:
    scheme, _, rest = stored.partition("$")
    salt, _, _digest = rest.partition("$")
    if scheme != "sha256" or not salt:
        return False
    return hmac.compare_digest(_hash_recovery_code(code, salt), stored)


def redeem_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once."""
    code = _normalise_code(code)
    if not user.totp_enabled or len(code) != RECOVERY_CODE_LENGTH:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for candidate in unused:
        if _recovery_code_matches(candidate.code_hash, code):
            result = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == candidate.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session="fetch")
            )
            return result.rowcount == 1
    return False


def check_second_factor(user: User, code: str) -> str | None:
    """``"app"`` or ``"recovery_code"`` for the kind of code accepted, or None (and log either way)."""
    normalised = _normalise_code(code)
    if _SIX_DIGITS.match(normalised):
        method = "app" if verify_app_code(user, normalised) else None
    else:
        method = "recovery_code" if redeem_recovery_code(user, normalised) else None
    security_event(
        Event.TWO_FACTOR,
        Outcome.SUCCESS if method else Outcome.FAILURE,
        user_id=user.id,
        method=method or ("app" if _SIX_DIGITS.match(normalised) else "recovery_code"),
    )
    if method == "recovery_code":
        audit.record("user.recovery_code_used", actor=user, object_type="user", object_id=user.id)
    return method


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ) or 0


# Changing the set-up ------------------------------------------------------------------------


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def issue_recovery_codes(user: User, actor: User | None = None) -> list[str]:
    """Replace the user's recovery codes with new ones and return them (shown once only)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(_normalise_code(code))) for code in codes
    )
    db.session.flush()
    audit.record("user.recovery_codes_issued", actor=actor or user, object_type="user", object_id=user.id)
    security_event(Event.RECOVERY_CODES_ISSUED, Outcome.SUCCESS, user_id=user.id, actor_id=(actor or user).id)
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn on two-factor sign-in with a new secret, once the user proves their app has it.

    Also replaces an authenticator app already set up. Returns new recovery codes.
    """
    normalised = _normalise_code(code)
    step = _matching_step(secret, normalised, None) if _SIX_DIGITS.match(normalised) else None
    if step is None:
        security_event(Event.TWO_FACTOR_ENABLED, Outcome.FAILURE, user_id=user.id)
        raise TwoFactorError(
            "The code is not right. Enter the 6-digit code your authenticator app shows now"
            if normalised else "Enter the 6-digit code from your authenticator app"
        )
    replacing = user.totp_enabled
    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_step = step
    db.session.flush()
    audit.record(
        "user.two_factor_enabled", actor=user, object_type="user", object_id=user.id, replaced_app=replacing
    )
    security_event(Event.TWO_FACTOR_ENABLED, Outcome.SUCCESS, user_id=user.id, replaced_app=replacing)
    return issue_recovery_codes(user)


def disable(user: User, actor: User | None = None) -> None:
    """Turn two-factor sign-in off (the user themself, or an administrator resetting it)."""
    actor = actor or user
    if actor.id == user.id and role_requires_two_factor(user.role):
        raise TwoFactorError(f"You cannot turn off two-factor authentication: {user.role.label}s must use it")
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if actor.id != user.id:
        # A reset by an administrator: whoever holds a session must sign in (and set up) again.
        user.end_all_sessions()
    db.session.flush()
    audit.record("user.two_factor_disabled", actor=actor, object_type="user", object_id=user.id)
    security_event(Event.TWO_FACTOR_DISABLED, Outcome.SUCCESS, user_id=user.id, actor_id=actor.id)
