"""Shared helpers for the security tests."""

from __future__ import annotations

import json
from contextlib import contextmanager

PASSWORD = "correct horse battery"


def sign_in(client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1", next_url: str | None = None):
    path = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def enter_code(client, code: str, ip: str = "127.0.0.1"):
    return client.post("/sign-in/code", data={"code": code}, environ_base={"REMOTE_ADDR": ip})


def security_events(caplog) -> list[dict]:
    """The security events logged so far, parsed back from their JSON lines."""
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "tracker.security"]


@contextmanager
def another_app(test_app, **overrides):
    """A second app on the same database with other settings (REDIS_URL, PROXY_COUNT).

    The limiter is one object shared by every app: building an app points it at that app's
    storage. Afterwards it is pointed back at the test app's memory storage, and told the
    storage is healthy (a test of an unreachable Redis leaves it counting in its fallback).
    """
    from tracker import create_app
    from tracker.extensions import limiter

    try:
        yield create_app({"WTF_CSRF_ENABLED": False, **overrides})
    finally:
        limiter.init_app(test_app)
        limiter._storage_dead = False  # no public way to say "recovered" without waiting
        limiter.reset()
