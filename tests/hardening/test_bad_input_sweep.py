"""Every field of every form, and every filter of every page, given each kind of bad value.

Random fuzzing (``test_fuzz_forms.py``) explores widely but may take many runs to put one
particular value in one particular field. This sweep is the deterministic half: each field in
turn gets each value of ``BAD_VALUES`` while the other fields stay valid (so the request
reaches as deep into the code as a real one), and no answer may be a 5xx.

Each kind of value here once produced a 500 somewhere: NUL bytes (PostgreSQL refuses them in
text), "²" (a digit to ``str.isdigit`` but not a number to ``int``), numbers larger than any
database integer, very long text, and so on.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest

from tests.hardening.world import PASSWORD, TOTP_SECRET, World, import_csv, sign_in, undone
from tests.reports.conftest import case_form
from tracker.extensions import limiter
from tracker.reports.importing import COLUMN_NAMES

BAD_VALUES = (
    "",
    "\x00",
    "a\x00b",
    "²",
    "9" * 25,
    "-1",
    "é" * 30_000,  # 60 KB of UTF-8: over SQLite's 50 KB limit on a LIKE pattern
    "' OR '1'='1' -- %_\\",
    "\r\n\x1b[31m\u202e",
    "🏥",
)


@dataclass(frozen=True)
class Form:
    name: str
    actor: str
    method: str
    url: Callable[[World], str]
    fields: tuple[str, ...]
    base: Callable[[World], dict] = lambda w: {}
    query: Callable[[World], dict] = lambda w: {}  # fixed query arguments of a POST
    prepare: Callable[..., None] | None = None  # (client, world, factory) before each request
    multi: frozenset[str] = field(default_factory=frozenset)  # fields sent as a list


def _case(world: World) -> dict[str, str]:
    return case_form(minutes_gp="10")


def _letter(world: World) -> dict[str, str]:
    from tracker.evidence.letters import templates_for

    template = templates_for("investigations")[0]
    return {"letter_type": template.key, "recipient": "icb" if template.to_icb else template.recipients[0].value,
            "subject": "Echocardiograms", "body": "Dear colleague,\n\nPlease arrange them.", "file_format": "docx"}


def _pending_code(client, world: World, factory) -> None:
    officer = factory.user("lmc-officer", lmc=world.lmc, password=PASSWORD)
    officer.totp_secret, officer.totp_enabled = TOTP_SECRET, True
    factory.session.flush()
    sign_in(client, None)
    client.post("/sign-in", data={"email": officer.email, "password": PASSWORD})


def _pending_setup(client, world: World, factory) -> None:
    officer = factory.user("lmc-officer", lmc=world.lmc, password=PASSWORD)
    sign_in(client, None)
    client.post("/sign-in", data={"email": officer.email, "password": PASSWORD})
    client.get("/sign-in/set-up-two-factor")


def _with_two_factor(client, world: World, factory) -> None:
    user = world.users["practice_user"]
    user.totp_secret, user.totp_enabled = TOTP_SECRET, True
    factory.session.flush()


def _period(world: World) -> dict[str, str]:
    return {"from": world.year_ago, "to": world.today}


CASE_FIELDS = (
    "received_on-day", "received_on-month", "received_on-year", "trust_code", "default_trust_code",
    "independent_provider", "specialty_code", "source", "description", "category_slug", "action_taken",
    "patient_impact", "direction", "minutes_gp", "minutes_nurse", "minutes_pharmacist", "minutes_admin",
    "submission_token", "action",
)
DRILLDOWN = ("trust", "independent", "category", "month", "specialty", "source", "action", "impact", "role",
             "page", "show_practices", "period")

FORMS: tuple[Form, ...] = (
    Form("sign in", "anonymous", "POST", lambda w: "/sign-in", ("email", "password"),
         lambda w: {"email": w.users["practice_user"].email, "password": PASSWORD}),
    Form("sign in: next", "anonymous", "GET", lambda w: "/sign-in", ("next",)),
    Form("set password", "anonymous", "POST", lambda w: f"/set-password/{w.password_token}", ("password", "confirm"),
         lambda w: {"password": "a long new password 2026", "confirm": "a long new password 2026"}),
    Form("change password", "practice_user", "POST", lambda w: "/account/password",
         ("current_password", "new_password"), lambda w: {"current_password": PASSWORD, "new_password": "another one 2026"}),
    Form("two-factor code", "anonymous", "POST", lambda w: "/sign-in/code", ("code",), prepare=_pending_code),
    Form("two-factor set-up at sign-in", "anonymous", "POST", lambda w: "/sign-in/set-up-two-factor", ("code",),
         prepare=_pending_setup),
    Form("two-factor set-up", "practice_user", "POST", lambda w: "/account/two-factor/set-up",
         ("code", "current_code"), prepare=_with_two_factor),
    Form("two-factor off", "practice_user", "POST", lambda w: "/account/two-factor/turn-off", ("off-code",),
         prepare=_with_two_factor),
    Form("new recovery codes", "practice_user", "POST", lambda w: "/account/two-factor/recovery-codes",
         ("codes-code",), prepare=_with_two_factor),
    Form("log a case", "practice_user", "POST", lambda w: "/reports/new", CASE_FIELDS, _case),
    Form("log a case: just logged", "practice_user", "GET", lambda w: "/reports/new", ("logged",)),
    Form("change a case", "practice_user", "POST", lambda w: f"/reports/{w.report.id}/edit",
         ("version", "description", "independent_provider", "trust_code", "minutes_nurse"),
         lambda w: {**_case(w), "version": str(w.report.version), "submission_token": ""}),
    Form("withdraw a case", "practice_user", "POST", lambda w: f"/reports/{w.report.id}/withdraw", ("reason",),
         lambda w: {"reason": "Logged twice"}),
    Form("triage assistant", "practice_user", "POST", lambda w: "/reports/suggest-category", ("description",),
         lambda w: {"description": "No fit note on discharge"}),
    Form("the practice's log", "practice_user", "GET", lambda w: "/reports",
         ("from", "to", "provider", "category", "status", "q", "withdrawn", "sort", "order", "page")),
    Form("admin: new user", "admin", "POST", lambda w: "/admin/users/new",
         ("email", "full_name", "role", "practice_code", "lmc_id"),
         lambda w: {"email": "new.person@example.nhs.uk", "full_name": "New Person", "role": "lmc-officer",
                    "lmc_id": str(w.lmc.id), "practice_code": ""}),
    Form("admin: change user", "admin", "POST", lambda w: f"/admin/users/{w.users['practice_user'].id}",
         ("full_name", "role", "practice_code", "lmc_id"),
         lambda w: {"full_name": "Changed Name", "role": "practice-user", "practice_code": w.practice.ods_code}),
    Form("admin: (de)activate", "admin", "POST", lambda w: f"/admin/users/{w.users['practice_user'].id}/active",
         ("active",)),
    Form("admin: find users", "admin", "GET", lambda w: "/admin/users", ("q", "page")),
    Form("admin: LMC", "admin", "POST", lambda w: f"/admin/lmcs/{w.lmc.id}", ("name", "icb_codes", "practice_codes"),
         lambda w: {"name": "Renamed LMC", "icb_codes": ["QKK"], "practice_codes": w.other_practice.ods_code},
         multi=frozenset({"icb_codes"})),
    Form("admin: contract reference", "admin", "POST",
         lambda w: f"/admin/contract-references/{w.contract_reference.category_slug}/new",
         ("contract_year", "reference", "description"),
         lambda w: {"contract_year": "2025/26", "reference": "SC99.1", "description": "What it requires"}),
    Form("admin: practice's ICB", "admin", "POST", lambda w: "/admin/practices-without-icb",
         ("practice_code", "icb_code"), lambda w: {"practice_code": w.practice.ods_code, "icb_code": "QKK"}),
    Form("raise with a trust: filters", "lmc_officer", "GET", lambda w: "/feedback/raise",
         ("trust", "from", "to", "category", "practices", "tick")),
    Form("raise with a trust", "lmc_officer", "POST", lambda w: "/feedback/raise",
         ("raised_on", "contact", "contact_detail", "document_sent", "report_id"),
         lambda w: {"report_id": str(w.free_report.id), "raised_on": w.today, "contact": "pals",
                    "document_sent": "Letter"},
         query=lambda w: {"trust": "RJ1"}),
    Form("trust's reply", "lmc_officer", "POST", lambda w: f"/feedback/raises/{w.trust_raise.id}/reply",
         ("received_on", "summary", "outcome"),
         lambda w: {"received_on": w.today, "summary": "They will remind clinicians", "outcome": "accepted"}),
    Form("letter: choice", "practice_user", "GET", lambda w: f"/evidence/letters/report/{w.report.id}",
         ("letter_type", "recipient", "change")),
    Form("letter: download", "practice_user", "POST", lambda w: f"/evidence/letters/report/{w.report.id}",
         ("subject", "body", "letter_type", "recipient", "file_format"), _letter),
    Form("letter about a set", "lmc_officer", "GET", lambda w: "/evidence/letters/set",
         ("trust", "category", "from", "to", "step"),
         lambda w: {"trust": "RJ1", "category": "investigations", **_period(w)}),
    Form("evidence pack", "lmc_officer", "GET", lambda w: "/evidence/pack/csv", ("trust", "from", "to", "names"),
         lambda w: {"trust": "RJ1", **_period(w)}),
    Form("evidence pack: format", "practice_lead", "GET", lambda w: "/evidence/pack", ("format", "trust"),
         lambda w: {"trust": "RJ1", **_period(w)}),
    Form("summaries", "lmc_officer", "GET", lambda w: "/summaries", ("period", "from", "to")),
    Form("trust summary", "practice_lead", "GET", lambda w: "/summaries/trusts/RJ1", ("period", "from", "to", "chart")),
    Form("reports behind the figures", "lmc_officer", "GET", lambda w: "/summaries/reports.csv", DRILLDOWN,
         lambda w: {"trust": "RJ1", **_period(w)}),
    Form("reports behind the figures: page", "lmc_officer", "GET", lambda w: "/summaries/reports",
         ("page", "independent"), _period),
)

# Values that stand in a URL's path rather than its query.
PATHS = (
    ("summary of a trust", "lmc_officer", lambda w, v: f"/summaries/trusts/{v}"),
    ("password link", "anonymous", lambda w, v: f"/set-password/{v}"),
    ("contract reference's category", "admin", lambda w, v: f"/admin/contract-references/{v}/new"),
    ("import template", "practice_lead", lambda w, v: f"/reports/import/template.{v}"),
)


def _send(client, form: Form, world: World, values: dict):
    if form.method == "GET":
        return client.get(f"{form.url(world)}?{urlencode(values, doseq=True)}")
    query = form.query(world)
    url = form.url(world) + (f"?{urlencode(query)}" if query else "")
    return client.post(url, data=values)


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_each_field_takes_each_kind_of_bad_value(client, db_session, factory, world, form):
    failures = []
    for name in form.fields:
        for bad in BAD_VALUES:
            with undone(db_session):
                limiter.reset()
                sign_in(client, world.user(form.actor))
                if form.prepare:
                    form.prepare(client, world, factory)
                value = [bad] if name in form.multi else bad
                response = _send(client, form, world, {**form.base(world), name: value})
                if response.status_code >= 500:
                    failures.append(f"{name}={bad[:20]!r}: {response.status_code}")
    assert not failures, f"{form.name}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("place", PATHS, ids=[place[0] for place in PATHS])
def test_each_kind_of_bad_value_in_a_path(client, world, place):
    _, actor, url = place
    sign_in(client, world.user(actor))
    failures = [f"{url(world, quote(bad, safe=''))[:60]}: {response.status_code}"
                for bad in BAD_VALUES
                if (response := client.get(url(world, quote(bad, safe='')))).status_code >= 500]
    assert not failures


@pytest.mark.parametrize("column", COLUMN_NAMES)
def test_each_spreadsheet_column_takes_each_kind_of_bad_value(client, db_session, world, column):
    """Upload a one-row file with the bad value in ``column``, and import it when it passes."""
    header, row = import_csv().decode().splitlines()
    cells = dict(zip(COLUMN_NAMES, row.split(","), strict=True))
    failures = []
    for bad in BAD_VALUES:
        with undone(db_session):
            sign_in(client, world.users["practice_lead"])
            quoted = '"' + bad.replace('"', '""') + '"'
            line = ",".join(quoted if name == column else cells[name] for name in COLUMN_NAMES)
            data = f"{header}\n{line}\n".encode("utf-8")
            response = client.post("/reports/import", data={"file": (io.BytesIO(data), "log.csv")},
                                   content_type="multipart/form-data")
            answers = [response]
            if response.status_code == 302:
                job = response.headers["Location"]
                answers += [client.get(job), client.post(f"{job}/apply")]
            failures += [f"{bad[:20]!r}: {answer.status_code}" for answer in answers if answer.status_code >= 500]
    assert not failures, f"{column}: " + ", ".join(failures)


def test_a_nul_character_gets_the_400_page_saying_what_to_do(client, world):
    sign_in(client, world.users["practice_user"])
    response = client.post("/reports/new", data={**_case(world), "description": "Echo\x00requested"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the request" in page
    assert "retype the text rather than pasting it" in page
