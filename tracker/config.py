"""Configuration read from the environment.

Three modes, chosen by TRACKER_ENV: ``development`` (the default), ``testing`` and
``production``. Production refuses to start without SECRET_KEY and DATABASE_URL, so
a forgotten variable can never fall back to a development secret or a local file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tracker.sqlite_writers import BUSY_TIMEOUT_SECONDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"

# Hourly cost of staff time by role, in pounds. Documented defaults (see README);
# each can be overridden with COST_PER_HOUR_<ROLE>.
DEFAULT_HOURLY_RATES = {"gp": 98.0, "nurse": 42.0, "pharmacist": 50.0, "admin": 18.0}


class ConfigurationError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


def _dev_secret(instance_path: Path) -> str:
    """A development secret made once and kept under instance/, so sessions survive restarts."""
    instance_path.mkdir(parents=True, exist_ok=True)
    secret_file = instance_path / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


def _sqlite_url(instance_path: Path) -> str:
    instance_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_path / 'tracker.db'}"


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(environ: dict[str, str] | None = None, instance_path: Path | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    instance = Path(env.get("TRACKER_INSTANCE_PATH") or instance_path or DEFAULT_INSTANCE)
    mode = env.get("TRACKER_ENV", "development").strip().lower()
    if mode not in {"development", "testing", "production"}:
        raise ConfigurationError(
            f"TRACKER_ENV is '{mode}': set it to development, testing or production."
        )
    production = mode == "production"

    if production:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not env.get(name)]
        if missing:
            raise ConfigurationError(
                "The tracker will not start in production without "
                + " and ".join(missing)
                + ": set "
                + ("them" if len(missing) > 1 else "it")
                + " in the environment."
            )
        if len(env["SECRET_KEY"]) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters in production.")

    database_url = normalise_database_url(env.get("DATABASE_URL") or _sqlite_url(instance))
    secret_key = env.get("SECRET_KEY") or _dev_secret(instance)

    rates = dict(DEFAULT_HOURLY_RATES)
    for role in rates:
        value = env.get(f"COST_PER_HOUR_{role.upper()}")
        if value:
            try:
                rates[role] = float(value)
            except ValueError as exc:
                raise ConfigurationError(
                    f"COST_PER_HOUR_{role.upper()} is '{value}': give a number of pounds, like 42.50."
                ) from exc

    # How many proxies in front of the app set X-Forwarded-For. Production sits behind one
    # TLS-terminating proxy (see README); without this every client would share the proxy's
    # address, and sign-in throttling per address would lock everyone out at once.
    proxy_count_text = env.get("TRACKER_PROXY_COUNT", "1" if production else "0").strip()
    if not proxy_count_text.isdigit():
        raise ConfigurationError(
            f"TRACKER_PROXY_COUNT is '{proxy_count_text}': give the number of proxies in front of the app, like 1."
        )

    # PostgreSQL: a connection the server has ended is found by tracker.database's checkout
    # check, which asks the socket instead of sending the server a query (pool_pre_ping).
    engine_options: dict = {}
    if database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": BUSY_TIMEOUT_SECONDS}}

    return {
        "TRACKER_ENV": mode,
        "PRODUCTION": production,
        "TESTING": mode == "testing",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "INSTANCE_PATH": str(instance),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", "demo-password-2026"),
        "HOURLY_RATES": rates,
        "REDIS_URL": env.get("REDIS_URL", ""),
        "PROXY_COUNT": int(proxy_count_text),
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this
        # host only and for every path: a neighbouring subdomain cannot set or shadow it.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
        # The cookie is written again only when the session changes: at most once a minute,
        # when sessions.enforce_expiry moves "seen_at" (which keeps the idle timeout). Signing
        # and sending it on every response cost every page for nothing.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "SERVICE_NAME": "Hospital workload tracker",
    }
