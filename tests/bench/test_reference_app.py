"""The yardstick page the benchmarks serve beside the real ones (bench/reference_app.py)."""

from __future__ import annotations

import re
import time

from sqlalchemy import event

from bench.reference_app import REFERENCE_PATH, add_reference_page
from tracker import create_app
from tracker.extensions import db


def test_the_served_app_has_the_yardstick_page_and_production_does_not(app):
    bench_app = add_reference_page(create_app({"SERVER_NAME": "localhost"}))
    client = bench_app.test_client()
    with client.session_transaction() as session:
        # A signed-in session, as the bench clients send (not idle: expiry would sign it out).
        session.update({"_user_id": "1:0", "signed_in_at": int(time.time()), "seen_at": int(time.time())})
    statements = []
    with bench_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        first, second = client.get(REFERENCE_PATH), client.get(REFERENCE_PATH)
    finally:
        engine.dispose()

    assert first.status_code == 200 and first.mimetype == "text/html"
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1) for r in (first, second)]
    assert all(tokens) and "{{" not in first.text  # a real token, from the rendered template
    assert statements == []  # no user, no database: session, token and template only

    assert app.test_client().get(REFERENCE_PATH).status_code == 404
