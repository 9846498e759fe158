"""What every ``flask tracker`` command does on a problem the user can fix."""

from __future__ import annotations

import sys

import click
from flask import has_app_context
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from tracker.database import is_missing_schema, is_unavailable, writing_work
from tracker.extensions import db


def fail(message: str) -> None:
    """Undo any partial work, say what is wrong on standard error, and exit 1."""
    _roll_back()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


class TrackerGroup(AppGroup):
    """The ``flask tracker`` commands. A database that is busy or cannot be reached is a
    message and exit status 1, as it is the 503 page on the web, not a stack trace."""

    def invoke(self, ctx: click.Context):
        try:
            with writing_work():  # on SQLite: wait for the web app's writers, do not fail on them
                return super().invoke(ctx)
        except SQLAlchemyError as error:
            if is_missing_schema(error):
                fail(f"the database does not have the tables this version needs ({_reason(error)}): it was never "
                     "created, or not upgraded to this release, or DATABASE_URL points at the wrong database. "
                     "Check DATABASE_URL, run 'flask --app wsgi db upgrade' (or 'make setup'), then run this "
                     "command again.")
            if not is_unavailable(error):
                raise
            fail(f"the database is busy or cannot be reached ({_reason(error)}). Nothing was saved: "
                 "try again in a minute.")


def _roll_back() -> None:
    """Roll back the command's session; nothing to do once its app context has ended."""
    if not has_app_context():
        return  # the command's app context has ended, and its session was rolled back with it
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone: there is nothing to undo on it


def _reason(error: SQLAlchemyError) -> str:
    """The driver's own first line: what went wrong, without the statement or its values."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
