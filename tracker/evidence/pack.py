"""The evidence pack: what it holds, gathered once and rendered three ways (PDF, XLSX, CSV).

The figures come from the summaries package (``trust_summary``, the XmR computation and
the SVG charts), so the pack shows the same numbers as the summary pages. The few things
the summaries do not offer (practices reporting, anonymised examples) come from
``data.py``, as SQL aggregates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from xml.sax.saxutils import quoteattr

from flask import current_app

from tracker.evidence import data
from tracker.evidence.references import Citation, citations
from tracker.summaries import charts
from tracker.summaries.charts import MonthlyChart
from tracker.summaries.periods import Period
from tracker.summaries.queries import Count, TrustSummary, trust_summary
from tracker.summaries.scope import SummaryScope

EXAMPLES_PER_CATEGORY = 3
CATEGORY_CHARTS_PER_TRUST = 3  # the top categories each get an SPC chart of their own
PDF_CHART_FONT = "DejaVu Sans Condensed, Liberation Sans Narrow, sans-serif"


def _pdf_chart(chart: MonthlyChart) -> MonthlyChart:
    """The summaries' chart with the font swapped for the PDF.

    The charts ask for Arial, which a server often lacks; its stand-in there (DejaVu Sans)
    is wider, and the legend's labels would run into each other. A condensed face fits.
    """
    svg = chart.svg.replace(f"font-family={quoteattr(charts.FONT)}", f"font-family={quoteattr(PDF_CHART_FONT)}", 1)
    return replace(chart, svg=svg)


@dataclass(frozen=True)
class PackTrust:
    """The trust itself, as the pack names it."""

    id: int
    ods_code: str
    name: str


@dataclass
class TrustSection:
    trust: PackTrust
    summary: TrustSummary
    practices_reporting: int
    total_chart: MonthlyChart
    category_charts: list[tuple[Count, MonthlyChart]]
    examples: Mapping[str, list[data.Example]]
    practices: list[data.PracticeCount] | None  # only when names were asked for

    @property
    def reports(self) -> int:
        return self.summary.headline.current.reports

    @property
    def categories_with_reports(self) -> list[Count]:
        return [c for c in self.summary.by_category if c.count]


@dataclass
class EvidencePack:
    scope: SummaryScope
    period: Period
    generated_on: date
    include_names: bool
    sections: list[TrustSection]
    citations: dict[str, Citation]
    hourly_rates: Mapping[str, float]
    practices_in_scope: int
    practices_reporting: int
    by_category: list[Count] = field(default_factory=list)  # every trust together

    @property
    def trust_codes(self) -> list[str]:
        return [s.trust.ods_code for s in self.sections]

    @property
    def reports(self) -> int:
        return sum(s.reports for s in self.sections)

    @property
    def staff_minutes(self) -> int:
        return sum(s.summary.headline.current.staff.minutes for s in self.sections)

    @property
    def staff_cost(self) -> float:
        return sum(s.summary.headline.current.staff.cost for s in self.sections)

    @property
    def previous_reports(self) -> int:
        return sum(s.summary.headline.previous.reports for s in self.sections)

    @property
    def cited_categories(self) -> list[Citation]:
        """Citations of the categories with reports, most reports first."""
        return [self.citations[c.key] for c in self.by_category if c.count and c.key in self.citations]

    def file_name(self, extension: str) -> str:
        """Like evidence-pack_RJ1_2025-11-01_to_2026-10-31_generated-2026-11-23.pdf"""
        who = self.trust_codes[0] if len(self.sections) == 1 else "multiple-trusts"
        return (
            f"evidence-pack_{who}_{self.period.start.isoformat()}_to_{self.period.end.isoformat()}"
            f"_generated-{self.generated_on.isoformat()}.{extension}"
        )


def _combined_categories(sections: Sequence[TrustSection], category_order: Sequence[str]) -> list[Count]:
    """Category counts over every trust: most first, then in the taxonomy's order (as the summaries sort)."""
    totals: dict[str, Count] = {}
    for section in sections:
        for count in section.summary.by_category:
            seen = totals.get(count.key)
            totals[count.key] = Count(count.key, count.label, count.count + (seen.count if seen else 0), count.detail)
    position = {slug: i for i, slug in enumerate(category_order)}
    return sorted(totals.values(), key=lambda c: (-c.count, position.get(c.key, len(position))))


def build_pack(
    scope: SummaryScope,
    trusts: Sequence,
    period: Period,
    *,
    include_names: bool = False,
    today: date | None = None,
) -> EvidencePack:
    """Gather everything a pack shows for ``trusts`` (Trust objects) over ``period``."""
    rates = current_app.config["HOURLY_RATES"]
    trust_ids = [t.id for t in trusts]
    overall_practices, practices_by_trust = data.practices_reporting(scope, trust_ids, period.start, period.end)
    examples = data.examples_by_category(scope, trust_ids, period.start, period.end, EXAMPLES_PER_CATEGORY)
    names = data.practice_counts(scope, trust_ids, period.start, period.end) if include_names else {}

    sections = []
    for trust in trusts:
        summary = trust_summary(scope, trust, period, rates)
        # The same charts as the trust's summary page, titled the same way.
        total_chart = _pdf_chart(charts.monthly_chart(
            summary.by_month, title=f"Reports per month from {trust.name}", chart_id=f"pack-{trust.ods_code}"
        ))
        top = [c for c in summary.by_category if c.count][:CATEGORY_CHARTS_PER_TRUST]
        category_charts = [
            (count, _pdf_chart(charts.monthly_chart(
                summary.months_by_category.get(count.key, []),
                title=f"{count.label}: reports per month from {trust.name}",
                subject=f"{count.label}: reports per month", chart_id=f"pack-{trust.ods_code}-{count.key}",
            )))
            for count in top
        ]
        sections.append(TrustSection(
            trust=PackTrust(trust.id, trust.ods_code, trust.name),
            summary=summary,
            practices_reporting=practices_by_trust.get(trust.id, 0),
            total_chart=total_chart,
            category_charts=category_charts,
            examples=examples.get(trust.id, {}),
            practices=names.get(trust.id, []) if include_names else None,
        ))
    category_citations = citations(on=period.end)
    return EvidencePack(
        scope=scope,
        period=period,
        generated_on=today or date.today(),
        include_names=include_names,
        sections=sections,
        citations=category_citations,
        hourly_rates=dict(rates),
        practices_in_scope=data.practices_in_scope(scope),
        practices_reporting=overall_practices,
        by_category=_combined_categories(sections, list(category_citations)),
    )
