"""Roles and permissions, named in one place.

Every view declares the permission it needs with ``@requires(Permission.X)`` (or is
listed as public with ``@public``); a test walks the URL map and fails for any view
that does neither.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from flask import abort
from flask_login import current_user


class Role(StrEnum):
    PRACTICE_USER = "practice-user"
    PRACTICE_LEAD = "practice-lead"
    LMC_OFFICER = "lmc-officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def belongs_to_practice(self) -> bool:
        return self in (Role.PRACTICE_USER, Role.PRACTICE_LEAD)


ROLE_LABELS = {
    Role.PRACTICE_USER: "Practice user",
    Role.PRACTICE_LEAD: "Practice lead",
    Role.LMC_OFFICER: "LMC officer",
    Role.ADMIN: "Administrator",
}


class Permission(StrEnum):
    """``scope:resource:action``."""

    ACCOUNT_MANAGE_OWN = "self:account:manage"
    REPORTS_LOG = "practice:reports:log"
    REPORTS_READ = "practice:reports:read"
    REPORTS_EDIT = "practice:reports:edit"
    REPORTS_IMPORT = "practice:reports:import"
    PRACTICE_SUMMARY_READ = "practice:summary:read"
    LMC_SUMMARY_READ = "lmc:summary:read"
    LMC_EVIDENCE_EXPORT = "lmc:evidence:export"
    LMC_FEEDBACK_MANAGE = "lmc:feedback:manage"
    LETTERS_WRITE = "any:letters:write"
    ADMIN_USERS_MANAGE = "admin:users:manage"
    ADMIN_ORGS_MANAGE = "admin:organisations:manage"
    ADMIN_REFERENCE_MANAGE = "admin:reference:manage"


_PRACTICE_USER = {
    Permission.ACCOUNT_MANAGE_OWN,
    Permission.REPORTS_LOG,
    Permission.REPORTS_READ,
    Permission.REPORTS_EDIT,
    Permission.LETTERS_WRITE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRACTICE_USER: frozenset(_PRACTICE_USER),
    Role.PRACTICE_LEAD: frozenset(
        _PRACTICE_USER | {Permission.REPORTS_IMPORT, Permission.PRACTICE_SUMMARY_READ}
    ),
    Role.LMC_OFFICER: frozenset(
        {
            Permission.ACCOUNT_MANAGE_OWN,
            Permission.LMC_SUMMARY_READ,
            Permission.LMC_EVIDENCE_EXPORT,
            Permission.LMC_FEEDBACK_MANAGE,
            Permission.LETTERS_WRITE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.ACCOUNT_MANAGE_OWN,
            Permission.ADMIN_USERS_MANAGE,
            Permission.ADMIN_ORGS_MANAGE,
            Permission.ADMIN_REFERENCE_MANAGE,
        }
    ),
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def requires(*permissions: Permission):
    """Let the view run only for a signed-in user whose role has every permission given.

    Anonymous users are sent to sign in (by Flask-Login); signed-in users without the
    permission get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from tracker.extensions import login_manager

                return login_manager.unauthorized()
            if not all(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = frozenset(permissions)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def requires_any(*permissions: Permission):
    """Like ``requires``, but one of the permissions given is enough.

    For pages that serve several roles over different scopes (a practice lead's own
    practice, an LMC officer's practices): the view then narrows what it shows by role.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from tracker.extensions import login_manager

                return login_manager.unauthorized()
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = frozenset(permissions)  # type: ignore[attr-defined]
        wrapped.permission_rule = "any"  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view):
    """Mark a view as open to anyone (sign-in, error pages, static)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view
