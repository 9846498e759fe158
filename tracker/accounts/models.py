"""Users and one-time password links."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.permissions import Permission, Role, role_has
from tracker.db_types import UTCDateTime, enum_by_value, utcnow
from tracker.extensions import db
from tracker.organisations.models import LMC, Practice


class User(UserMixin, db.Model):
    """A person who signs in. Belongs to one organisation with one role."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role IN ('practice-user', 'practice-lead') AND practice_id IS NOT NULL AND lmc_id IS NULL)"
            " OR (role = 'lmc-officer' AND lmc_id IS NOT NULL AND practice_id IS NULL)"
            " OR (role = 'admin' AND practice_id IS NULL AND lmc_id IS NULL)",
            name="role_matches_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_by_value(Role, "role"))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    lmc_id: Mapped[int | None] = mapped_column(ForeignKey("lmc.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to end every session of the user at once (sign-out, password change,
    # deactivation): the session cookie carries the number it was issued with.
    session_version: Mapped[int] = mapped_column(default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    # The 30-second step of the last code accepted, so that the same code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    practice: Mapped[Practice | None] = relationship()
    lmc: Mapped[LMC | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def can(self, permission: Permission) -> bool:
        return self.active and role_has(self.role, permission)

    def end_all_sessions(self) -> None:
        self.session_version += 1

    @property
    def organisation_name(self) -> str:
        if self.practice is not None:
            return self.practice.name
        if self.lmc is not None:
            return self.lmc.name
        return "Administration"


class PasswordLink(db.Model):
    """A one-time link for a user to set their password. Only the token's hash is kept."""

    __tablename__ = "password_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    user: Mapped[User] = relationship()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app. Only its hash is kept."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
