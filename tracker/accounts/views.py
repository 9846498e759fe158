"""Sign in, sign out, setting and changing a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts import services
from tracker.accounts.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from tracker.accounts.permissions import Permission, public, requires
from tracker.accounts.sessions import end_session, start_session
from tracker.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.add_error("email", "The email address or password is not right. Check them and try again")
        else:
            services.record_sign_in(user)
            db.session.commit()
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "accounts/sign_in.html", title="Sign in", form=form, form_errors=form.error_summary()
    )


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    link = services.valid_link(token)
    if link is None:
        return render_template("accounts/link_expired.html", title="This link has expired or been used"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_with_link(link, form.password.data)
        except services.AccountError as error:
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
            if current_user.is_authenticated:
                end_session(None)
            flash("Your password is set. Sign in with your email address and new password.", "info")
            return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/set_password.html",
        title="Create your password",
        form=form,
        email=link.user.email,
        form_errors=form.error_summary(),
    )


@bp.route("/account")
@requires(Permission.ACCOUNT_MANAGE_OWN)
def account():
    return render_template("accounts/account.html", title="Your account")


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE_OWN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
            end_session(None)
            flash("Your password has been changed and you have been signed out everywhere. Sign in with your new password.", "info")
            return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/change_password.html", title="Change your password", form=form, form_errors=form.error_summary()
    )


