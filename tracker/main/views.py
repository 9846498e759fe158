"""The landing page for each role, and the service's information pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, public, requires

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/home")
@requires(Permission.ACCOUNT_MANAGE_OWN)
def home():
    return render_template("main/home.html", title="Home")


@bp.route("/data-protection")
@public
def data_protection():
    return render_template("main/data_protection.html", title="Data protection")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html", title="Accessibility statement")
