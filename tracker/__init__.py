"""The hospital workload tracker: ``create_app()`` builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import PROJECT_ROOT, load_config
from tracker.extensions import csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    config = load_config()
    app = Flask(
        __name__,
        instance_path=config["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.update(config)
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    configure_templates(app)
    register_extensions(app)
    from tracker.routing import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond a column's range are 404
    register_blueprints(app)

    from tracker.web import register_errorhandlers, register_request_hooks

    register_request_hooks(app)
    register_rate_limits(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure_templates(app: Flask) -> None:
    # Autoescape every template, the NHS.UK ``.jinja`` macros included: Flask's default
    # escapes only .html files, which would leave data in the macros unescaped.
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [FileSystemLoader(app.template_folder), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "autoescape": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    from tracker import nhs_components
    from tracker.web import template_helpers

    template_helpers(app)
    nhs_components.init_app(app)


def register_extensions(app: Flask) -> None:
    from tracker import database, models, sqlite_writers  # noqa: F401  (models: the whole schema)

    # Registered before the database's own teardown, so it runs after it (teardowns run last
    # first): a write turn whose connection never went back to the pool ends with the request.
    app.teardown_appcontext(sqlite_writers.end_leftover_turn)
    db.init_app(app)
    database.configure_engine_events()
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from tracker.accounts import sessions  # noqa: F401  (registers the user loader)


def register_rate_limits(app: Flask) -> None:
    # Behind a proxy, take the client's address (which the limits count by) from the proxy.
    if app.config.get("PROXY_COUNT"):
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    # After the request hooks, so that a refused request still gets a fresh request state.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from tracker.accounts.views import bp as accounts_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.evidence.views import bp as evidence_bp
    from tracker.feedback.views import bp as feedback_bp
    from tracker.main.views import bp as main_bp
    from tracker.reports.blueprint import bp as reports_bp
    from tracker.summaries.views import bp as summaries_bp

    # Route modules of the reports blueprint register themselves on import.
    import tracker.reports.views  # noqa: F401
    import tracker.reports.import_views  # noqa: F401

    for blueprint in (main_bp, accounts_bp, admin_bp, reports_bp, feedback_bp, evidence_bp, summaries_bp):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from tracker.commands import tracker_cli

    app.cli.add_command(tracker_cli)
