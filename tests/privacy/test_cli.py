"""The check-text command: one verdict per input line, never the text."""

from click.testing import CliRunner

from tracker.privacy.cli import check_text_command


def run(stdin: str | bytes) -> list[str]:
    result = CliRunner().invoke(check_text_command, input=stdin)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_command_name() -> None:
    assert check_text_command.name == "check-text"


def test_one_verdict_per_line() -> None:
    lines = [
        "Seen 12/03/2025, amlodipine 5mg od, call 01865 741166",
        "NHS 943 476 5919",
        "",
        "Lives at SW1A 1AA, x@example.com, also 943-476-5919 and M1 1AE",
        "MRN: A1234567 DOB 12/03/1956",
    ]
    assert run("\n".join(lines) + "\n") == [
        "ok",
        "blocked\tnhs-number",
        "ok",
        "blocked\tnhs-number,postcode,email",
        "blocked\tdate-of-birth,hospital-number",
    ]


def test_never_echoes_text() -> None:
    text = "Patient 943 476 5919 lives at SW1A 1AA, jane.doe@example.com\n"
    output = "\n".join(run(text))
    for fragment in ("943", "5919", "SW1A", "1AA", "jane", "example"):
        assert fragment not in output


def test_crlf_missing_final_newline_and_bad_bytes() -> None:
    assert run(b"ok line\r\n\xff\xfe 943 476 5919\r\nlast DOB 1/2/1950") == [
        "ok",
        "blocked\tnhs-number",
        "blocked\tdate-of-birth",
    ]


def test_empty_input() -> None:
    assert run("") == []
