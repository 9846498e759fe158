"""Arbitrary input on every form and query string never produces a 5xx.

Hypothesis sends each form fields of arbitrary text: unicode, control characters, NUL bytes,
very long strings, numbers in odd forms, SQL- and template-looking strings. A clear message
(200 with errors, 400, 404, 413) is fine; a 500 or 503 is a bug.

Each test uses the function-scoped ``client`` and ``world`` across its examples (hence the
suppressed health check); what one example writes is rolled back before the next
(``undone``), and the sign-in throttling is reset, so every example starts from the same state.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.hardening.world import PASSWORD, TOTP_SECRET, import_csv, sign_in, undone
from tests.reports.conftest import case_form
from tracker.extensions import limiter
from tracker.reports.importing import COLUMN_NAMES

FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=6)  # for slow targets (PDFs, spreadsheets)

NASTY = (
    "", " ", "\x00", "a\x00b", "\x00" * 50, "\r\n", "\t\x0b\x0c", "\x1b[31m", "\u202e\u202d", "\ufeff", "\u200b",
    "'; DROP TABLE report; --", "' OR '1'='1", "\" OR 1=1 --", "1; SELECT pg_sleep(1)", "%", "_", "%_%", "\\",
    "<script>alert(1)</script>", "{{7*7}}", "{% raw %}", "${7*7}", "=HYPERLINK(\"http://x\")", "@SUM(1)",
    "../../etc/passwd", "//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example/",
    "javascript:alert(1)",
    "²", "١٢٣", "³⁴", "Ⅻ", "1e309", "-0", "0x1F", "NaN", "inf", "-1", "+1", " 1 ", "1,000", "1.5", "0" * 30,
    "9" * 40, str(2**63), str(-(2**63) - 1), "2026-02-30", "31/12/9999", "00/00/0000", "1/1/1",
    "null", "None", "true", "[]", "{}", "%00", "%s%s%s", "🏥" * 200, "x" * 100_000, "é" * 5000,
)

# Any text that can be UTF-8 encoded (lone surrogates cannot be sent at all).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
nasty = st.one_of(
    st.sampled_from(NASTY),
    _TEXT,
    st.integers().map(str),
    st.floats().map(str),
    st.tuples(st.text(min_size=1, max_size=3, alphabet=st.characters(blacklist_categories=("Cs",))),
              st.integers(1000, 30000)).map(lambda pair: pair[0] * pair[1]),
)


def form_of(*names: str, extra=nasty):
    """Some of ``names`` (each with arbitrary text), plus perhaps an unexpected field."""
    return st.tuples(
        st.dictionaries(st.sampled_from(names), nasty, max_size=len(names)),
        st.dictionaries(_TEXT, extra, max_size=1),
    ).map(lambda parts: {**parts[1], **parts[0]})


def query(*names: str) -> st.SearchStrategy[str]:
    return form_of(*names).map(lambda values: urlencode(values))


def _no_server_error(response, what: str = "") -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def _fresh(client, user) -> None:
    limiter.reset()
    sign_in(client, user)


# --- Signing in and passwords --------------------------------------------------------------


@FUZZ
@given(data=form_of("email", "password"), next_url=nasty)
def test_sign_in_form(client, db_session, world, data, next_url):
    with undone(db_session):
        _fresh(client, None)
        _no_server_error(client.post("/sign-in?" + urlencode({"next": next_url}), data=data))


@FUZZ
@given(data=form_of("email", "password"), next_url=nasty)
def test_sign_in_with_the_right_password_and_any_next(client, db_session, world, data, next_url):
    """The right password with an arbitrary ``next``: never a 500, and never sent off-site."""
    with undone(db_session):
        _fresh(client, None)
        user = world.users["practice_user"]
        response = client.post("/sign-in?" + urlencode({"next": next_url}),
                               data={"email": user.email, "password": PASSWORD})
        _no_server_error(response)
        if "\x00" in next_url:  # refused before anything reads it (tracker/web.py)
            assert response.status_code == 400
            return
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@FUZZ
@given(data=form_of("password", "confirm"), token=nasty)
def test_set_password_form(client, db_session, world, data, token):
    with undone(db_session):
        _fresh(client, None)
        _no_server_error(client.post(f"/set-password/{world.password_token}", data=data))
        _no_server_error(client.get(f"/set-password/{quote(token, safe='')}"))


@FUZZ
@given(data=form_of("current_password", "new_password"))
def test_change_password_form(client, db_session, world, data):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.post("/account/password", data=data))


@FUZZ
@given(data=form_of("code"))
def test_two_factor_code_at_sign_in(client, db_session, factory, world, data):
    with undone(db_session):
        officer = factory.user("lmc-officer", lmc=world.lmc, password=PASSWORD)
        officer.totp_secret, officer.totp_enabled = TOTP_SECRET, True
        db_session.flush()
        _fresh(client, None)
        assert client.post("/sign-in", data={"email": officer.email, "password": PASSWORD}).status_code == 302
        _no_server_error(client.post("/sign-in/code", data=data))


@FUZZ
@given(data=form_of("code"))
def test_two_factor_set_up_at_sign_in(client, db_session, factory, world, data):
    with undone(db_session):
        officer = factory.user("lmc-officer", lmc=world.lmc, password=PASSWORD)
        _fresh(client, None)
        assert client.post("/sign-in", data={"email": officer.email, "password": PASSWORD}).status_code == 302
        _no_server_error(client.get("/sign-in/set-up-two-factor"))
        _no_server_error(client.post("/sign-in/set-up-two-factor", data=data))


@FUZZ
@given(data=form_of("code", "current_code", "off-code", "codes-code"))
def test_two_factor_pages_on_the_account(client, db_session, world, data):
    with undone(db_session):
        user = world.users["practice_user"]
        user.totp_secret, user.totp_enabled = TOTP_SECRET, True
        db_session.flush()
        _fresh(client, user)
        for path in ("/account/two-factor/set-up", "/account/two-factor/recovery-codes",
                     "/account/two-factor/turn-off"):
            _no_server_error(client.post(path, data=data), path)


# --- The quick form ------------------------------------------------------------------------

CASE_FIELDS = (
    "received_on-day", "received_on-month", "received_on-year", "trust_code", "default_trust_code",
    "independent_provider", "specialty_code", "source", "description", "category_slug", "action_taken",
    "patient_impact", "direction", "minutes_gp", "minutes_nurse", "minutes_pharmacist", "minutes_admin",
    "submission_token", "action", "version",
)


def _valid_case() -> dict[str, str]:
    return case_form(submission_token="")  # no token: every example logs a case of its own


# Half the time, a valid case with a few fields replaced: that reaches the code past validation.
case_post = st.one_of(
    form_of(*CASE_FIELDS),
    form_of(*CASE_FIELDS).map(lambda changes: {**_valid_case(), **changes}),
)


@FUZZ
@given(data=case_post, logged=nasty)
def test_quick_form_new(client, db_session, world, data, logged):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.post("/reports/new", data=data))
        _no_server_error(client.get("/reports/new?" + urlencode({"logged": logged})))


@FUZZ
@given(data=case_post, keep_version=st.booleans())
def test_quick_form_edit(client, db_session, world, data, keep_version):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        if keep_version:
            data = {**data, "version": str(world.report.version)}
        _no_server_error(client.post(f"/reports/{world.report.id}/edit", data=data))


@FUZZ
@given(data=form_of("reason"))
def test_withdraw_form(client, db_session, world, data):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.post(f"/reports/{world.report.id}/withdraw", data=data))


@FUZZ
@given(data=form_of("description"), payload=st.one_of(
    st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                 lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXT, children, max_size=3),
                 max_leaves=5),
    st.dictionaries(st.just("description"), nasty),
))
def test_triage_assistant(client, db_session, world, data, payload):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.post("/reports/suggest-category", data=data))
        _no_server_error(client.post("/reports/suggest-category", json=payload))


@FUZZ
@given(args=query("from", "to", "provider", "category", "status", "q", "withdrawn", "sort", "order", "page"))
def test_report_list_filters(client, db_session, world, args):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.get(f"/reports?{args}"))


# --- Spreadsheet import --------------------------------------------------------------------

filenames = st.one_of(st.sampled_from(["log.csv", "log.xlsx", "log.CSV", "log.txt", "log", ".csv", "a" * 300 + ".csv"]),
                      _TEXT.map(lambda name: name + ".csv"))


def _csv_of(rows: list[dict], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow([row.get(name, "") for name in COLUMN_NAMES])
    return out.getvalue().encode(encoding, errors="replace")


def _good_row() -> dict[str, str]:
    return dict(zip(COLUMN_NAMES, next(csv.reader(io.StringIO(import_csv().decode().splitlines()[1])))))


csv_rows = st.lists(
    st.one_of(form_of(*COLUMN_NAMES), form_of(*COLUMN_NAMES).map(lambda changes: {**_good_row(), **changes})),
    min_size=1, max_size=4,
)


def _upload_and_apply(client, data: bytes, filename: str) -> None:
    response = client.post("/reports/import", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    _no_server_error(response, "upload")
    if response.status_code == 302:
        job_page = response.headers["Location"]
        _no_server_error(client.get(job_page), "the job page")
        _no_server_error(client.get(f"{job_page}/status"), "the job's status")
        applied = client.post(f"{job_page}/apply")
        _no_server_error(applied, "apply")
        if applied.status_code == 302:
            _no_server_error(client.get(applied.headers["Location"]), "after applying")


@FUZZ
@given(data=st.binary(max_size=4000), filename=filenames)
def test_import_random_bytes(client, db_session, world, data, filename):
    with undone(db_session):
        _fresh(client, world.users["practice_lead"])
        _upload_and_apply(client, data, filename)


@FUZZ
@given(rows=csv_rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_import_random_csv_cells(client, db_session, world, rows, encoding):
    with undone(db_session):
        _fresh(client, world.users["practice_lead"])
        _upload_and_apply(client, _csv_of(rows, encoding), "log.csv")


xlsx_cell = st.one_of(
    nasty.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)[:32000]),
    st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.booleans(),
    st.none(), st.just("=1/0"), st.just("=A1"),
)


@FEW
@given(cells=st.lists(st.lists(xlsx_cell, min_size=1, max_size=len(COLUMN_NAMES)), min_size=1, max_size=3))
def test_import_random_xlsx_cells(client, db_session, world, cells):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMN_NAMES))
    for values in cells:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    with undone(db_session):
        _fresh(client, world.users["practice_lead"])
        _upload_and_apply(client, out.getvalue(), "log.xlsx")


# --- Administrators' forms -----------------------------------------------------------------


@FUZZ
@given(data=form_of("email", "full_name", "role", "practice_code", "lmc_id"),
       role=st.sampled_from(["practice-user", "practice-lead", "lmc-officer", "admin"]), search=query("q", "page"))
def test_admin_user_forms(client, db_session, world, data, role, search):
    with undone(db_session):
        _fresh(client, world.users["admin"])
        with_role = {"role": role, **data}
        _no_server_error(client.post("/admin/users/new", data=with_role), "new user")
        _no_server_error(client.post(f"/admin/users/{world.users['practice_user'].id}", data=with_role), "edit user")
        _no_server_error(client.post(f"/admin/users/{world.users['practice_user'].id}/active", data=data))
        _no_server_error(client.get(f"/admin/users?{search}"), "user search")


@FUZZ
@given(data=form_of("name", "icb_codes", "practice_codes"), icbs=st.lists(nasty, max_size=3))
def test_admin_lmc_form(client, db_session, world, data, icbs):
    with undone(db_session):
        _fresh(client, world.users["admin"])
        posted = {**data, "icb_codes": icbs or data.get("icb_codes", "")}
        _no_server_error(client.post("/admin/lmcs/new", data=posted), "new LMC")
        _no_server_error(client.post(f"/admin/lmcs/{world.lmc.id}", data=posted), "edit LMC")


@FUZZ
@given(data=form_of("contract_year", "reference", "description"), slug=nasty,
       icb=form_of("practice_code", "icb_code"))
def test_admin_contract_reference_and_icb_forms(client, db_session, world, data, slug, icb):
    with undone(db_session):
        _fresh(client, world.users["admin"])
        ref = world.contract_reference
        _no_server_error(client.post(f"/admin/contract-references/{ref.category_slug}/new", data=data))
        _no_server_error(client.post(f"/admin/contract-references/{ref.category_slug}/{ref.id}", data=data))
        _no_server_error(client.get(f"/admin/contract-references/{quote(slug, safe='')}/new"))
        _no_server_error(client.post("/admin/practices-without-icb", data=icb))


# --- The feedback loop ---------------------------------------------------------------------


@FUZZ
@given(args=query("trust", "from", "to", "category", "practices", "tick"),
       data=form_of("raised_on", "contact", "contact_detail", "document_sent"),
       report_ids=st.lists(nasty, max_size=3), include_real=st.booleans())
def test_feedback_raise(client, db_session, world, args, data, report_ids, include_real):
    with undone(db_session):
        _fresh(client, world.users["lmc_officer"])
        _no_server_error(client.get(f"/feedback/raise?{args}"), "raise page")
        ids = report_ids + ([str(world.free_report.id)] if include_real else [])
        _no_server_error(client.post(f"/feedback/raise?trust=RJ1&{args}", data={**data, "report_id": ids}))


@FUZZ
@given(data=form_of("received_on", "summary", "outcome"), show=nasty)
def test_feedback_reply_and_close(client, db_session, world, data, show):
    with undone(db_session):
        _fresh(client, world.users["lmc_officer"])
        raise_id = world.trust_raise.id
        _no_server_error(client.post(f"/feedback/raises/{raise_id}/reply", data=data), "reply")
        _no_server_error(client.post(f"/feedback/raises/{raise_id}/close", data=data), "close")
        _no_server_error(client.get(f"/feedback/raises/{raise_id}?" + urlencode({"practices": show})))


# --- Letters and evidence packs ------------------------------------------------------------


@FUZZ
@given(args=query("letter_type", "recipient", "change"), set_args=query("trust", "category", "from", "to", "step"))
def test_letter_choices(client, db_session, world, args, set_args):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        _no_server_error(client.get(f"/evidence/letters/report/{world.report.id}?{args}"), "letter choice")
        _no_server_error(client.get(f"/evidence/letters/set?{set_args}"), "letter set")


def _letter_type() -> tuple[str, str]:
    from tracker.evidence.letters import templates_for

    template = templates_for("investigations")[0]
    return template.key, "icb" if template.to_icb else template.recipients[0].value


@FEW
@given(data=form_of("subject", "body", "letter_type", "recipient"),
       file_format=st.one_of(st.sampled_from(["docx", "pdf"]), nasty), keep_choice=st.booleans())
def test_letter_download(client, db_session, world, data, file_format, keep_choice):
    with undone(db_session):
        _fresh(client, world.users["practice_user"])
        letter_type, recipient = _letter_type()
        choice = {"letter_type": letter_type, "recipient": recipient} if keep_choice else {}
        posted = {"subject": "A subject", "body": "A body", **data, **choice, "file_format": file_format}
        _no_server_error(client.post(f"/evidence/letters/report/{world.report.id}", data=posted))


@FEW
@given(args=query("trust", "from", "to", "format", "names"), target=st.sampled_from(["pack", "pack/csv", "pack/xlsx"]))
def test_evidence_pack_query_strings(client, db_session, world, args, target):
    with undone(db_session):
        _fresh(client, world.users["lmc_officer"])
        _no_server_error(client.get(f"/evidence/{target}?{args}"))
        _no_server_error(client.get(f"/evidence/{target}?trust=RJ1&{args}"))


# --- Summaries -----------------------------------------------------------------------------

SUMMARY_ARGS = ("period", "from", "to", "chart", "page", "show_practices", "trust", "independent", "category",
                "month", "specialty", "source", "action", "impact", "role")


@FUZZ
@given(args=query(*SUMMARY_ARGS), ods_code=nasty, actor=st.sampled_from(["lmc_officer", "practice_lead"]),
       page=st.sampled_from(["/summaries", "/summaries/trusts/RJ1", "/summaries/trusts/", "/summaries/reports",
                             "/summaries/reports.csv"]))
def test_summary_query_strings(client, db_session, world, args, ods_code, actor, page):
    with undone(db_session):
        _fresh(client, world.users[actor])
        path = page + quote(ods_code, safe="") if page.endswith("/") else page
        _no_server_error(client.get(f"{path}?{args}"), path)
