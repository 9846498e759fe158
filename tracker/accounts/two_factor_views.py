"""The second factor: the code step of signing in, setting up an authenticator app (when a
role needs it, before anything else; or by choice from the account page), new recovery codes,
turning it off, and an administrator's reset for someone who has lost their phone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user

from tracker.accounts import services, throttling, two_factor
from tracker.accounts.blueprint import bp
from tracker.accounts.forms import SecondFactorForm, TwoFactorChangeForm, TwoFactorSetupForm
from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, public, requires
from tracker.accounts.sessions import pending_sign_in, start_session
from tracker.extensions import db

WRONG_CODE = (
    "The code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes"
)
CANDIDATE_KEY = "totp_candidate"


def _sign_in_again():
    flash("Your sign-in timed out. Sign in again.", "info")
    return redirect(url_for("accounts.sign_in"))


def _candidate_secret(user: User) -> str:
    """The secret being set up, kept in the session until the user confirms a code from it.

    Kept across page loads so that reloading the page does not change a QR code the user
    may already have scanned.
    """
    candidate = session.get(CANDIDATE_KEY)
    if not isinstance(candidate, dict) or candidate.get("user_id") != user.id:
        candidate = {"user_id": user.id, "secret": two_factor.new_secret()}
        session[CANDIDATE_KEY] = candidate
    return candidate["secret"]


def _setup_page(user: User, form: TwoFactorSetupForm, *, required: bool):
    secret = _candidate_secret(user)
    return render_template(
        "accounts/two_factor_setup.html",
        title="Set up two-factor authentication",
        form=form,
        form_errors=form.error_summary(),
        required=required,
        replacing=user.totp_enabled,
        secret=two_factor.grouped(secret),
        qr_code=two_factor.qr_code_svg(two_factor.provisioning_uri(secret, user)),
    )


def _recovery_codes_page(codes: list[str], continue_url: str, *, first_time: bool):
    return render_template(
        "accounts/recovery_codes.html",
        title="Save your recovery codes",
        codes=codes,
        continue_url=continue_url,
        first_time=first_time,
    )


# Signing in ---------------------------------------------------------------------------------


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@throttling.second_factor_limits
def two_factor_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = pending_sign_in("code")
    if pending is None:
        return _sign_in_again()
    user, next_url = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = two_factor.check_second_factor(user, form.code.data)
        if method is None:
            throttling.count_failure()
            db.session.commit()  # a recovery code used here stays used; nothing else changed
            form.add_error("code", WRONG_CODE)
        else:
            from tracker.accounts.views import complete_sign_in  # views imports this module

            response = complete_sign_in(user, next_url or url_for("main.home"))
            if method == "recovery_code":  # after the new session starts, or the message is lost
                left = two_factor.recovery_codes_left(user)
                flash(
                    f"You signed in with a recovery code. You have {left} left: each works once. "
                    "Get new ones from your account page if you are running out.",
                    "warning" if left <= 3 else "info",
                )
            return response
    return render_template(
        "accounts/two_factor_code.html",
        title="Enter the 6-digit code from your authenticator app",
        form=form,
        form_errors=form.error_summary(),
    )


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@throttling.second_factor_limits
def two_factor_required_setup():
    """After the password, for a role that needs two-factor sign-in and has not set it up."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = pending_sign_in("setup")
    if pending is None:
        return _sign_in_again()
    user, next_url = pending
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user, _candidate_secret(user), form.code.data)
        except two_factor.TwoFactorError as error:
            throttling.count_failure()
            form.add_error(error.field, str(error))
        else:
            services.record_sign_in(user)
            db.session.commit()
            start_session(user)  # a fresh session: the pending state and the candidate go
            return _recovery_codes_page(codes, next_url or url_for("main.home"), first_time=True)
    return _setup_page(user, form, required=True)


# The account page -----------------------------------------------------------------------------


def _manage_page(off_form: TwoFactorChangeForm | None = None, codes_form: TwoFactorChangeForm | None = None):
    off_form = off_form or TwoFactorChangeForm(prefix="off", formdata=None)
    codes_form = codes_form or TwoFactorChangeForm(prefix="codes", formdata=None)
    return render_template(
        "accounts/two_factor_manage.html",
        title="Two-factor authentication",
        required=two_factor.role_requires_two_factor(current_user.role),
        codes_left=two_factor.recovery_codes_left(current_user) if current_user.totp_enabled else 0,
        off_form=off_form,
        codes_form=codes_form,
        form_errors=off_form.error_summary() + codes_form.error_summary(),
    )


@bp.route("/account/two-factor")
@requires(Permission.ACCOUNT_MANAGE_OWN)
def two_factor_manage():
    return _manage_page()


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE_OWN)
@throttling.second_factor_limits
def two_factor_setup():
    """Set up an app by choice, or replace one (which needs a code from the old app or a recovery code)."""
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        proven = not current_user.totp_enabled or two_factor.check_second_factor(
            current_user, form.current_code.data or ""
        )
        if not proven:
            throttling.count_failure()
            form.add_error(
                "current_code",
                "Enter a code from the app you use now, or one of your recovery codes"
                if not form.current_code.data else WRONG_CODE,
            )
        else:
            try:
                codes = two_factor.enable(current_user, _candidate_secret(current_user), form.code.data)
            except two_factor.TwoFactorError as error:
                throttling.count_failure()
                form.add_error(error.field, str(error))
            else:
                session.pop(CANDIDATE_KEY, None)
                db.session.commit()
                return _recovery_codes_page(codes, url_for("accounts.two_factor_manage"), first_time=True)
        db.session.commit()  # a recovery code given as proof is used up even if the new code was wrong
    return _setup_page(current_user, form, required=False)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE_OWN)
@throttling.second_factor_limits
def two_factor_new_recovery_codes():
    form = TwoFactorChangeForm(prefix="codes")
    if not current_user.totp_enabled:
        return redirect(url_for("accounts.two_factor_manage"))
    if form.validate_on_submit():
        if two_factor.check_second_factor(current_user, form.code.data):
            codes = two_factor.issue_recovery_codes(current_user)
            db.session.commit()
            return _recovery_codes_page(codes, url_for("accounts.two_factor_manage"), first_time=False)
        throttling.count_failure()
        form.add_error("code", WRONG_CODE)
    return _manage_page(codes_form=form)


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE_OWN)
@throttling.second_factor_limits
def two_factor_turn_off():
    form = TwoFactorChangeForm(prefix="off")
    if not current_user.totp_enabled:
        return redirect(url_for("accounts.two_factor_manage"))
    if two_factor.role_requires_two_factor(current_user.role):
        flash(f"{current_user.role.label}s must use two-factor authentication, so it cannot be turned off.", "warning")
        return redirect(url_for("accounts.two_factor_manage"))
    if form.validate_on_submit():
        if two_factor.check_second_factor(current_user, form.code.data):
            two_factor.disable(current_user)
            db.session.commit()
            flash("Two-factor authentication is off. You will sign in with your password only.", "info")
            return redirect(url_for("accounts.two_factor_manage"))
        throttling.count_failure()
        form.add_error("code", WRONG_CODE)
    return _manage_page(off_form=form)


# Administrators ----------------------------------------------------------------------------------


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def reset_two_factor(user_id: int):
    """For someone who has lost their phone and their recovery codes: they set it up again."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("You cannot reset your own two-factor authentication. Ask another administrator.", "warning")
    elif not user.totp_enabled:
        flash(f"{user.email} does not use two-factor authentication.", "info")
    else:
        two_factor.disable(user, actor=current_user)
        db.session.commit()
        flash(
            f"Two-factor authentication is reset for {user.email}, who has been signed out everywhere. "
            + ("They will set it up again the next time they sign in." if two_factor.must_set_up(user) else ""),
            "info",
        )
    return redirect(url_for("admin.user_detail", user_id=user_id))
