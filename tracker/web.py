"""Request hooks, response headers, error pages and template helpers shared by every page."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, current_app, g, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest, HTTPException

from tracker.accounts.permissions import Permission, role_has
from tracker.accounts.sessions import enforce_expiry
from tracker.database import is_unavailable
from tracker.security_log import Event, Outcome, configure_logging, security_event

log = logging.getLogger("tracker")

ERROR_PAGES = {
    400: ("Sorry, there is a problem with the request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with the request", "errors/400.html"),
    413: ("The file is too large", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/503.html"),
}


def register_request_hooks(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def _prepare():
        # An app context can outlive one request (the CLI, tests): the signed-in user
        # and the database flag belong to this request alone.
        g.pop("_login_user", None)
        g.pop("database_down", None)
        g.csp_nonce = secrets.token_urlsafe(16)
        enforce_expiry()
        _refuse_nul_characters()

    @app.after_request
    def _security_headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["PRODUCTION"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Pages may hold practice data: never keep them in a shared or browser cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def _refuse_nul_characters() -> None:
    """Nobody types a NUL character, and PostgreSQL cannot store one in text (it raised an
    error, so the user got the 500 page): a request with one in its path, query or form
    fields gets the 400 page before any view reads it. Uploaded files are not checked here."""
    values = [request.path]
    for key, items in request.args.lists():
        values += [key, *items]
    if request.method == "POST":
        for key, items in request.form.lists():
            values += [key, *items]
    if any("\x00" in value for value in values):
        error = BadRequest()
        error.user_message = (  # type: ignore[attr-defined]
            "The page address or the form had a character in it that cannot be saved (a NUL character). "
            "Go back, retype the text rather than pasting it, and try again."
        )
        raise error


def _render_error(code: int, description: str | None = None):
    title, template = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template(template, title=title, description=description, code=code), code


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return _render_error(
            400,
            "The form had expired or was sent from another page. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code == 403:
            user_id = current_user.id if not g.get("database_down") and current_user.is_authenticated else None
            security_event(Event.ACCESS_DENIED, Outcome.BLOCKED, user_id=user_id, endpoint=request.endpoint)
        if error.code in ERROR_PAGES:
            response, code = _render_error(error.code, getattr(error, "user_message", None))
            if error.code == 503:
                return response, code, {"Retry-After": "30"}
            if error.code == 429:
                return response, code, {"Retry-After": "60"}
            return response, code
        return error

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def _database_unavailable(error):
        if not is_unavailable(error):
            return _unexpected(error)  # a constraint or bad data is a bug, not an outage: the 500 page
        log.error("database unavailable: %s", type(getattr(error, "orig", None) or error).__name__)
        _stop_using_database()
        return render_template("errors/503.html", title=ERROR_PAGES[503][0], code=503), 503, {
            "Retry-After": "30"
        }

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return _http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        _stop_using_database()  # do not touch the database while rendering the apology
        return _render_error(500)


def _stop_using_database() -> None:
    """Render the rest of this request without the database.

    The signed-in user is replaced by an anonymous one for this request only, so that
    nothing (Flask-Login's own template context included) tries to load them again
    from a database that just failed.
    """
    from tracker.extensions import db, login_manager

    g.database_down = True
    g._login_user = login_manager.anonymous_user()
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it on the next checkout


def _signed_in_user():
    """The signed-in user, or None (also when the database cannot load them now)."""
    if g.get("database_down"):
        return None
    try:
        return current_user._get_current_object() if current_user.is_authenticated else None
    except SQLAlchemyError as error:
        log.error("database unavailable while loading the user: %s",
                  type(getattr(error, "orig", None) or error).__name__)
        _stop_using_database()
        return None


# (text, endpoint, the endpoint prefix that marks it current, the permission it needs)
NAVIGATION = (
    ("Home", "main.home", "main.", Permission.ACCOUNT_MANAGE_OWN),
    ("Log a case", "reports.new_report", "reports.new", Permission.REPORTS_LOG),
    ("Our cases", "reports.list_reports", "reports.list", Permission.REPORTS_READ),
    ("Import", "reports.import_start", "reports.import", Permission.REPORTS_IMPORT),
    ("Summaries", "summaries.index", "summaries.", Permission.PRACTICE_SUMMARY_READ),
    ("Trust summaries", "summaries.index", "summaries.", Permission.LMC_SUMMARY_READ),
    ("Raised with trusts", "feedback.index", "feedback.", Permission.LMC_FEEDBACK_MANAGE),
    ("Letters and evidence", "evidence.index", "evidence.", Permission.LETTERS_WRITE),
    ("Users", "admin.users", "admin.user", Permission.ADMIN_USERS_MANAGE),
    ("LMCs", "admin.lmcs", "admin.lmc", Permission.ADMIN_ORGS_MANAGE),
    ("Contract references", "admin.contract_references", "admin.contract", Permission.ADMIN_REFERENCE_MANAGE),
)


def _navigation() -> tuple[dict, ...]:
    """Header links for the signed-in user's role.

    They depend only on the role, the page (which link is current) and where the app is
    mounted, so each combination is built once per process: every page shows them.
    """
    if g.get("database_down") or not current_user.is_authenticated:
        return ()
    key = (current_user.role, request.endpoint or "", request.script_root)
    cache = current_app.extensions.setdefault("tracker_navigation", {})
    items = cache.get(key)
    if items is None:
        role, endpoint, _ = key
        items = tuple(
            {"text": text, "href": url_for(target), "current": endpoint.startswith(prefix)}
            for text, target, prefix, permission in NAVIGATION
            if role_has(role, permission) and target in current_app.view_functions
        )
        cache[key] = items
    return items


def template_helpers(app: Flask) -> None:
    app.jinja_env.globals["Permission"] = Permission

    @app.context_processor
    def _globals():
        user = _signed_in_user()  # first: a failure here keeps _navigation off the database
        return {
            "service_name": app.config["SERVICE_NAME"],
            "csp_nonce": g.get("csp_nonce", ""),
            "navigation_items": _navigation(),
            "signed_in_user": user,
            # Markup.format escapes the token (it is URL-safe anyway).
            "csrf_field": lambda: Markup('<input type="hidden" name="csrf_token" value="{}">').format(
                generate_csrf()
            ),
        }

    @app.template_filter("uk_date")
    def _uk_date(value):
        return value.strftime("%-d %B %Y") if value else ""

    @app.template_filter("uk_datetime")
    def _uk_datetime(value):
        return value.strftime("%-d %B %Y at %H:%M") if value else ""
