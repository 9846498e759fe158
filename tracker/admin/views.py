"""Administrators' pages: users, LMCs, contract references and practices without an ICB."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from tracker import audit
from tracker.accounts import services as accounts
from tracker.accounts.forms import UserForm
from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, Role, requires
from tracker.admin.forms import ContractReferenceForm, LMCForm, PracticeICBForm
from tracker.categories.models import Category, ContractReference
from tracker.extensions import db
from tracker.organisations import services as organisations
from tracker.organisations.models import ICB, LMC, Practice
from tracker.security_log import Event, Outcome, security_event

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _lmc_choices():
    return [("", "Choose an LMC")] + [
        (str(lmc.id), lmc.name) for lmc in db.session.scalars(select(LMC).order_by(LMC.name))
    ]


def _user_org(form: UserForm):
    """The practice or LMC the form names, adding an error to the form when it is wrong."""
    role = Role(form.role.data)
    practice = lmc = None
    if role.belongs_to_practice:
        practice = organisations.practice_by_code(form.practice_code.data or "")
        if practice is None:
            form.add_error(
                "practice_code",
                "Enter the ODS code of an active GP practice, like A81001" if form.practice_code.data
                else "Enter the ODS code of the user's practice, like A81001",
            )
    elif role is Role.LMC_OFFICER:
        lmc_id = form.lmc_id.data or ""
        # isascii: "²" is a digit to isdigit() but not a number to int(); 9 digits: an id the database can hold.
        lmc = db.session.get(LMC, int(lmc_id)) if lmc_id.isascii() and lmc_id.isdigit() and len(lmc_id) <= 9 else None
        if lmc is None:
            form.add_error("lmc_id", "Choose the LMC this officer works for")
    return role, practice, lmc


@bp.route("/users")
@requires(Permission.ADMIN_USERS_MANAGE)
def users():
    # Bounded: SQLite refuses a LIKE pattern over 50,000 bytes, and no name or email is that long.
    query = (request.args.get("q") or "").strip()[:254]
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)  # an offset the database can take
    statement = select(User).order_by(User.email)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(func.lower(User.email).like(pattern) | func.lower(User.full_name).like(pattern))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/users.html", title="Users", users=rows, total=total, page=page, page_size=PAGE_SIZE, q=query
    )


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def new_user():
    form = UserForm()
    form.lmc_id.choices = _lmc_choices()
    if form.validate_on_submit():
        role, practice, lmc = _user_org(form)
        if not form.errors and not form.form_errors:
            try:
                user = accounts.create_user(
                    email=form.email.data, full_name=form.full_name.data, role=role,
                    practice=practice, lmc=lmc, actor=current_user,
                )
                token = accounts.issue_password_link(user, actor=current_user)
            except accounts.AccountError as error:
                db.session.rollback()
                form.add_error(error.field, str(error))
            else:
                db.session.commit()
                return render_template(
                    "admin/user_created.html", title="User created", user=user,
                    link=url_for("accounts.set_password", token=token, _external=True),
                )
    return render_template("admin/user_form.html", title="Add a user", form=form, form_errors=form.error_summary())


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def user_detail(user_id: int):
    user = _load_user(user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.lmc_id.choices = _lmc_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.practice_code.data = user.practice.ods_code if user.practice else ""
        form.lmc_id.data = str(user.lmc_id or "")
    form.email.data = user.email  # the email is the sign-in name and is not changed here
    if form.validate_on_submit():
        role, practice, lmc = _user_org(form)
        if not form.errors and not form.form_errors:
            try:
                user.full_name = form.full_name.data
                if (role, practice, lmc) != (user.role, user.practice, user.lmc):
                    accounts.change_role(user, role, practice, lmc, actor=current_user)
                else:
                    audit.record("user.updated", actor=current_user, object_type="user", object_id=user.id, fields=["full_name"])
                    security_event(Event.USER_UPDATED, Outcome.SUCCESS, user_id=user.id, actor_id=current_user.id, fields="full_name")
            except accounts.AccountError as error:
                db.session.rollback()
                form.add_error(error.field, str(error))
            else:
                db.session.commit()
                flash(f"Saved the changes to {user.email}.", "info")
                return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "admin/user_detail.html", title=user.full_name, user=user, form=form, form_errors=form.error_summary()
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def set_user_active(user_id: int):
    user = _load_user(user_id)
    activate = request.form.get("active") == "yes"
    try:
        accounts.set_active(user, activate, actor=current_user)
    except accounts.AccountError as error:
        flash(str(error), "warning")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    db.session.commit()
    flash(f"{user.email} has been {'reactivated' if activate else 'deactivated and signed out everywhere'}.", "info")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@requires(Permission.ADMIN_USERS_MANAGE)
def new_password_link(user_id: int):
    user = _load_user(user_id)
    if not user.active:
        flash("Reactivate the user before sending a password link.", "warning")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    token = accounts.issue_password_link(user, actor=current_user)
    db.session.commit()
    return render_template(
        "admin/user_created.html", title="New password link", user=user,
        link=url_for("accounts.set_password", token=token, _external=True), reissued=True,
    )


def _icb_choices():
    return [(icb.code, f"{icb.short_name} ({icb.code})") for icb in db.session.scalars(select(ICB).order_by(ICB.name))]


@bp.route("/lmcs")
@requires(Permission.ADMIN_ORGS_MANAGE)
def lmcs():
    rows = [
        (lmc, organisations.covered_practice_count(lmc))
        for lmc in db.session.scalars(select(LMC).order_by(LMC.name))
    ]
    return render_template("admin/lmcs.html", title="LMCs", lmcs=rows)


@bp.route("/lmcs/new", methods=["GET", "POST"], defaults={"lmc_id": None})
@bp.route("/lmcs/<int:lmc_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_ORGS_MANAGE)
def lmc_form(lmc_id: int | None):
    lmc = db.session.get(LMC, lmc_id) if lmc_id is not None else None
    if lmc_id is not None and lmc is None:
        abort(404)
    form = LMCForm()
    form.icb_codes.choices = _icb_choices()
    if request.method == "GET" and lmc is not None:
        form.name.data = lmc.name
        form.icb_codes.data = [icb.code for icb in lmc.icbs]
        form.practice_codes.data = "\n".join(p.ods_code for p in lmc.practices)
    if form.validate_on_submit():
        try:
            saved = organisations.save_lmc(
                name=form.name.data,
                icb_codes=list(form.icb_codes.data or []),
                practice_codes=organisations.parse_codes(form.practice_codes.data),
                actor=current_user,
                lmc=lmc,
            )
        except organisations.OrganisationError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
            # Which practices an LMC covers decides what its officers can see.
            security_event(Event.LMC_COVERAGE_CHANGED, Outcome.SUCCESS, actor_id=current_user.id, lmc_id=saved.id)
            flash(f"Saved {saved.name}: it covers {organisations.covered_practice_count(saved)} practices.", "info")
            return redirect(url_for("admin.lmcs"))
    return render_template(
        "admin/lmc_form.html", title=lmc.name if lmc else "Add an LMC", lmc=lmc, form=form,
        form_errors=form.error_summary(),
    )


@bp.route("/contract-references")
@requires(Permission.ADMIN_REFERENCE_MANAGE)
def contract_references():
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return render_template("admin/contract_references.html", title="Contract references", categories=categories)


@bp.route("/contract-references/<slug>/new", methods=["GET", "POST"], defaults={"ref_id": None})
@bp.route("/contract-references/<slug>/<int:ref_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE_MANAGE)
def contract_reference_form(slug: str, ref_id: int | None):
    category = db.session.get(Category, slug)
    reference = db.session.get(ContractReference, ref_id) if ref_id is not None else None
    if category is None or (ref_id is not None and (reference is None or reference.category_slug != slug)):
        abort(404)
    form = ContractReferenceForm(obj=reference)
    if form.validate_on_submit():
        if reference is None:
            reference = ContractReference(category_slug=slug)
            db.session.add(reference)
        form.populate_obj(reference)
        db.session.flush()
        audit.record(
            "contract_reference.saved", actor=current_user, object_type="contract_reference",
            object_id=reference.id, category=slug, fields=["contract_year", "reference", "description"],
        )
        db.session.commit()
        flash(f"Saved {reference.reference} ({reference.contract_year}) for {category.title}.", "info")
        return redirect(url_for("admin.contract_references"))
    return render_template(
        "admin/contract_reference_form.html", title=f"Contract reference: {category.title}",
        category=category, reference=reference, form=form, form_errors=form.error_summary(),
    )


@bp.route("/practices-without-icb", methods=["GET", "POST"])
@requires(Permission.ADMIN_ORGS_MANAGE)
def practices_without_icb():
    form = PracticeICBForm()
    if request.method == "POST":
        practice = organisations.practice_by_code(request.form.get("practice_code", ""))
        icb = db.session.get(ICB, (form.icb_code.data or "").upper())
        if practice is None or icb is None or not form.validate():
            flash("Choose an ICB for the practice, then save.", "warning")
        else:
            practice.icb_code = icb.code
            audit.record("practice.icb_set", actor=current_user, object_type="practice", object_id=practice.id, icb=icb.code)
            db.session.commit()
            flash(f"{practice.name} is now in {icb.short_name}.", "info")
        return redirect(url_for("admin.practices_without_icb"))
    practices = db.session.scalars(
        select(Practice).where(Practice.icb_code.is_(None), Practice.is_active).order_by(Practice.name)
    ).all()
    return render_template(
        "admin/practices_without_icb.html", title="Practices without an ICB", practices=practices,
        icbs=_icb_choices(), form=form,
    )
