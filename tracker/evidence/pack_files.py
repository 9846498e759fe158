"""An evidence pack as a PDF (WeasyPrint), an XLSX workbook (xlsxwriter) and a CSV file.

Every text cell of the workbook and the CSV goes through ``safe_cell`` so that nothing a
practice typed can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from flask import render_template

from tracker.cells import safe_cell
from tracker.evidence.methodology import methodology
from tracker.evidence.pack import EvidencePack
from tracker.evidence.pdf import html_to_pdf
from tracker.reports.models import StaffRole
from tracker.summaries.queries import ReportFilter, iter_report_rows

SUMMARY_HEADER = (
    "Trust code", "Trust", "Reports", "Previous period reports", "Change (%)", "Staff hours",
    "Estimated staff cost (£)", "Practices reporting", "Top category",
)
CATEGORY_HEADER = (
    "Trust code", "Trust", "Category", "Category title", "Reports", "Guidance heading", "Contract references",
    "Contract year",
)
MONTH_HEADER = (
    "Trust code", "Trust", "Month", "Reports", "Part month", "Mean", "Lower process limit", "Upper process limit",
    "Variation",
)
SPECIALTY_HEADER = ("Trust code", "Trust", "Specialty code", "Specialty", "Reports")
EXAMPLE_HEADER = ("Trust code", "Trust", "Category", "Date", "Specialty", "Description")
PRACTICE_HEADER = ("Trust code", "Trust", "Practice code", "Practice", "Reports")
CSV_HEADER = (
    "report_id", "received_on", "trust_code", "trust_name", "category", "category_title", "specialty_code",
    "specialty", "source", "description", "action_taken", "patient_impact", "staff_minutes", "practice",
)


def scope_line(pack: EvidencePack) -> str:
    """Who logged the cases: a count of practices, never names (those come only when asked)."""
    n = pack.practices_reporting
    logged = f"{n} {'practice' if n == 1 else 'practices'} logged cases with {'this trust' if len(pack.sections) == 1 else 'these trusts'}"
    if pack.scope.covers_many_practices:
        return f"{logged}, of the {pack.practices_in_scope} practices {pack.scope.name} covers."
    return f"Cases logged by {pack.scope.name}." if n else "No cases logged in the period."


# --- PDF -----------------------------------------------------------------------------------


def pack_pdf(pack: EvidencePack) -> bytes:
    html = render_template(
        "evidence/pdf/pack.html",
        pack=pack,
        scope_line=scope_line(pack),
        notes=methodology(pack.hourly_rates, scope_is_lmc=pack.scope.covers_many_practices,
                          include_names=pack.include_names),
        roles=list(StaffRole),
    )
    return html_to_pdf(html)


# --- XLSX ----------------------------------------------------------------------------------


class _Sheet:
    """A worksheet written row by row, each value by its type; text always as a string."""

    def __init__(self, workbook, name: str, formats: dict, widths: Iterable[int] = ()):
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        self.row = 0
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)

    def write(self, values: Iterable, style: str | None = None) -> None:
        for column, value in enumerate(values):
            fmt = self.formats.get(style) if style else None
            if value is None:
                self.sheet.write_blank(self.row, column, None, fmt)
            elif isinstance(value, bool):
                self.sheet.write_string(self.row, column, "yes" if value else "no", fmt)
            elif isinstance(value, (int, float)):
                self.sheet.write_number(self.row, column, value, self.formats["money"] if style == "money" else fmt)
            elif isinstance(value, date):
                self.sheet.write_datetime(self.row, column, value, self.formats["date"])
            else:
                self.sheet.write_string(self.row, column, safe_cell(str(value)), fmt)
        self.row += 1

    def header(self, values: Iterable[str]) -> None:
        self.write(values, "header")
        self.sheet.freeze_panes(self.row, 0)

    def skip(self) -> None:
        self.row += 1


def _percent(current: float, previous: float) -> float | None:
    return round(100.0 * (current - previous) / previous, 1) if previous else None


def pack_xlsx(pack: EvidencePack) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    # Never let xlsxwriter turn text into formulas, numbers or links on its own.
    workbook = xlsxwriter.Workbook(output, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    })
    formats = {
        "header": workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
    }
    _summary_sheet(workbook, formats, pack)
    _category_sheet(workbook, formats, pack)
    _month_sheet(workbook, formats, pack)
    _specialty_sheet(workbook, formats, pack)
    _example_sheet(workbook, formats, pack)
    if pack.include_names:
        sheet = _Sheet(workbook, "Practices", formats, (10, 40, 12, 40, 10))
        sheet.header(PRACTICE_HEADER)
        for section in pack.sections:
            for practice in section.practices or []:
                sheet.write((section.trust.ods_code, section.trust.name, practice.ods_code, practice.name,
                             practice.reports))
    workbook.close()
    return output.getvalue()


def _summary_sheet(workbook, formats, pack: EvidencePack) -> None:
    sheet = _Sheet(workbook, "Summary", formats, (14, 44, 10, 12, 10, 10, 14, 12, 36))
    sheet.write(("Evidence pack: hospital work moved to general practice",), "title")
    sheet.write(("Prepared by", pack.scope.name))
    sheet.write(("Period", pack.period.label))
    sheet.write(("Generated", pack.generated_on))
    sheet.write(("Practices", scope_line(pack)))
    sheet.skip()
    sheet.header(SUMMARY_HEADER)
    for section in pack.sections:
        headline = section.summary.headline
        top = section.categories_with_reports[0].label if section.categories_with_reports else ""
        sheet.write((
            section.trust.ods_code, section.trust.name, headline.current.reports, headline.previous.reports,
            _percent(headline.current.reports, headline.previous.reports), round(headline.current.staff.hours, 1),
            round(headline.current.staff.cost, 2), section.practices_reporting, top,
        ))
    if len(pack.sections) > 1:
        sheet.write((
            "All", "All trusts in this pack", pack.reports, pack.previous_reports,
            _percent(pack.reports, pack.previous_reports), round(pack.staff_minutes / 60, 1),
            round(pack.staff_cost, 2), pack.practices_reporting, "",
        ), "bold")
    sheet.skip()
    sheet.write(("Hourly cost of staff time",), "bold")
    for role in StaffRole:
        sheet.write((role.label, float(pack.hourly_rates.get(role.value, 0))))
    sheet.skip()
    sheet.write(("Methodology",), "bold")
    for heading, paragraph in methodology(pack.hourly_rates, scope_is_lmc=pack.scope.covers_many_practices,
                                          include_names=pack.include_names):
        sheet.write((heading, paragraph))


def _category_sheet(workbook, formats, pack: EvidencePack) -> None:
    sheet = _Sheet(workbook, "By category", formats, (10, 40, 18, 40, 10, 30, 24, 12))
    sheet.header(CATEGORY_HEADER)
    for section in pack.sections:
        for count in section.summary.by_category:
            citation = pack.citations.get(count.key)
            sheet.write((
                section.trust.ods_code, section.trust.name, count.key, count.label, count.count,
                (citation.guidance_heading if citation else None) or "",
                citation.reference_codes if citation else "",
                (citation.contract_year if citation and citation.references else None) or "",
            ))


def _month_sheet(workbook, formats, pack: EvidencePack) -> None:
    sheet = _Sheet(workbook, "By month", formats, (10, 40, 10, 10, 10, 10, 12, 12, 50))
    sheet.header(MONTH_HEADER)
    for section in pack.sections:
        result = section.total_chart.result
        for month, point in zip(section.summary.by_month, result.points, strict=True):
            sheet.write((
                section.trust.ods_code, section.trust.name, month.month, month.count, month.partial,
                _rounded(result.mean), _rounded(result.lower_limit), _rounded(result.upper_limit),
                point.point_type.label,
            ))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _specialty_sheet(workbook, formats, pack: EvidencePack) -> None:
    sheet = _Sheet(workbook, "By specialty", formats, (10, 40, 14, 40, 10))
    sheet.header(SPECIALTY_HEADER)
    for section in pack.sections:
        for count in section.summary.by_specialty:
            name = count.label.removesuffix(f" ({count.key})")
            sheet.write((section.trust.ods_code, section.trust.name, count.key, name, count.count))


def _example_sheet(workbook, formats, pack: EvidencePack) -> None:
    sheet = _Sheet(workbook, "Examples", formats, (10, 40, 18, 12, 30, 90))
    sheet.header(EXAMPLE_HEADER)
    for section in pack.sections:
        for count in section.categories_with_reports:
            for example in section.examples.get(count.key, []):
                sheet.write((section.trust.ods_code, section.trust.name, count.key, example.received_on,
                             example.specialty, example.description))


# --- CSV -----------------------------------------------------------------------------------


def pack_csv(pack: EvidencePack) -> bytes:
    """One row per report in the pack, newest first within each trust.

    Practices are named only when asked; otherwise the summaries' pseudonyms ("Practice 1"),
    numbered within each trust as on the summary pages' drill-down.
    """
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(CSV_HEADER)
    for section in pack.sections:
        f = ReportFilter.for_period(pack.period, trust_id=section.trust.id)
        for row in iter_report_rows(pack.scope, f, show_practice_names=pack.include_names):
            writer.writerow([safe_cell(value) for value in (
                row.id, row.received_on.isoformat(), row.provider_code, row.provider_name, row.category_slug,
                row.category_title, row.specialty_code, row.specialty_name, row.source.value, row.description,
                row.action.value, row.impact.value, row.staff_minutes, row.practice_label,
            )])
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    return output.getvalue().encode("utf-8-sig")

