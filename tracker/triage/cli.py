"""``classify``: suggest a category for each line of standard input.

Output is one line per input line, ``slug<TAB>confidence`` (two decimals), in input order, so it
can be pasted beside the input in a spreadsheet. Input is read as bytes and decoded as UTF-8 with
replacement, so no byte sequence can stop a batch half-way. The command is exported as
``classify_command`` for the app's ``flask tracker`` group; this module creates no Flask app.
"""

from __future__ import annotations

import io
import sys
from typing import BinaryIO

import click

from tracker.triage import suggest


def classify_line(raw: bytes, explain: bool = False) -> str:
    """One output line (without newline) for one raw input line."""
    text = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
    s = suggest(text)
    line = f"{s.slug}\t{s.confidence:.2f}"
    if explain:
        # Reasons come from normalised text; tabs/newlines cannot survive normalisation.
        line += "\t" + "; ".join(s.reasons)
    return line


def _binary_stdin() -> BinaryIO:
    # sys.stdin is looked up at call time so that click's CliRunner can substitute it.
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer
    return io.BytesIO(sys.stdin.read().encode("utf-8", errors="replace"))


@click.command("classify")
@click.option("--explain", is_flag=True, help="Add a third column with the matched phrases.")
def classify_command(explain: bool) -> None:
    """Read one text per line from standard input; print slug<TAB>confidence per line."""
    for raw in _binary_stdin():  # splits on b"\n" only, so the output lines up with the input lines
        click.echo(classify_line(raw, explain))

if __name__ == "__main__":
    classify_command()
