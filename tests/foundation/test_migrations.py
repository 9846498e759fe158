from flask_migrate import check
from sqlalchemy import inspect

from tracker.extensions import db


def test_models_and_migrations_agree(app):
    """``flask db check``: raises (fails) when a model changed without a migration."""
    with app.app_context():
        check()


def test_schema_was_built_by_the_migrations(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert "alembic_version" in tables
    assert {"report", "trust", "practice", "user_account", "audit_event"} <= tables
