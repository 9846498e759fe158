"""`check-text`: screen texts from standard input, one per line.

Attached to the app's CLI group elsewhere; this module creates no app.
"""

from __future__ import annotations

import click

from .scanner import kinds_of, scan


@click.command("check-text")
def check_text_command() -> None:
    """Check texts on standard input (one per line) for patient identifiers.

    Writes one line per input line: 'ok', or 'blocked', a tab and the kinds
    found, comma-separated in a fixed order. The text itself is never written.
    """
    # errors="replace": a stray byte must not crash a bulk check, nor be echoed.
    with click.open_file("-", errors="replace") as stdin:
        for line in stdin:
            kinds = kinds_of(scan(line.rstrip("\r\n")))
            click.echo(f"blocked\t{','.join(kinds)}" if kinds else "ok")
