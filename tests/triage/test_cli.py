"""The classify command: one output line per input line, never crashing on input."""

from __future__ import annotations

from click.testing import CliRunner

from tracker.triage.cli import classify_command


def run(data: bytes | str, *args: str) -> list[str]:
    result = CliRunner().invoke(classify_command, list(args), input=data)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return result.output.splitlines()


def test_one_line_out_per_line_in() -> None:
    lines = run(
        "Cardiology letter: GP to arrange echo before review\n"
        "Declined 24-hour BP monitoring requested by cardiology: not commissioned locally\n"
        "A&G unanswered after 15 working days\n"
    )
    assert [line.split("\t")[0] for line in lines] == [
        "investigations", "non-commissioned", "advice-guidance",
    ]
    for line in lines:
        slug, confidence = line.split("\t")
        assert len(confidence) == 4 and 0.0 < float(confidence) <= 1.0  # e.g. 0.87


def test_empty_and_unclassifiable_lines_are_other_zero() -> None:
    assert run("\n   \nasdf\n") == ["other\t0.00"] * 3


def test_last_line_without_newline_and_crlf() -> None:
    assert run("asdf\r\nGastroenterology: please refer to dietetics")[1].startswith("onward-referral\t")


def test_no_input_gives_no_output() -> None:
    assert run("") == []


def test_invalid_bytes_and_odd_unicode_do_not_crash() -> None:
    data = b"\xff\xfe\x00bad\n\xed\xa0\x80 surrogate\nGP to arrange MRI \xe2\x9c\x93\n\x1b[31m\x07\n\xc3\n"
    lines = run(data)
    assert len(lines) == 5
    assert lines[2].startswith("investigations\t")
    assert all(line.count("\t") == 1 for line in lines)


def test_unicode_separators_do_not_split_lines() -> None:
    # U+2028 / U+0085 are line breaks to str.splitlines but not to the input format.
    assert len(run("GP to arrange echo\u2028second half\u0085more\n")) == 1


def test_explain_adds_the_phrases() -> None:
    (line,) = run("Cardiology letter: GP to arrange echo before review\n", "--explain")
    slug, confidence, reasons = line.split("\t")
    assert slug == "investigations" and "gp to arrange" in reasons


def test_command_name() -> None:
    assert classify_command.name == "classify"
