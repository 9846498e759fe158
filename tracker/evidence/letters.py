"""Response letters as data: per letter type, the categories it fits, who it goes to and its
paragraphs, with placeholders filled from the reports, the category and the reference data.

The texts are the project's own, written in the manner of the BMA's template letters:
courteous, firm, citing the guidance and the contract. A paragraph whose placeholders are
all empty is left out, so one template serves a category with a contract reference and one
without, a single case and a set, a practice and an LMC.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.evidence.references import Citation
from tracker.feedback.models import Contact

MAX_CASES_LISTED = 50  # past this a letter says how many more there are
REPLY_WORKING_DAYS = 20

ALL_CATEGORIES = frozenset(
    {
        "non-commissioned", "investigations", "fit-notes", "results-follow-up", "onward-referral",
        "prescribing", "communication", "advice-guidance", "referral-rejected", "pathway-gap", "other",
    }
)
TRUST_CONTACTS = (Contact.CLINICAL_DIRECTOR, Contact.CONTRACTS_TEAM, Contact.PALS)
ICB_CONTACTS = (Contact.ICB,)

# --- Paragraphs every letter shares -------------------------------------------------------

_HEADER = ("{today}", "{recipient_title}\n{recipient_organisation}", "{salutation}")
_OPENING_TRUST = (
    "I am writing {writer_intro} about work that {provider_name} has passed to general practice. "
    '{cases_logged}, recorded under "{category_title}".'
)
_OPENING_ICB = (
    "I am writing {writer_intro} to ask the ICB, as commissioner, to act on work that {provider_name} "
    'has passed to general practice. {cases_logged}, recorded under "{category_title}".'
)
_GUIDANCE = (
    "The BMA's guidance for secondary care colleagues on GP local action, under "
    '"{guidance_heading}", asks hospital teams to: "{guidance_quote}"'
)
_CITATIONS = ("{contract_citation}", "{commissioning_note}")
_CASES = ("{cases_intro}", "{case_list}", "{cases_not_listed}")
_SIGN_OFF = "Yours sincerely,\n\n{writer_name}\n{writer_signature}"
_REPLY_TRUST = (
    f"We would be grateful for a reply within {REPLY_WORKING_DAYS} working days, setting out the "
    "action the trust will take."
)
_REPLY_ICB = (
    f"We would be grateful for a reply within {REPLY_WORKING_DAYS} working days, setting out the "
    "action the ICB will take."
)


@dataclass(frozen=True)
class LetterTemplate:
    key: str
    title: str
    hint: str
    categories: frozenset[str]
    recipients: tuple[Contact, ...]
    subject: str
    # The paragraphs that make this letter type: what is wrong and what we ask.
    argument: tuple[str, ...]
    ask: str

    @property
    def to_icb(self) -> bool:
        return self.recipients == ICB_CONTACTS

    @property
    def paragraphs(self) -> tuple[str, ...]:
        opening = _OPENING_ICB if self.to_icb else _OPENING_TRUST
        reply = _REPLY_ICB if self.to_icb else _REPLY_TRUST
        return (
            *_HEADER, opening, *self.argument, _GUIDANCE, *_CITATIONS, *_CASES, self.ask, reply, _SIGN_OFF,
        )


_MISSED_APPOINTMENT = (
    "Discharging a patient after a single missed appointment and asking the GP to refer again puts the "
    "patient back at the start of the waiting list and passes administrative work to the practice. It "
    "also risks harm to patients who missed the appointment because of their condition, their "
    "circumstances or the way the appointment was sent to them. The clinician who holds the referral "
    "should decide, on clinical grounds, whether to offer another appointment, and should contact the "
    "patient directly."
)
_RESULTS = (
    "The clinician who requests a test is responsible for reviewing the result, acting on it and telling "
    "the patient, including when the result arrives after the patient has left hospital or clinic. "
    "Copying the result to the GP, or telling the patient to ask their GP, does not hand over that "
    "responsibility, and risks the result not being acted on."
)

LETTER_TEMPLATES: tuple[LetterTemplate, ...] = (
    LetterTemplate(
        key="work-transfer",
        title="Secondary care work transfer",
        hint="Work a hospital team should have done itself was passed to the practice.",
        categories=ALL_CATEGORIES - {"non-commissioned", "pathway-gap"},
        recipients=TRUST_CONTACTS,
        subject="Work passed to general practice by {provider_name}: {category_title}",
        argument=(
            "When a hospital clinician decides that something needs to be done for a patient, the hospital "
            "team should do it or arrange it. Passing the task to the practice lengthens the wait for the "
            "patient, takes GP time from other patients and leaves it unclear who is responsible if "
            "something is missed.",
        ),
        ask=(
            "We ask the trust to remind the clinicians in the teams concerned of these responsibilities, and "
            "to tell us what it will change so that this work stays with the team that asks for it."
        ),
    ),
    LetterTemplate(
        key="prescribing-request",
        title="Inappropriate prescribing request (including shared care)",
        hint="The practice was asked to prescribe or monitor a medicine without an agreed shared-care "
        "arrangement or enough supply.",
        categories=frozenset({"prescribing", "non-commissioned"}),
        recipients=TRUST_CONTACTS,
        subject="Prescribing requests from {provider_name} outside agreed arrangements",
        argument=(
            "Prescribing responsibility stays with the specialist team until the practice has agreed to take "
            "it on. For a medicine that needs specialist monitoring, that means a shared-care agreement the "
            "practice has accepted; for a medicine started in hospital, it means enough supply, in line with "
            "local prescribing principles, to last until the handover is complete. A GP who is asked to "
            "prescribe a medicine they are not familiar with, or without the monitoring in place, may "
            "properly decline.",
        ),
        ask=(
            "We ask the trust to make sure its teams follow the locally agreed prescribing principles and "
            "shared-care arrangements, supply medicines on discharge and from clinic as those principles "
            "require, and tell us whom practices should contact when a request arrives without them."
        ),
    ),
    LetterTemplate(
        key="chasing-investigations",
        title="Chasing investigations",
        hint="The practice was asked to arrange, chase or act on tests the hospital requested.",
        categories=frozenset({"investigations", "results-follow-up"}),
        recipients=TRUST_CONTACTS,
        subject="Investigations requested by {provider_name} left to general practice",
        argument=(
            "The clinician who decides that a test is needed should request it, follow it up and act on the "
            "result. Asking the practice to arrange or chase the test splits responsibility for the result "
            "between two teams and makes it more likely that an abnormal result is missed. Practices cannot "
            "book into hospital diagnostic lists or see the hospital's results systems.",
        ),
        ask=(
            "We ask the trust to make sure its teams arrange and follow up the investigations they need, and "
            "to tell us how it will check that this happens."
        ),
    ),
    LetterTemplate(
        key="post-operative-checks",
        title="Post-operative checks",
        hint="Checks, results, fit notes or follow-up after surgery or a procedure were left to the practice.",
        categories=frozenset({"results-follow-up", "fit-notes", "investigations", "communication"}),
        recipients=TRUST_CONTACTS,
        subject="Care after surgery or procedures at {provider_name} passed to general practice",
        argument=(
            "Care after an operation or procedure – wound checks, removing sutures or clips, blood tests, "
            "histology results and fit notes for the recovery period – is part of the episode of care the "
            "trust provides, unless a service has been commissioned from general practice to do it. Patients "
            "are often told to see their GP for this without any arrangement having been made.",
        ),
        ask=(
            "We ask the trust to make sure its surgical and procedural teams plan care after discharge, "
            "including fit notes where they are needed, tell patients whom to contact, and let us know how "
            "this will be done."
        ),
    ),
    LetterTemplate(
        key="missed-appointment-trust",
        title="Discharge after a missed appointment (to the hospital)",
        hint="A patient was discharged after one missed appointment and the practice asked to refer again.",
        categories=frozenset({"referral-rejected"}),
        recipients=TRUST_CONTACTS,
        subject="Patients discharged to general practice after one missed appointment at {provider_name}",
        argument=(_MISSED_APPOINTMENT,),
        ask=(
            "We ask the trust to review its policy on missed appointments so that patients are not "
            "discharged to their GP only because they missed one appointment, and to share the revised "
            "policy with us."
        ),
    ),
    LetterTemplate(
        key="missed-appointment-icb",
        title="Discharge after a missed appointment (to the ICB)",
        hint="The same, for the ICB to take up with the trust as commissioner.",
        categories=frozenset({"referral-rejected"}),
        recipients=ICB_CONTACTS,
        subject="Discharge after a missed appointment at {provider_name}",
        argument=(_MISSED_APPOINTMENT,),
        ask=(
            "We ask the ICB to raise this with the trust through its contract management arrangements, to "
            "check that the trust's access policy treats patients who miss an appointment fairly and on "
            "clinical grounds, and to tell us the outcome."
        ),
    ),
    LetterTemplate(
        key="workload-transfer-icb",
        title="Inappropriate workload transfer (to the ICB)",
        hint="Work passed to general practice, or declined because nobody commissioned it, for the ICB to act on.",
        categories=ALL_CATEGORIES,
        recipients=ICB_CONTACTS,
        subject="Work transferred from {provider_name} to general practice",
        argument=(
            "Each case below is work that a hospital team passed to general practice, or work the practice "
            "declined because no service has been commissioned to do it. Together they take clinical and "
            "administrative time away from patients who need their GP, and they leave patients unsure who is "
            "responsible for their care.",
        ),
        ask=(
            "We ask the ICB to raise these cases with the trust through the contract, to commission a service "
            "where there is a gap, and to tell us what action it will take. We would welcome a meeting to "
            "discuss what the cases show."
        ),
    ),
    LetterTemplate(
        key="administrative-tasks",
        title="Non-contractual administrative tasks",
        hint="The practice was asked to do administrative work that the hospital's own processes created.",
        categories=frozenset(
            {"fit-notes", "communication", "advice-guidance", "referral-rejected", "onward-referral", "other"}
        ),
        recipients=TRUST_CONTACTS,
        subject="Administrative work passed to general practice by {provider_name}",
        argument=(
            "The tasks below are administrative work created by the hospital's own processes: re-sending "
            "referrals on another form, passing on messages, issuing paperwork the hospital should issue, or "
            "chasing letters and replies. General practice is not contracted to do this work for the trust, "
            "and each task takes staff time away from patient care.",
        ),
        ask="We ask the trust to make sure its teams complete this work themselves, and to tell us what it will change.",
    ),
    LetterTemplate(
        key="results-after-discharge-trust",
        title="Test results after discharge (to the hospital)",
        hint="Results of tests the hospital requested were left to the practice after the patient left.",
        categories=frozenset({"results-follow-up", "investigations", "communication"}),
        recipients=TRUST_CONTACTS,
        subject="Results of tests requested by {provider_name} left with general practice",
        argument=(_RESULTS,),
        ask=(
            "We ask the trust to make sure that the results of tests its clinicians request are reviewed by "
            "the requesting team and given to patients, and to tell us how it will do this."
        ),
    ),
    LetterTemplate(
        key="results-after-discharge-icb",
        title="Test results after discharge (to the ICB)",
        hint="The same, for the ICB to take up with the trust as commissioner.",
        categories=frozenset({"results-follow-up", "investigations"}),
        recipients=ICB_CONTACTS,
        subject="Test results after discharge from {provider_name}",
        argument=(_RESULTS,),
        ask=(
            "We ask the ICB to raise this with the trust through its contract management arrangements, and "
            "to tell us what the trust will change so that requesting teams review and give patients the "
            "results of the tests they order."
        ),
    ),
)

# The letter type offered first for each category; the others that fit are listed after it.
DEFAULT_TEMPLATE = {
    "non-commissioned": "workload-transfer-icb",
    "investigations": "chasing-investigations",
    "fit-notes": "work-transfer",
    "results-follow-up": "results-after-discharge-trust",
    "onward-referral": "work-transfer",
    "prescribing": "prescribing-request",
    "communication": "work-transfer",
    "advice-guidance": "work-transfer",
    "referral-rejected": "missed-appointment-trust",
    "pathway-gap": "workload-transfer-icb",
    "other": "work-transfer",
}

_RECIPIENT_TITLES = {
    Contact.CLINICAL_DIRECTOR: ("The Clinical Director", "Dear Clinical Director,"),
    Contact.CONTRACTS_TEAM: ("The Contracts Team", "Dear Contracts Team,"),
    Contact.PALS: ("The Patient Advice and Liaison Service (PALS)", "Dear PALS team,"),
    Contact.ICB: ("The Primary Care Commissioning Team", "Dear colleagues,"),
}


def templates_for(category_slug: str) -> list[LetterTemplate]:
    """Letter types that fit a category, the usual one first."""
    fitting = [t for t in LETTER_TEMPLATES if category_slug in t.categories]
    first = DEFAULT_TEMPLATE.get(category_slug)
    return sorted(fitting, key=lambda t: t.key != first)


# --- Filling a template -------------------------------------------------------------------


def uk_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class LetterCase:
    """One anonymised case as a letter lists it."""

    received_on: date
    specialty: str
    description: str

    @property
    def line(self) -> str:
        return f"- {uk_date(self.received_on)}, {self.specialty}: {' '.join(self.description.split())}"


@dataclass(frozen=True)
class LetterFacts:
    """Everything a letter says that comes from the data, not the template."""

    provider_name: str
    icb_name: str
    citation: Citation
    cases: Sequence[LetterCase]  # newest first; only the first MAX_CASES_LISTED are listed
    total_cases: int
    period: tuple[date, date] | None  # None: a single report, dated by its own date
    writer_name: str
    writer_organisation: str
    writer_is_practice: bool
    today: date


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


def _count(n: int, word: str = "case") -> str:
    return f"one {word}" if n == 1 else f"{n} {word}s"


def _cases_logged(facts: LetterFacts) -> str:
    who = "Our practice" if facts.writer_is_practice else "Practices we represent"
    if facts.period is None:
        when = f"on {uk_date(facts.cases[0].received_on)}" if facts.cases else ""
    else:
        start, end = facts.period
        when = f"between {uk_date(start)} and {uk_date(end)}"
    return f"{who} logged {_count(facts.total_cases)} {when}".rstrip()


def _contract_citation(facts: LetterFacts, to_icb: bool) -> tuple[str, str]:
    """(the contract paragraph, the commissioning note): exactly one of them is non-empty."""
    citation = facts.citation
    if not citation.references and not citation.guidance_heading:
        return "", ""  # 'Other': neither the guidance nor the contract speaks to it
    if not citation.references:
        if to_icb:
            return "", (
                "No clause of the NHS Standard Contract places this work with the provider: it is a "
                "commissioning matter. We ask the ICB to commission a service for it, or to make clear "
                "where the responsibility lies."
            )
        return "", (
            "This work has not been commissioned from general practice, and the practice is not resourced "
            "to do it."
        )
    held = ", which the ICB holds with the trust," if to_icb else ""
    lines = [f"- {code}: {description.strip()}" for code, description in citation.references]
    return (
        f"The NHS Standard Contract {citation.contract_year}{held} places this responsibility with the "
        "provider:\n" + "\n".join(lines),
        "",
    )


def _values(template: LetterTemplate, recipient: Contact, facts: LetterFacts) -> dict[str, str]:
    listed = list(facts.cases[:MAX_CASES_LISTED])
    not_listed = facts.total_cases - len(listed)
    title, salutation = _RECIPIENT_TITLES[recipient]
    contract, commissioning = _contract_citation(facts, template.to_icb)
    single = facts.total_cases == 1
    if facts.writer_is_practice:
        intro = f"on behalf of {facts.writer_organisation}"
    else:
        intro = f"on behalf of {facts.writer_organisation}, which represents GP practices in your area,"
    return {
        "today": uk_date(facts.today),
        "recipient_title": title,
        "recipient_organisation": facts.icb_name if template.to_icb else facts.provider_name,
        "salutation": salutation,
        "provider_name": facts.provider_name,
        "writer_intro": intro,
        "cases_logged": _cases_logged(facts),
        "category_title": facts.citation.title,
        "guidance_heading": facts.citation.guidance_heading or "",
        "guidance_quote": facts.citation.guidance_quote or "",
        "contract_citation": contract,
        "commissioning_note": commissioning,
        "cases_intro": (
            "The case is set out below. It is anonymised: it shows the date, the specialty and what was asked "
            "of the practice, and nothing that could identify the patient."
            if single
            else "The cases are listed below, newest first. They are anonymised: each shows the date, the "
            "specialty and what was asked of the practice, and nothing that could identify a patient."
        ),
        "case_list": "\n".join(case.line for case in listed),
        "cases_not_listed": (
            f"A further {_count(not_listed)} from the same period {'is' if not_listed == 1 else 'are'} not "
            "listed here. We can share the full anonymised list on request."
            if not_listed > 0
            else ""
        ),
        "writer_name": facts.writer_name,
        "writer_signature": f"On behalf of {facts.writer_organisation}",
    }


_FORMATTER = string.Formatter()


def _fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled, or '' when any of them is empty: a paragraph that
    needs a value the data lacks (a guidance line for 'Other', a contract clause for a
    commissioning gap) is left out rather than printed half-filled."""
    names = [name for _, name, _, _ in _FORMATTER.parse(text) if name]
    if any(not values[name] for name in names):
        return ""
    return text.format_map(values)


def draft_letter(template: LetterTemplate, recipient: Contact, facts: LetterFacts) -> Draft:
    """The subject and body of a letter, ready for the writer to edit."""
    if recipient not in template.recipients:
        raise ValueError(f"{template.key} letters do not go to {recipient}")
    values = _values(template, recipient, facts)
    paragraphs = [_fill(text, values) for text in template.paragraphs]
    return Draft(
        subject=_fill(template.subject, values),
        body="\n\n".join(p for p in paragraphs if p),
    )
