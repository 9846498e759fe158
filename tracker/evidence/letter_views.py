"""Response letters: choose the letter type and recipient, edit the draft, download it.

Nothing is stored: the letter is drafted from the data on each GET and the edited text is
turned into a file on the POST, after the identifier guard has checked it. An audit event
records the letter type, the recipient and how many reports it covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import audit, privacy
from tracker.accounts.permissions import Permission, requires
from tracker.categories.models import Category
from tracker.evidence import data
from tracker.evidence.blueprint import bp
from tracker.evidence.downloads import send_download
from tracker.evidence.forms import FILE_FORMATS, LetterChoiceForm, LetterSetForm, LetterTextForm
from tracker.evidence.letter_files import document_text, letter_docx, letter_pdf
from tracker.evidence.letters import (
    MAX_CASES_LISTED,
    LetterCase,
    LetterFacts,
    LetterTemplate,
    draft_letter,
    templates_for,
    uk_date,
)
from tracker.evidence.references import citation
from tracker.evidence.scope import letter_scope, writes_as_practice
from tracker.extensions import db
from tracker.feedback.models import Contact
from tracker.organisations.models import Trust
from tracker.reports.models import Report

TEXT_LABELS = {"subject": "Subject", "body": "Letter"}


@dataclass
class LetterSubject:
    """What a letter is about: one report, or a set of one trust's reports in one category."""

    category_slug: str
    provider_name: str
    icb_name: str
    cases: list[LetterCase]
    total_cases: int
    period: tuple[date, date] | None
    heading: str
    endpoint: str
    # The page's own arguments: in the URL of every step, and hidden fields of the GET choice.
    url_args: dict[str, str | int] = field(default_factory=dict)
    audit_object: tuple[str, int] = ("report", 0)
    file_stem: str = "letter"

    def url(self, **extra: str) -> str:
        return url_for(self.endpoint, **self.url_args, **extra)

    @property
    def hidden_args(self) -> dict[str, str]:
        """Arguments the GET choice form must carry (the report id is in the path instead)."""
        return {k: str(v) for k, v in self.url_args.items() if k != "report_id"}


def _scope_or_403():
    scope = letter_scope(current_user)
    if scope is None:  # a role with LETTERS_WRITE but no organisation: nothing to write about
        abort(403)
    return scope


def _writer() -> tuple[str, str]:
    organisation = current_user.practice or current_user.lmc
    return current_user.full_name, organisation.name if organisation else ""


def _icb_name(trust: Trust | None, fallback_icb) -> str:
    icb = trust.icb if trust is not None and trust.icb is not None else fallback_icb
    return icb.name if icb is not None else "Integrated Care Board"


@bp.route("/letters/report/<int:report_id>", methods=["GET", "POST"])
@requires(Permission.LETTERS_WRITE)
def letter_from_report(report_id: int):
    scope = _scope_or_403()
    report = db.session.scalar(select(Report).where(Report.id == report_id, *data.live_in(scope)))
    if report is None:
        abort(404)
    code = report.trust.ods_code if report.trust is not None else "independent-provider"
    subject = LetterSubject(
        category_slug=report.category_slug,
        provider_name=report.provider_name,
        icb_name=_icb_name(report.trust, report.practice.icb),
        cases=[data.letter_case(report)],
        total_cases=1,
        period=None,
        heading=f"Case logged on {uk_date(report.received_on)}",
        endpoint="evidence.letter_from_report",
        url_args={"report_id": report.id},
        audit_object=("report", report.id),
        file_stem=f"letter_{code}_{report.category_slug}",
    )
    return _letter_steps(subject)


def _default_period(today: date) -> tuple[str, str]:
    return (today - timedelta(days=364)).isoformat(), today.isoformat()


@bp.route("/letters/set", methods=["GET", "POST"])
@requires(Permission.LETTERS_WRITE)
def letter_for_set():
    today = date.today()
    scope = _scope_or_403()
    args = request.args.to_dict()
    default_from, default_to = _default_period(today)
    args.setdefault("from", default_from)
    args.setdefault("to", default_to)
    form = LetterSetForm(formdata=_as_multidict(args))
    trusts = data.trusts_with_reports(scope)
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    form.trust.choices = [("", "Choose a trust")] + [(t.ods_code, t.label) for t in trusts]
    form.category.choices = [("", "Choose a category")] + [(c.slug, c.title) for c in categories]

    def start_page():
        return render_template(
            "evidence/letter_set_start.html", title="Write a letter about a set of cases", form=form,
            form_errors=form.error_summary(), has_trusts=bool(trusts),
        )

    if "trust" not in request.args or request.args.get("step") == "set":
        return start_page()
    form.validate()
    period = form.period(today)
    if form.error_summary() or period is None:
        return start_page()
    trust = db.session.scalar(select(Trust).where(Trust.ods_code == form.trust.data))
    start, end = period
    total = data.count_letter_set(scope, trust.id, form.category.data, start, end)
    if total == 0:
        form.add_error(
            "trust",
            f"No cases from {trust.name} in this category between {uk_date(start)} and {uk_date(end)}. "
            "Choose another trust, category or period",
        )
        return start_page()
    category = db.session.get(Category, form.category.data)
    context_args = {"trust": trust.ods_code, "category": category.slug, "from": start.isoformat(), "to": end.isoformat()}
    subject = LetterSubject(
        category_slug=category.slug,
        provider_name=trust.name,
        icb_name=_icb_name(trust, current_user.practice.icb if current_user.practice else None),
        cases=data.letter_set_cases(scope, trust.id, category.slug, start, end, MAX_CASES_LISTED),
        total_cases=total,
        period=(start, end),
        heading=f"{category.title}: {trust.name}, {uk_date(start)} to {uk_date(end)}",
        endpoint="evidence.letter_for_set",
        url_args=context_args,
        audit_object=("trust", trust.id),
        file_stem=f"letter_{trust.ods_code}_{category.slug}",
    )
    return _letter_steps(subject)


def _as_multidict(args: dict[str, str]):
    from werkzeug.datastructures import ImmutableMultiDict

    return ImmutableMultiDict(list(args.items()))


# --- The steps every letter goes through --------------------------------------------------


def _recipient_choices(subject: LetterSubject) -> list[tuple[str, str]]:
    provider = subject.provider_name
    return [
        (Contact.CLINICAL_DIRECTOR.value, f"The clinical director at {provider}"),
        (Contact.CONTRACTS_TEAM.value, f"The contracts team at {provider}"),
        (Contact.PALS.value, f"The Patient Advice and Liaison Service (PALS) at {provider}"),
        (Contact.ICB.value, subject.icb_name),
    ]


def _chosen(form, subject: LetterSubject) -> tuple[LetterTemplate, Contact] | None:
    """The letter type and recipient, if they are a valid pair for this category; else add errors."""
    fitting = {t.key: t for t in templates_for(subject.category_slug)}
    template = fitting.get(form.letter_type.data or "")
    if template is None:
        form.letter_type.errors = ["Choose the kind of letter from the list"]
        return None
    if template.to_icb:
        # A letter to the ICB has one possible recipient: no need to make the writer pick it.
        return template, Contact.ICB
    try:
        recipient = Contact(form.recipient.data or "")
    except ValueError:
        form.recipient.errors = ["Choose who the letter is to"]
        return None
    if recipient not in template.recipients:
        form.recipient.errors = [
            f"A '{template.title}' letter goes to the trust: choose the clinical director, the contracts "
            "team or PALS, or choose a letter type marked 'to the ICB'"
        ]
        return None
    return template, recipient


def _facts(subject: LetterSubject) -> LetterFacts:
    writer_name, writer_organisation = _writer()
    return LetterFacts(
        provider_name=subject.provider_name,
        icb_name=subject.icb_name,
        citation=citation(subject.category_slug),
        cases=subject.cases,
        total_cases=subject.total_cases,
        period=subject.period,
        writer_name=writer_name,
        writer_organisation=writer_organisation,
        writer_is_practice=writes_as_practice(current_user),
        today=date.today(),
    )


def _letter_steps(subject: LetterSubject):
    templates = templates_for(subject.category_slug)
    if request.method == "POST":
        return _download(subject)
    choice = LetterChoiceForm(request.args)
    choice.letter_type.choices = [(t.key, t.title) for t in templates]
    choice.recipient.choices = _recipient_choices(subject)
    if "letter_type" in request.args and "change" not in request.args:
        chosen = _chosen(choice, subject)
        if chosen is not None:
            template, recipient = chosen
            draft = draft_letter(template, recipient, _facts(subject))
            text_form = LetterTextForm(
                formdata=None, letter_type=template.key, recipient=recipient.value,
                subject=draft.subject, body=draft.body,
            )
            return _edit_page(subject, text_form, template, recipient)
    elif "letter_type" not in request.args:
        choice.letter_type.data = templates[0].key
        choice.recipient.data = templates[0].recipients[0].value
    return render_template(
        "evidence/letter_choose.html", title="Choose the letter", subject=subject, form=choice,
        hints={t.key: t.hint for t in templates}, form_errors=choice.error_summary(),
    )


def _edit_page(subject: LetterSubject, form: LetterTextForm, template: LetterTemplate, recipient: Contact):
    return render_template(
        "evidence/letter_edit.html", title="Check and edit the letter", subject=subject, form=form,
        template=template, recipient_label=dict(_recipient_choices(subject))[recipient.value],
        action_url=subject.url(),
        change_url=subject.url(letter_type=template.key, recipient=recipient.value, change="1"),
        form_errors=form.error_summary(),
    )


def _download(subject: LetterSubject):
    form = LetterTextForm()
    form.subject.data, form.body.data = document_text(form.subject.data), document_text(form.body.data)
    choice = LetterChoiceForm(formdata=None, letter_type=form.letter_type.data, recipient=form.recipient.data)
    chosen = _chosen(choice, subject)
    if chosen is None:
        # Only a tampered or stale form gets here: start the choice again.
        abort(400)
    template, recipient = chosen
    file_format = request.form.get("file_format", "")
    form.validate()
    if file_format not in FILE_FORMATS:
        form.add_error(None, "Choose to download the letter as Word (DOCX) or PDF")
    if not form.subject.errors and not form.body.errors:
        try:
            privacy.ensure_no_identifiers({"subject": form.subject.data, "body": form.body.data})
        except privacy.IdentifierFound as found:
            for name, message in found.messages(TEXT_LABELS).items():
                form[name].errors = [*form[name].errors, message]
    if form.error_summary():
        return _edit_page(subject, form, template, recipient)

    if file_format == "docx":
        content = letter_docx(form.subject.data, form.body.data)
    else:
        content = letter_pdf(form.subject.data, form.body.data)
    object_type, object_id = subject.audit_object
    audit.record(
        "letter.generated", actor=current_user, object_type=object_type, object_id=object_id,
        practice_id=current_user.practice_id, letter_type=template.key, recipient=recipient.value,
        report_count=subject.total_cases, file_format=file_format, category=subject.category_slug,
    )
    db.session.commit()
    return send_download(content, f"{subject.file_stem}_{date.today().isoformat()}", file_format)
