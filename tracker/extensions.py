"""The extension objects, created once and initialised by ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Predictable constraint names, so that migrations can drop and alter them by name
# on both SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# Sign-in throttling (tracker/accounts/throttling.py declares the limits). Storage is Redis
# when REDIS_URL is set, so every worker counts together; memory otherwise. A moving window
# counts exactly "in the last minute". If Redis goes away, counting carries on per worker in
# memory rather than failing sign-in.
limiter = Limiter(
    get_remote_address, strategy="moving-window", in_memory_fallback_enabled=True, swallow_errors=True
)
