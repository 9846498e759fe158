"""The landing page for each role, and the service's information pages."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, public, requires

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/health")
@public
def health():
    """Liveness for operators and load balancers, and the benchmarks' trivial route:
    no database, no session, no template."""
    return Response("ok\n", mimetype="text/plain")


@bp.route("/home")
@requires(Permission.ACCOUNT_MANAGE_OWN)
def home():
    practice_home = None
    if current_user.role.belongs_to_practice and current_user.practice is not None:
        from tracker.reports import queries

        counts, latest = queries.practice_home(current_user.practice_id)
        practice_home = {"counts": counts, "latest": latest}
    return render_template("main/home.html", title="Home", practice_home=practice_home)


@bp.route("/data-protection")
@public
def data_protection():
    return render_template("main/data_protection.html", title="Data protection")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html", title="Accessibility statement")
