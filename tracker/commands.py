"""The ``flask tracker ...`` commands. Each commits only when everything succeeded."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app, url_for
from sqlalchemy import func, select

from tracker.accounts import services as accounts
from tracker.accounts.permissions import Role
from tracker.config import PROJECT_ROOT
from tracker.cli import TrackerGroup
from tracker.cli import fail as _fail
from tracker.extensions import db
from tracker.maintenance.cli import backup_command, purge_command, restore_command
from tracker.organisations import services as organisations
from tracker.organisations.models import LMC, Trust
from tracker.privacy.cli import check_text_command
from tracker.triage.cli import classify_command

tracker_cli = TrackerGroup("tracker", help="Run the tracker's own commands.")

# Pure text tools: they need no database, and read standard input line by line.
tracker_cli.add_command(classify_command, "classify")
tracker_cli.add_command(check_text_command, "check-text")

# Operations: backups, restores and the retention purge (tracker/maintenance/).
tracker_cli.add_command(backup_command)
tracker_cli.add_command(restore_command)
tracker_cli.add_command(purge_command)


@tracker_cli.command("import-ods")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def import_ods_command(folder: Path) -> None:
    """Load trusts, ICBs and GP practices from the ODS files in FOLDER (idempotent)."""
    from tracker.organisations.ods_import import OdsImportError, import_ods

    try:
        summary = import_ods(folder)
    except OdsImportError as error:
        _fail(f"{error}. Nothing was loaded.")
        return
    db.session.commit()
    for line in summary.lines():
        click.echo(line)


@tracker_cli.command("load-reference")
def load_reference_command() -> None:
    """Create or refresh the categories, contract references and specialties."""
    from tracker.reference import load_reference_data

    created = load_reference_data()
    db.session.commit()
    click.echo(", ".join(f"{count} {name.replace('_', ' ')} created" for name, count in created.items()))


def _set_password_url(token: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return url_for("accounts.set_password", token=token, _external=True)


@tracker_cli.command("create-user")
@click.option("--email", required=True, help="Work email address; the user signs in with it.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--practice", "practice_code", help="Practice ODS code (practice users and leads).")
@click.option("--lmc", "lmc_name", help="LMC name (LMC officers).")
def create_user_command(email, full_name, role, practice_code, lmc_name) -> None:
    """Create a user and print the one-time link with which they set their password."""
    role = Role(role)
    practice = lmc = None
    if role.belongs_to_practice:
        if not practice_code:
            _fail("a practice user needs --practice with the practice's ODS code, like A81001")
        practice = organisations.practice_by_code(practice_code)
        if practice is None:
            _fail(f"no GP practice has the ODS code '{practice_code}': check the code, or run import-ods first")
    elif role is Role.LMC_OFFICER:
        if not lmc_name:
            _fail("an LMC officer needs --lmc with the LMC's name")
        lmc = db.session.scalar(select(LMC).where(func.lower(LMC.name) == lmc_name.strip().lower()))
        if lmc is None:
            _fail(f"no LMC is called '{lmc_name}': create it first with create-lmc")
    try:
        user = accounts.create_user(email=email, full_name=full_name, role=role, practice=practice, lmc=lmc)
        token = accounts.issue_password_link(user)
    except accounts.AccountError as error:
        _fail(str(error))
        return
    db.session.commit()
    click.echo(f"Created {user.email} ({role.label}, {user.organisation_name}).")
    click.echo(f"Give them this link to set their password (works once, for 7 days):\n{_set_password_url(token)}")


@tracker_cli.command("create-lmc")
@click.option("--name", required=True, help="The LMC's name.")
@click.option("--icb", "icbs", multiple=True, help="ODS code of an ICB it covers in full (repeat for more).")
@click.option("--practices", default="", help="ODS codes of other practices it covers, comma-separated.")
def create_lmc_command(name, icbs, practices) -> None:
    """Create an LMC, or update the one of that name, and set the practices it covers."""
    existing = db.session.scalar(select(LMC).where(func.lower(LMC.name) == name.strip().lower()))
    try:
        lmc = organisations.save_lmc(
            name=name,
            icb_codes=[code.upper() for code in icbs],
            practice_codes=organisations.parse_codes(practices),
            actor=None,
            lmc=existing,
        )
    except organisations.OrganisationError as error:
        _fail(str(error))
        return
    db.session.commit()
    click.echo(
        f"{'Updated' if existing else 'Created'} {lmc.name}: covers {organisations.covered_practice_count(lmc)} practices."
    )


@tracker_cli.command("load-demo")
def load_demo_command() -> None:
    """Create demo LMCs, users and reports (development only)."""
    from tracker import demo

    try:
        sign_ins = demo.load_demo()
    except demo.DemoRefused as error:
        _fail(str(error))
        return
    db.session.commit()
    _print_sign_ins(sign_ins)


def _print_sign_ins(sign_ins) -> None:
    click.echo("Demo sign-ins (password: the DEMO_PASSWORD setting, "
               f"now '{current_app.config['DEMO_PASSWORD']}'):")
    for email, role in sign_ins:
        click.echo(f"  {email:<34} {role}")


@tracker_cli.command("setup")
@click.option("--ods", "ods_folder", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "data" / "ods", show_default=True)
@click.option("--demo/--no-demo", default=True, help="Load demo data into an empty database (development only).")
def setup_command(ods_folder: Path, demo: bool) -> None:
    """First-run set-up after the migrations: reference data, ODS data, demo data if empty."""
    from tracker import demo as demo_data
    from tracker.organisations.ods_import import OdsImportError, import_ods
    from tracker.reference import load_reference_data

    load_reference_data()
    if db.session.scalar(select(Trust.id).limit(1)) is None:
        try:
            summary = import_ods(ods_folder)
        except OdsImportError as error:
            _fail(f"{error}. Nothing was loaded.")
            return
        for line in summary.lines():
            click.echo(line)
    db.session.commit()
    if demo and not current_app.config["PRODUCTION"]:
        fresh = not demo_data.has_users()
        sign_ins = demo_data.load_demo()
        db.session.commit()
        if fresh:
            click.echo("Demo data loaded.")
        _print_sign_ins(sign_ins)
