"""The app the benchmarks serve: the real one (``create_app``) plus the issue's yardstick page.

The issue puts the page target in scale: "a page doing nothing but session, CSRF token and a
tiny template reaches about 32 %" of the trivial route. ``/bench/reference`` is that page,
measured in the same run and under the same server as the real pages, so that their ratios
can be read against it. It opens the signed-in session (Flask does, for every request), puts
a CSRF token in a tiny template, and nothing else: no user, no database, no layout.

Only ``bench/serve.py`` serves this module; ``wsgi.py``, and so production, never has the page.
"""

from __future__ import annotations

from flask import Flask, Response
from flask_wtf.csrf import generate_csrf

from tracker import create_app
from tracker.accounts.permissions import public

REFERENCE_PATH = "/bench/reference"
REFERENCE_TEMPLATE = (
    '<!DOCTYPE html><html lang="en"><head><title>Reference</title></head><body>'
    '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>'
    "</body></html>"
)


def add_reference_page(app: Flask) -> Flask:
    # From the app's own environment, but not through render_template: its context
    # processor would load the signed-in user, which is the real pages' cost, not the yardstick's.
    template = app.jinja_env.from_string(REFERENCE_TEMPLATE)

    @public
    def bench_reference():
        return Response(template.render(csrf_token=generate_csrf), mimetype="text/html")

    app.add_url_rule(REFERENCE_PATH, "bench_reference", bench_reference)
    return app


def bench_app() -> Flask:
    """What gunicorn serves in the benchmarks (``bench.reference_app:bench_app()``)."""
    return add_reference_page(create_app())
