"""Sign in, sign out, setting and changing a password.

Signing in takes one or two steps. After the right password, a user who has two-factor
sign-in turned on is sent to enter a code, and one whose role needs it but has not set it
up is sent to set it up; only then does the session become signed in (see
two_factor_views.py). Everyone else is signed in straight away.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts import services, throttling, two_factor
from tracker.accounts.blueprint import bp
from tracker.accounts.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, public, requires
from tracker.accounts.sessions import begin_pending_sign_in, end_session, start_session
from tracker.extensions import db
from tracker.security_log import Event, Outcome, security_event


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def complete_sign_in(user: User, next_url: str):
    """The last step of every sign-in: audit, a fresh session, then where the user was going."""
    services.record_sign_in(user)
    db.session.commit()
    start_session(user)
    return redirect(next_url)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@throttling.password_limits
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            throttling.count_failure()
            form.add_error("email", "The email address or password is not right. Check them and try again")
        else:
            next_url = _safe_next(request.args.get("next"))
            if user.totp_enabled:
                security_event(Event.SIGN_IN, Outcome.SECOND_FACTOR_NEEDED, user_id=user.id)
                begin_pending_sign_in(user, "code", next_url)
                return redirect(url_for("accounts.two_factor_code"))
            if two_factor.must_set_up(user):
                security_event(Event.SIGN_IN, Outcome.SETUP_NEEDED, user_id=user.id)
                begin_pending_sign_in(user, "setup", next_url)
                return redirect(url_for("accounts.two_factor_required_setup"))
            return complete_sign_in(user, next_url)
    return render_template(
        "accounts/sign_in.html", title="Sign in", form=form, form_errors=form.error_summary()
    )


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        security_event(Event.SIGN_OUT, Outcome.SUCCESS, user_id=current_user.id)
        end_session(current_user)
        db.session.commit()
    else:
        end_session(None)  # also drops a sign-in left half-way, at the code step
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
        except services.LinkUsed:
            db.session.rollback()
            return render_template("accounts/link_expired.html", title="This link has expired or been used"), 404
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
    return render_template(
        "accounts/account.html",
        title="Your account",
        two_factor_required=two_factor.role_requires_two_factor(current_user.role),
    )


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


# The second-factor pages are routes of this blueprint too.
from tracker.accounts import two_factor_views  # noqa: E402,F401
