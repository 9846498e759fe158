"""``flask tracker backup``, ``restore`` and ``purge``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.cli import fail as _fail
from tracker.extensions import db
from tracker.maintenance import MaintenanceError, backups, retention


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def backup_command(path: Path, force: bool) -> None:
    """Back up the database to PATH, safely while the service runs.

    SQLite: PATH becomes a copy of the database file. PostgreSQL: PATH is a
    pg_dump custom-format archive.
    """
    try:
        contents = backups.make_backup(path, force=force)
    except MaintenanceError as error:
        _fail(str(error))
        return
    click.echo(f"Backed up the {backups.engine_name()} database {backups.describe_database()} to {path}.")
    for line in contents.lines():
        click.echo(line)


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup at PATH.

    Refuses a file that is not a backup of this service, or one made at a different
    migration head from this code's.
    """
    try:
        backup = backups.read_backup(path)
    except MaintenanceError as error:
        _fail(str(error))
        return
    click.echo(f"{path} is a {backup.engine_name} backup of this service at migration head {backup.head}.")
    if backup.inventory is not None:
        for line in backup.inventory.lines()[1:]:
            click.echo(line)
    if not yes:
        question = (
            f"Restoring replaces everything in the database {backups.describe_database()} with this backup. "
            "Anything saved since the backup was made will be lost. Restore now?"
        )
        try:
            confirmed = click.confirm(question, default=False)
        except click.Abort:
            confirmed = False
        if not confirmed:
            click.echo("Nothing was restored.", err=True)
            sys.exit(1)
    try:
        contents = backups.restore_backup(backup)
    except MaintenanceError as error:
        _fail(str(error))
        return
    click.echo(f"Restored {path} into the {backup.engine_name} database {backups.describe_database()}.")
    for line in contents.lines():
        click.echo(line)


@click.command("purge")
@with_appcontext
@click.option("--older-than", "older_than", required=True, metavar="N-months",
              help="Delete reports received more than N months ago, like 24-months (at least 12).")
@click.option("--dry-run", is_flag=True, help="Show what would be deleted, and delete nothing.")
@click.option("--force", is_flag=True, help="Allow keeping fewer than 12 months of reports.")
def purge_command(older_than: str, dry_run: bool, force: bool) -> None:
    """Delete reports received more than N months ago, with their staff time and raise links.

    Audit events are kept (they hold no free text) and one more records the purge.
    """
    try:
        months = retention.parse_older_than(older_than)
        retention.check_retention(months, force=force)
    except MaintenanceError as error:
        _fail(str(error))
        return
    plan = retention.plan_purge(months)
    for line in plan.lines():
        click.echo(line)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was deleted." + (" Run again without --dry-run to delete them." if plan.reports else ""))
        return
    if not plan.reports:
        click.echo("Nothing to delete.")
        return
    done = retention.purge(plan)
    db.session.commit()
    reports = "report" if done.reports == 1 else "reports"
    click.echo(f"Deleted {done.reports:,} {reports}. One audit event records the purge.")
