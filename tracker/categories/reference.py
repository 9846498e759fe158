"""The 11 fixed categories (../shared/spec/categories.md) and their starting contract references.

Titles and help text are ours; the guidance headings quote the BMA GPC England page
"Guidance for secondary care colleagues on GP local action" (updated 7 April 2025).
Contract references are loaded once and then belong to administrators to edit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryData:
    slug: str
    title: str
    guidance_heading: str
    guidance_quote: str
    help_text: str
    nhse_area: str
    contract: tuple[tuple[str, str], ...]  # (reference, what it requires)


CONTRACT_YEAR = "2025/26"

SC6 = ("SC6", "Choice and referral: providers manage referrals, triage and Advice and Guidance without passing the work back to the referrer.")
SC8 = ("SC8", "Onward referral: the provider makes onward referrals for a related or urgent condition itself, without sending the patient back to the GP.")
SC11 = ("SC11", "Transfer of and discharge from care: the provider arranges the tests it needs, communicates results, supplies medicines and issues fit notes on discharge or after clinic.")
SC12 = ("SC12", "Communicating with and involving service users: the provider tells patients their results and who to contact, and gives GPs clear, timely letters with contact details.")

CATEGORIES: tuple[CategoryData, ...] = (
    CategoryData(
        "non-commissioned", "Non-commissioned work declined", "GPs' non-commissioned work",
        "GPs may decline to investigate or prescribe due to a lack of a locally commissioned or adequately resourced pathways.",
        "Work the practice declined because no locally commissioned or adequately resourced pathway exists: investigations, monitoring, procedures or prescribing-related monitoring. For example: declined 24-hour blood pressure monitoring requested by cardiology because it is not commissioned locally.",
        "–", (),
    ),
    CategoryData(
        "investigations", "Asked to organise investigations", "Support in investigations",
        "Refrain from asking general practice to organise investigations and specialist tests.",
        "Secondary care asked the practice to arrange investigations or specialist tests that the requesting clinician should arrange. For example: a cardiology letter asking the GP to arrange an echo before review.",
        "Complete care", (SC11,),
    ),
    CategoryData(
        "fit-notes", "Fit note (Med3) not issued", "Med3s (fit notes)",
        "Offer med3s (fit notes) to all working-age patients upon discharge as medically appropriate, in alignment with hospital contract obligations.",
        "A patient was discharged or seen in clinic without a fit note where one was medically appropriate. For example: six weeks off work advised after surgery, no fit note issued.",
        "Complete care", (SC11,),
    ),
    CategoryData(
        "results-follow-up", "Results or follow-up left to the practice", "Follow up",
        "Communicate any results and follow-up care to the patient.",
        "Results not given to the patient by the team that requested them, the practice asked to chase or act on hospital-requested results, or follow-up, surveillance or post-procedure checks left to the practice. For example: patient told to ring the GP for their MRI result.",
        "Call and recall", (SC11, SC12),
    ),
    CategoryData(
        "onward-referral", "Asked to make an onward referral", "Referral and prescribing",
        "Arrange appropriate onward referral, if necessary.",
        "The practice was asked to refer or re-refer to another service when the hospital should make the onward referral itself. For example: gastroenterology asking the GP to refer to dietetics.",
        "Onward referral", (SC8,),
    ),
    CategoryData(
        "prescribing", "Prescribing not following local principles", "Referral and prescribing",
        "Follow locally agreed prescribing principles on discharge and from outpatients.",
        "Short or missing supply on discharge or from outpatients, specialist (red or amber) drugs passed to the practice without a shared-care agreement, or non-formulary recommendations. For example: discharged with 3 days of a new drug and asked the GP to continue.",
        "Complete care", (SC11,),
    ),
    CategoryData(
        "communication", "Unclear communication or no contact route", "Clear communication",
        "Ensure clear and timely communication and share essential contact details with GPs after patient consultations.",
        "Late, missing or unclear clinic letters and discharge summaries, GP actions buried in the text, no named clinician or contact details, or 'ask your GP' with no letter. For example: a letter signed 'on behalf of the department' with no phone number or email.",
        "Clear points of contact", (SC11, SC12),
    ),
    CategoryData(
        "advice-guidance", "Advice and Guidance problems", "Offer direct advice",
        "If a GP requests advice, please offer this and if the patient's needs would be best met by a referral, then please advise accordingly.",
        "Advice and Guidance unanswered or slow, unusable replies, referrals converted to Advice and Guidance and bounced back, or replies that hand the work to the practice. For example: Advice and Guidance unanswered after 15 working days.",
        "Clear points of contact", (("SC6", "Choice and referral: Advice and Guidance requests are answered promptly (NHS England expects a reply within 5 working days)."),),
    ),
    CategoryData(
        "referral-rejected", "Referral rejected or returned", "Potential impacts",
        "Letter-based referrals may replace proformas; higher referral rates may need triage.",
        "A referral returned for format or proforma reasons, a patient discharged after one missed appointment with a request to re-refer, or a referral rejected at triage and bounced back. For example: referral returned because it must use the dermatology proforma.",
        "Onward referral", (SC6, SC8),
    ),
    CategoryData(
        "pathway-gap", "Pathway or capacity gap", "Inform the ICB and LMC",
        "If pathways need to be reviewed to ensure sufficient outpatient capacity; GPs may be able to help.",
        "A pathway that needs review, or missing outpatient capacity, to raise with the ICB and LMC. For example: no commissioned adult ADHD pathway, and requests keep arriving.",
        "–", (),
    ),
    CategoryData(
        "other", "Other", "–", "–",
        "Anything that fits none of the other categories. The LMC reviews these.",
        "–", (),
    ),
)

CATEGORY_SLUGS: tuple[str, ...] = tuple(c.slug for c in CATEGORIES)
