"""The hospital workload tracker: ``create_app()`` builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from tracker.config import PROJECT_ROOT, load_config
from tracker.extensions import csrf, db, login_manager, migrate


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
    register_blueprints(app)

    from tracker.web import register_errorhandlers, register_request_hooks

    register_request_hooks(app)
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
    from tracker.web import template_helpers

    template_helpers(app)


def register_extensions(app: Flask) -> None:
    from tracker import database, models  # noqa: F401  (models: the whole schema)

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


def register_blueprints(app: Flask) -> None:
    from tracker.accounts.views import bp as accounts_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.main.views import bp as main_bp
    from tracker.reports.blueprint import bp as reports_bp

    # Route modules of the reports blueprint register themselves on import.

    for blueprint in (main_bp, accounts_bp, admin_bp, reports_bp):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from tracker.commands import tracker_cli

    app.cli.add_command(tracker_cli)
