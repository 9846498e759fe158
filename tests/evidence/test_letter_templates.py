"""The letter templates as data: every type drafts cleanly for every category and recipient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.categories.reference import CATEGORY_SLUGS
from tracker.evidence.letter_files import letter_blocks
from tracker.evidence.letters import (
    LETTER_TEMPLATES,
    MAX_CASES_LISTED,
    LetterCase,
    LetterFacts,
    draft_letter,
    templates_for,
)
from tracker.evidence.references import Citation, contract_year_for

WITH_CONTRACT = Citation("investigations", "Asked to organise investigations", "Support in investigations",
                         "Refrain from asking general practice to organise investigations.", "2025/26",
                         (("SC11", "Transfer of and discharge from care."),))
WITHOUT_ANYTHING = Citation("other", "Other", None, None, None, ())


def _facts(citation=WITH_CONTRACT, cases=1, practice=True, period=None) -> LetterFacts:
    listed = [LetterCase(date(2026, 3, 1) - timedelta(days=i), "Cardiology", f"Case {i}") for i in range(cases)]
    return LetterFacts(
        provider_name="Example Hospitals NHS Trust", icb_name="NHS Example Integrated Care Board",
        citation=citation, cases=listed[:MAX_CASES_LISTED], total_cases=cases, period=period,
        writer_name="Dr A Writer", writer_organisation="Example Surgery" if practice else "Example LMC",
        writer_is_practice=practice, today=date(2026, 11, 23),
    )


def test_every_category_has_a_letter_type():
    for slug in CATEGORY_SLUGS:
        assert templates_for(slug), slug


@pytest.mark.parametrize("template", LETTER_TEMPLATES, ids=lambda t: t.key)
def test_every_letter_type_drafts_for_every_recipient_it_allows(template):
    for recipient in template.recipients:
        for citation in (WITH_CONTRACT, WITHOUT_ANYTHING):
            draft = draft_letter(template, recipient, _facts(citation))
            assert "{" not in draft.body and "}" not in draft.body
            assert "Example Hospitals NHS Trust" in draft.subject
            assert draft.body.startswith("23 November 2026")
            assert draft.body.rstrip().endswith("On behalf of Example Surgery")


def test_a_recipient_the_type_does_not_allow_is_refused():
    icb_letter = next(t for t in LETTER_TEMPLATES if t.to_icb)
    trust_recipient = next(t for t in LETTER_TEMPLATES if not t.to_icb).recipients[0]
    with pytest.raises(ValueError):
        draft_letter(icb_letter, trust_recipient, _facts())


def test_paragraphs_without_data_are_left_out():
    template = templates_for("other")[0]
    body = draft_letter(template, template.recipients[0], _facts(WITHOUT_ANYTHING)).body
    assert "BMA's guidance" not in body  # 'Other' has no guidance line
    assert "NHS Standard Contract" not in body
    assert "commission" not in body  # 'Other' is not a commissioning gap either


def test_a_commissioning_gap_says_so():
    gap = Citation("pathway-gap", "Pathway or capacity gap", "Inform the ICB and LMC", "If pathways need review.",
                   None, ())
    template = next(t for t in templates_for("pathway-gap") if t.to_icb)
    body = draft_letter(template, template.recipients[0], _facts(gap)).body
    assert "it is a commissioning matter" in body


def test_a_long_set_lists_the_newest_cases_and_counts_the_rest():
    template = templates_for("investigations")[0]
    facts = _facts(cases=MAX_CASES_LISTED + 7, practice=False, period=(date(2025, 4, 1), date(2026, 3, 31)))
    body = draft_letter(template, template.recipients[0], facts).body
    assert body.count("\n- 2026") + body.count("\n- 2025") == 0  # dates are written out in words
    assert sum(1 for line in body.splitlines() if line.startswith("- ") and "Cardiology" in line) == MAX_CASES_LISTED
    assert "A further 7 cases from the same period are not listed here." in body
    assert "Practices we represent logged 57 cases between 1 April 2025 and 31 March 2026" in body
    assert "Example LMC, which represents GP practices in your area," in body


def test_contract_year_runs_from_april():
    assert contract_year_for(date(2026, 3, 31)) == "2025/26"
    assert contract_year_for(date(2026, 4, 1)) == "2026/27"
    assert contract_year_for(date(2099, 12, 1)) == "2099/00"


def test_letter_blocks_put_the_subject_after_the_salutation_and_make_lists():
    blocks = letter_blocks("Our subject", "1 May 2026\n\nDear team,\n\nIntro line:\n- one\n- two\n\nBye")
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "subject", "paragraph", "list", "paragraph"]
    assert blocks[4].lines == ("one", "two")


def test_letter_blocks_without_a_salutation_start_with_the_subject():
    assert letter_blocks("S", "Hello\r\n\r\nBye")[0].kind == "subject"
