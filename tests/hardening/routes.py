"""Who may use each route: one table, read by the access matrix, the CSRF check and the check
that GET changes nothing.

Each row is (endpoint, method, URL built from the test world, expected status per actor, form
data). The expected statuses are written as seven columns in the order of ``world.ACTORS``:

    anon  user  lead  othr  lmc   olmc  admin

anon  nobody signed in (302 means: sent to the sign-in page)
user  practice user at practice A          lead  practice lead at practice A
othr  practice user at practice B          lmc   LMC officer of the LMC covering A
olmc  officer of the LMC covering B        admin administrator

"Own" objects belong to practice A and its LMC, "other" objects to practice B and its LMC: a
user reaching another organisation's object gets 404, never the object (and never 403, which
would confirm that it exists).

Every endpoint of the app must have a row for each of its methods, or be in ``SKIPPED`` with
the reason: a route added later fails ``test_every_route_is_in_the_matrix`` until someone
writes down who may use it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from tests.hardening.world import ACTORS, World, import_csv

# Column shorthands for the common shapes (see the module docstring for the order).
EVERYONE = "200 200 200 200 200 200 200"
SIGNED_IN = "302 200 200 200 200 200 200"
REDIRECTED = "302 302 302 302 302 302 302"
ADMIN_ONLY = "302 403 403 403 403 403 200"
PRACTICES = "302 200 200 200 403 403 403"
OWN_PRACTICE = "302 200 200 404 403 403 403"
OTHER_PRACTICE = "302 404 404 200 403 403 403"
LEAD_ONLY = "302 403 200 403 403 403 403"
SUMMARY_READERS = "302 403 200 403 200 200 403"
LETTER_WRITERS = "302 200 200 200 200 200 403"
LMC_OFFICERS = "302 403 403 403 200 200 403"


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: str
    data: Callable[[World], dict] | None = None
    label: str = ""
    statuses: dict[str, int] = field(init=False, compare=False, hash=False, default_factory=dict)

    def __post_init__(self):
        codes = [int(code) for code in self.expected.split()]
        if len(codes) != len(ACTORS):
            raise ValueError(f"{self.endpoint}: give {len(ACTORS)} statuses, one per actor")
        self.statuses.update(dict(zip(ACTORS, codes, strict=True)))

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" [{self.label}]" if self.label else "")

    def allowed_actors(self) -> list[str]:
        """Actors for whom the route does its work (not sent away, refused or told 'not found')."""
        return [actor for actor, code in self.statuses.items() if code not in (302, 403, 404) or
                (code == 302 and actor != "anonymous" and self.method == "POST")]


def _case_form(world: World, **changes) -> dict[str, str]:
    today = date.today()
    form = {
        "received_on-day": str(today.day), "received_on-month": str(today.month),
        "received_on-year": str(today.year), "trust_code": "RJ1", "specialty_code": "320",
        "source": "clinic-letter", "description": "Cardiology letter: GP to arrange echo before review",
        "category_slug": "investigations", "action_taken": "done-under-protest", "patient_impact": "none",
        "submission_token": "0123456789abcdef0123456789abcdef", "action": "save",
    }
    form.update(changes)
    return form


def _edit_form(report_of: Callable[[World], object]) -> Callable[[World], dict]:
    def data(world: World) -> dict:
        report = report_of(world)
        return _case_form(world, version=str(report.version), description="Changed: GP to arrange an echo",
                          submission_token="")
    return data


def _letter(world: World) -> dict:
    from tracker.evidence.letters import templates_for

    template = templates_for("investigations")[0]
    recipient = "icb" if template.to_icb else template.recipients[0].value
    return {"letter_type": template.key, "recipient": recipient, "subject": "Echocardiograms requested of GPs",
            "body": "Dear colleague,\n\nPlease arrange these tests yourselves.\n", "file_format": "docx"}


def _upload(world: World) -> dict:
    return {"file": (io.BytesIO(import_csv()), "log.csv")}


def _raise(report_of: Callable[[World], object]) -> Callable[[World], dict]:
    def data(world: World) -> dict:
        return {"report_id": str(report_of(world).id), "raised_on": world.today, "contact": "contracts-team",
                "document_sent": "Letter of concern"}
    return data


def _reply(world: World) -> dict:
    return {"received_on": world.today, "summary": "The trust will remind its clinicians", "outcome": "accepted"}


def _period(world: World) -> str:
    return f"from={world.year_ago}&to={world.today}"


ROWS: tuple[Row, ...] = (
    # --- information pages and the landing page ---------------------------------------------
    Row("main.index", "GET", lambda w: "/", REDIRECTED),
    Row("main.health", "GET", lambda w: "/health", EVERYONE),
    Row("main.home", "GET", lambda w: "/home", SIGNED_IN),
    Row("main.data_protection", "GET", lambda w: "/data-protection", EVERYONE),
    Row("main.accessibility", "GET", lambda w: "/accessibility", EVERYONE),
    # --- signing in, out, passwords and the second factor ----------------------------------
    Row("accounts.sign_in", "GET", lambda w: "/sign-in", "200 302 302 302 302 302 302"),
    Row("accounts.sign_in", "POST", lambda w: "/sign-in", "200 302 302 302 302 302 302",
        lambda w: {"email": "nobody@example.nhs.uk", "password": "not the password"}, "wrong password"),
    Row("accounts.sign_out", "POST", lambda w: "/sign-out", REDIRECTED),
    Row("accounts.set_password", "GET", lambda w: f"/set-password/{w.password_token}", EVERYONE),
    Row("accounts.set_password", "POST", lambda w: f"/set-password/{w.password_token}", EVERYONE,
        lambda w: {"password": "a long new password", "confirm": "a different one"}, "passwords differ"),
    Row("accounts.set_password", "GET", lambda w: "/set-password/not-a-real-token", "404 404 404 404 404 404 404",
        label="unknown token"),
    # Without a password just entered, the code pages send everyone on (signed in: home).
    Row("accounts.two_factor_code", "GET", lambda w: "/sign-in/code", REDIRECTED),
    Row("accounts.two_factor_code", "POST", lambda w: "/sign-in/code", REDIRECTED, lambda w: {"code": "123456"}),
    Row("accounts.two_factor_required_setup", "GET", lambda w: "/sign-in/set-up-two-factor", REDIRECTED),
    Row("accounts.two_factor_required_setup", "POST", lambda w: "/sign-in/set-up-two-factor", REDIRECTED,
        lambda w: {"code": "123456"}),
    Row("accounts.account", "GET", lambda w: "/account", SIGNED_IN),
    Row("accounts.change_password", "GET", lambda w: "/account/password", SIGNED_IN),
    Row("accounts.change_password", "POST", lambda w: "/account/password", SIGNED_IN,
        lambda w: {"current_password": "not the password", "new_password": "a long new password"},
        "wrong current password"),
    Row("accounts.two_factor_manage", "GET", lambda w: "/account/two-factor", SIGNED_IN),
    Row("accounts.two_factor_setup", "GET", lambda w: "/account/two-factor/set-up", SIGNED_IN),
    Row("accounts.two_factor_setup", "POST", lambda w: "/account/two-factor/set-up", SIGNED_IN,
        lambda w: {"code": "000000"}, "wrong code"),
    # Nobody in the world has two-factor turned on: both send back to the account page.
    Row("accounts.two_factor_new_recovery_codes", "POST", lambda w: "/account/two-factor/recovery-codes",
        REDIRECTED, lambda w: {"codes-code": "000000"}),
    Row("accounts.two_factor_turn_off", "POST", lambda w: "/account/two-factor/turn-off", REDIRECTED,
        lambda w: {"off-code": "000000"}),
    Row("accounts.reset_two_factor", "POST", lambda w: f"/admin/users/{w.users['lmc_officer'].id}/two-factor/reset",
        "302 403 403 403 403 403 302"),
    Row("accounts.reset_two_factor", "POST", lambda w: f"/admin/users/{w.missing_id}/two-factor/reset",
        "302 403 403 403 403 403 404", label="no such user"),
    # --- administrators ----------------------------------------------------------------------
    Row("admin.users", "GET", lambda w: "/admin/users", ADMIN_ONLY),
    Row("admin.new_user", "GET", lambda w: "/admin/users/new", ADMIN_ONLY),
    Row("admin.new_user", "POST", lambda w: "/admin/users/new", ADMIN_ONLY, lambda w: {}, "empty form"),
    Row("admin.user_detail", "GET", lambda w: f"/admin/users/{w.users['practice_user'].id}", ADMIN_ONLY),
    Row("admin.user_detail", "GET", lambda w: f"/admin/users/{w.users['admin'].id}", ADMIN_ONLY, label="an admin"),
    Row("admin.user_detail", "GET", lambda w: f"/admin/users/{w.missing_id}", "302 403 403 403 403 403 404",
        label="no such user"),
    Row("admin.user_detail", "POST", lambda w: f"/admin/users/{w.users['practice_user'].id}", ADMIN_ONLY,
        lambda w: {}, "empty form"),
    Row("admin.set_user_active", "POST", lambda w: f"/admin/users/{w.users['practice_user'].id}/active",
        "302 403 403 403 403 403 302", lambda w: {"active": "no"}),
    Row("admin.new_password_link", "POST", lambda w: f"/admin/users/{w.users['practice_user'].id}/password-link",
        ADMIN_ONLY),
    Row("admin.lmcs", "GET", lambda w: "/admin/lmcs", ADMIN_ONLY),
    Row("admin.lmc_form", "GET", lambda w: "/admin/lmcs/new", ADMIN_ONLY, label="new"),
    Row("admin.lmc_form", "GET", lambda w: f"/admin/lmcs/{w.other_lmc.id}", ADMIN_ONLY),
    Row("admin.lmc_form", "GET", lambda w: f"/admin/lmcs/{w.missing_id}", "302 403 403 403 403 403 404",
        label="no such LMC"),
    Row("admin.lmc_form", "POST", lambda w: "/admin/lmcs/new", ADMIN_ONLY, lambda w: {}, "empty form"),
    Row("admin.lmc_form", "POST", lambda w: f"/admin/lmcs/{w.lmc.id}", "302 403 403 403 403 403 302",
        lambda w: {"name": "Renamed LMC", "icb_codes": "QKK"}, "rename"),
    Row("admin.contract_references", "GET", lambda w: "/admin/contract-references", ADMIN_ONLY),
    Row("admin.contract_reference_form", "GET",
        lambda w: f"/admin/contract-references/{w.contract_reference.category_slug}/new", ADMIN_ONLY, label="new"),
    Row("admin.contract_reference_form", "GET",
        lambda w: f"/admin/contract-references/{w.contract_reference.category_slug}/{w.contract_reference.id}",
        ADMIN_ONLY),
    Row("admin.contract_reference_form", "GET", lambda w: "/admin/contract-references/no-such-category/new",
        "302 403 403 403 403 403 404", label="no such category"),
    Row("admin.contract_reference_form", "POST",
        lambda w: f"/admin/contract-references/{w.contract_reference.category_slug}/{w.contract_reference.id}",
        ADMIN_ONLY, lambda w: {"contract_year": "last year"}, "not a contract year"),
    Row("admin.practices_without_icb", "GET", lambda w: "/admin/practices-without-icb", ADMIN_ONLY),
    Row("admin.practices_without_icb", "POST", lambda w: "/admin/practices-without-icb",
        "302 403 403 403 403 403 302", lambda w: {}, "nothing chosen"),
    # --- logging cases and the practice's log ------------------------------------------------
    Row("reports.new_report", "GET", lambda w: "/reports/new", PRACTICES),
    Row("reports.new_report", "POST", lambda w: "/reports/new", "302 302 302 302 403 403 403", _case_form),
    Row("reports.report_logged", "GET", lambda w: f"/reports/{w.report.id}/logged", OWN_PRACTICE),
    Row("reports.report_logged", "GET", lambda w: f"/reports/{w.other_report.id}/logged", OTHER_PRACTICE,
        label="other practice's report"),
    Row("reports.suggest_category", "POST", lambda w: "/reports/suggest-category", PRACTICES,
        lambda w: {"description": "Discharged without a fit note"}),
    Row("reports.list_reports", "GET", lambda w: "/reports", PRACTICES),
    Row("reports.list_reports", "GET", lambda w: f"/reports?q={w.report.id}&withdrawn=yes", PRACTICES,
        label="filtered"),
    Row("reports.report_detail", "GET", lambda w: f"/reports/{w.report.id}", OWN_PRACTICE),
    Row("reports.report_detail", "GET", lambda w: f"/reports/{w.other_report.id}", OTHER_PRACTICE,
        label="other practice's report"),
    Row("reports.report_detail", "GET", lambda w: f"/reports/{w.missing_id}", "302 404 404 404 403 403 403",
        label="no such report"),
    Row("reports.edit_report", "GET", lambda w: f"/reports/{w.report.id}/edit", OWN_PRACTICE),
    Row("reports.edit_report", "GET", lambda w: f"/reports/{w.other_report.id}/edit", OTHER_PRACTICE,
        label="other practice's report"),
    Row("reports.edit_report", "POST", lambda w: f"/reports/{w.report.id}/edit", "302 302 302 404 403 403 403",
        _edit_form(lambda w: w.report)),
    Row("reports.edit_report", "POST", lambda w: f"/reports/{w.other_report.id}/edit",
        "302 404 404 302 403 403 403", _edit_form(lambda w: w.other_report), "other practice's report"),
    Row("reports.withdraw_report", "GET", lambda w: f"/reports/{w.report.id}/withdraw", OWN_PRACTICE),
    Row("reports.withdraw_report", "GET", lambda w: f"/reports/{w.other_report.id}/withdraw", OTHER_PRACTICE,
        label="other practice's report"),
    Row("reports.withdraw_report", "POST", lambda w: f"/reports/{w.report.id}/withdraw",
        "302 302 302 404 403 403 403", lambda w: {"reason": "Logged twice"}),
    Row("reports.withdraw_report", "POST", lambda w: f"/reports/{w.other_report.id}/withdraw",
        "302 404 404 302 403 403 403", lambda w: {"reason": "Logged twice"}, "other practice's report"),
    # --- spreadsheet import (practice leads) ----------------------------------------------------
    Row("reports.import_start", "GET", lambda w: "/reports/import", LEAD_ONLY),
    Row("reports.import_template", "GET", lambda w: "/reports/import/template.csv", LEAD_ONLY, label="csv"),
    Row("reports.import_template", "GET", lambda w: "/reports/import/template.xlsx", LEAD_ONLY, label="xlsx"),
    Row("reports.import_upload", "POST", lambda w: "/reports/import", "302 403 302 403 403 403 403", _upload),
    Row("reports.import_job", "GET", lambda w: f"/reports/import/{w.job.id}", LEAD_ONLY),
    Row("reports.import_job", "GET", lambda w: f"/reports/import/{w.other_job.id}", "302 403 404 403 403 403 403",
        label="other practice's job"),
    Row("reports.import_status", "GET", lambda w: f"/reports/import/{w.job.id}/status", LEAD_ONLY),
    Row("reports.import_status", "GET", lambda w: f"/reports/import/{w.other_job.id}/status",
        "302 403 404 403 403 403 403", label="other practice's job"),
    Row("reports.import_done", "GET", lambda w: f"/reports/import/{w.job.id}/done", "302 403 302 403 403 403 403",
        label="not applied yet: back to the job"),
    Row("reports.import_done", "GET", lambda w: f"/reports/import/{w.other_job.id}/done",
        "302 403 404 403 403 403 403", label="other practice's job"),
    Row("reports.import_apply", "POST", lambda w: f"/reports/import/{w.job.id}/apply", "302 403 302 403 403 403 403"),
    Row("reports.import_apply", "POST", lambda w: f"/reports/import/{w.other_job.id}/apply",
        "302 403 404 403 403 403 403", label="other practice's job"),
    # --- summaries (practice leads: their practice; LMC officers: their LMC) ---------------------
    Row("summaries.index", "GET", lambda w: "/summaries", SUMMARY_READERS),
    Row("summaries.trust", "GET", lambda w: f"/summaries/trusts/RJ1?{_period(w)}", SUMMARY_READERS),
    Row("summaries.trust", "GET", lambda w: "/summaries/trusts/XXXXX", "302 403 404 403 404 404 403",
        label="no such trust"),
    Row("summaries.reports", "GET", lambda w: f"/summaries/reports?{_period(w)}", SUMMARY_READERS),
    Row("summaries.reports", "GET", lambda w: f"/summaries/reports?trust=RJ1&show_practices=1&{_period(w)}",
        SUMMARY_READERS, label="with practice names"),
    Row("summaries.reports_csv", "GET", lambda w: f"/summaries/reports.csv?show_practices=1&{_period(w)}",
        SUMMARY_READERS),
    # --- letters and evidence packs ----------------------------------------------------------
    Row("evidence.index", "GET", lambda w: "/evidence/", LETTER_WRITERS),
    Row("evidence.letter_from_report", "GET", lambda w: f"/evidence/letters/report/{w.report.id}",
        "302 200 200 404 200 404 403"),
    Row("evidence.letter_from_report", "GET", lambda w: f"/evidence/letters/report/{w.other_report.id}",
        "302 404 404 200 404 200 403", label="other organisation's report"),
    Row("evidence.letter_from_report", "POST", lambda w: f"/evidence/letters/report/{w.report.id}",
        "302 200 200 404 200 404 403", _letter),
    Row("evidence.letter_from_report", "POST", lambda w: f"/evidence/letters/report/{w.other_report.id}",
        "302 404 404 200 404 200 403", _letter, "other organisation's report"),
    Row("evidence.letter_for_set", "GET", lambda w: "/evidence/letters/set", LETTER_WRITERS),
    Row("evidence.letter_for_set", "GET",
        lambda w: f"/evidence/letters/set?trust=RJ1&category=investigations&{_period(w)}", LETTER_WRITERS,
        label="a trust's cases"),
    Row("evidence.letter_for_set", "POST",
        lambda w: f"/evidence/letters/set?trust=RJ1&category=investigations&{_period(w)}", LETTER_WRITERS,
        _letter, "download"),
    Row("evidence.pack", "GET", lambda w: "/evidence/pack", SUMMARY_READERS),
    Row("evidence.pack_pdf", "GET", lambda w: f"/evidence/pack/pdf?trust=RJ1&{_period(w)}", SUMMARY_READERS),
    Row("evidence.pack_xlsx", "GET", lambda w: f"/evidence/pack/xlsx?trust=RJ1&{_period(w)}", SUMMARY_READERS),
    Row("evidence.pack_csv", "GET", lambda w: f"/evidence/pack/csv?trust=RJ1&names=yes&{_period(w)}",
        SUMMARY_READERS),
    # --- the feedback loop (LMC officers, their own LMC's raises only) --------------------------
    Row("feedback.index", "GET", lambda w: "/feedback", LMC_OFFICERS),
    Row("feedback.new_raise", "GET", lambda w: "/feedback/raise?trust=RJ1&tick=all&practices=show", LMC_OFFICERS),
    # The other LMC's officer is told the report is not theirs to raise (200, with the error).
    Row("feedback.new_raise", "POST", lambda w: "/feedback/raise?trust=RJ1", "302 403 403 403 302 200 403",
        _raise(lambda w: w.free_report)),
    Row("feedback.new_raise", "POST", lambda w: "/feedback/raise?trust=RJ1", "302 403 403 403 200 302 403",
        _raise(lambda w: w.other_free_report), "other LMC's report"),
    Row("feedback.raise_detail", "GET", lambda w: f"/feedback/raises/{w.trust_raise.id}?practices=show",
        "302 403 403 403 200 404 403"),
    Row("feedback.raise_detail", "GET", lambda w: f"/feedback/raises/{w.other_raise.id}?practices=show",
        "302 403 403 403 404 200 403", label="other LMC's raise"),
    Row("feedback.record_reply", "POST", lambda w: f"/feedback/raises/{w.trust_raise.id}/reply",
        "302 403 403 403 302 404 403", _reply),
    Row("feedback.record_reply", "POST", lambda w: f"/feedback/raises/{w.other_raise.id}/reply",
        "302 403 403 403 404 302 403", _reply, "other LMC's raise"),
    Row("feedback.close_raise", "POST", lambda w: f"/feedback/raises/{w.trust_raise.id}/close",
        "302 403 403 403 302 404 403"),
    Row("feedback.close_raise", "POST", lambda w: f"/feedback/raises/{w.other_raise.id}/close",
        "302 403 403 403 404 302 403", label="other LMC's raise"),
)

# Endpoints deliberately left out of the matrix, with the reason. Keep this short.
SKIPPED: dict[str, str] = {
    "static": "files under tracker/static: public by design, no data",
}

# GET routes that may write: downloads of evidence files record an audit event (who took
# which figures away), and nothing else.
AUDITED_DOWNLOADS = frozenset({"evidence.pack_pdf", "evidence.pack_xlsx", "evidence.pack_csv"})


def rows_for(method: str) -> list[Row]:
    return [row for row in ROWS if row.method == method]
