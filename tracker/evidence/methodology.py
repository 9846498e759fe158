"""The methodology note every pack carries, in the PDF and in the spreadsheet alike."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.reports.models import StaffRole
from tracker.summaries.spc import FIRM_LIMITS_POINTS


def _money(value: float) -> str:
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def rates_sentence(rates: Mapping[str, float]) -> str:
    parts = [
        f"{role.label if role is StaffRole.GP else role.label.lower()} {_money(float(rates.get(role.value, 0)))}"
        for role in StaffRole
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] + " an hour"


def methodology(rates: Mapping[str, float], *, scope_is_lmc: bool, include_names: bool) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs, in plain English."""
    who = "practices the LMC covers" if scope_is_lmc else "the practice"
    return [
        (
            "How cases are logged",
            "Practice staff log each case when it reaches them: the trust, the specialty, the category "
            "of the BMA's guidance to secondary care colleagues that it falls under, what the practice "
            "did, the effect on the patient and the staff time it took. One case is one request or one "
            "piece of declined work, not one patient. The figures show what practices chose to log, so "
            "they are the least, not the whole, of the work moved to general practice.",
        ),
        (
            "No patient-identifiable data",
            "The tracker refuses any description that looks like an NHS number, a date of birth, a "
            "postcode, an email address or a hospital number, so no case holds patient-identifiable "
            "data. The examples in this pack are shown as logged, with only their date and specialty. "
            + ("Practices are named because the person who made this pack asked for their names."
               if include_names else "Practices are not named: the pack gives how many practices logged cases."),
        ),
        (
            "What is counted",
            f"Cases logged by {who} with the trusts in this pack, received in the period shown. Cases a "
            "practice withdrew (for example logged twice or in error) are left out of every figure. Cases "
            "with independent providers are not in any trust's figures. The previous period is the period "
            "of the same length just before this one.",
        ),
        (
            "What the costs assume",
            "Staff time is the time the practice recorded for each case. The estimated cost is that time "
            f"multiplied by an hourly cost for each staff role: {rates_sentence(rates)}. It estimates the "
            "practice time the work took; it is not a price or a claim.",
        ),
        (
            "How to read the charts",
            "The charts are statistical process control (XmR) charts, as NHS England's Making Data Count "
            "uses them. The solid line is the mean; the dashed lines are the process limits (the mean plus "
            "or minus 2.66 times the average moving range). Orange points are special cause variation "
            "higher than expected; blue points lower than expected; grey points are common cause "
            "variation. Special cause means a point outside the limits, a run of 7 points on one side of "
            "the mean, 7 points rising or falling, or 2 of 3 points close to a limit. With fewer than "
            f"{FIRM_LIMITS_POINTS} months the limits are provisional. A month the period covers only in "
            "part is marked as such.",
        ),
    ]
