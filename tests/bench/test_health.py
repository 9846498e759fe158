"""The trivial route the benchmarks compare pages with, and operators' liveness check."""

from __future__ import annotations

from sqlalchemy import event


def test_health_answers_ok_without_database_or_session(app, client):
    from tracker.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/health")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert statements == []
