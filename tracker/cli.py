"""What every ``flask tracker`` command does on a problem the user can fix."""

from __future__ import annotations

import sys

import click

from tracker.extensions import db


def fail(message: str) -> None:
    """Undo any partial work, say what is wrong on standard error, and exit 1."""
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
