"""One way to write the audit trail: ``record(...)``."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.audit.models import AuditEvent
from tracker.extensions import db

_ALLOWED_DETAIL_TYPES = (int, float, bool, type(None))


def record(
    action: str,
    *,
    actor=None,
    object_type: str,
    object_id: int | None = None,
    practice_id: int | None = None,
    fields: Iterable[str] = (),
    **coded: str | int | float | bool | None,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits).

    ``fields`` names what changed; ``coded`` carries short coded values (slugs, ids,
    counts). Free text never goes in: a value longer than 64 characters is refused so
    that a description or a reason cannot slip into the trail by accident.
    """
    details: dict = {}
    if fields:
        details["fields"] = sorted(set(fields))
    for key, value in coded.items():
        if isinstance(value, str) and len(value) > 64:
            raise ValueError(f"audit detail '{key}' looks like free text; pass a coded value")
        if not isinstance(value, (str, *_ALLOWED_DETAIL_TYPES)):
            raise TypeError(f"audit detail '{key}' must be a plain value")
        details[key] = value
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", actor),
        object_type=object_type,
        object_id=object_id,
        practice_id=practice_id,
        details=details,
    )
    db.session.add(event)
    return event
