"""Number formatting for the summary pages, in Python for the long tables.

The same text as the macros in ``templates/summaries/_macros.html`` (a test holds them
equal), without the cost of a Jinja macro call per cell: a national ranking table has
200 rows of six figures.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def fmt_num(value) -> str:
    return f"{int(value):,}"


def fmt_money(value) -> str:
    return f"£{value:,.0f}"


def fmt_hours(value) -> str:
    return f"{value:,.1f}"


def fmt_change(c) -> str:
    """'+5 (+25%)', '−3 (−10%)', 'No change', or '+4 (none before)' for a ``queries.Change``."""
    d = c.difference
    if round(d, 1) == 0:
        return "No change"
    sign = "+" if d > 0 else "−"
    shown = fmt_num(abs(d))
    if c.percent is not None:
        return f"{sign}{shown} ({sign}{abs(c.percent):.0f}%)"
    return f"{sign}{shown} (none before)"




def provider_rows(rows, first_header: str, drill, trust_link, previous_period) -> Markup:
    """The body rows of a provider ranking table (``_provider_table.html``).

    Written in Python because the table has a row per provider (200-odd for a national
    LMC) with six links each; the markup is the template's, cell for cell.
    """
    heading = escape(first_header)
    out: list[str] = []
    for row in rows:
        p = row.provider
        key = {"trust": p.ods_code} if p.is_trust else {"independent": p.name}
        name = escape(p.name)
        here = escape(drill(**key))
        provider = f'<a href="{escape(trust_link(p.ods_code))}">{name}</a>' if p.is_trust else name
        reports = f'<a href="{here}">{fmt_num(row.reports)}</a>' if row.reports else "0"
        before = ""
        if row.previous_reports:
            before_url = escape(drill(period=previous_period, **key))
            before = (f'<br><a class="nhsuk-body-s" href="{before_url}">{fmt_num(row.previous_reports)} before'
                      f'<span class="nhsuk-u-visually-hidden"> for {name}</span></a>')
        hours = f'<a href="{here}">{fmt_hours(row.staff.hours)}</a>' if row.staff.minutes else "0"
        cost = f'<a href="{here}">{escape(fmt_money(row.staff.cost))}</a>' if row.staff.minutes else "£0"
        top = "–"
        if row.top_category:
            top_url = escape(drill(category=row.top_category.key, **key))
            top = f'<a href="{top_url}">{escape(row.top_category.label)}</a> ({fmt_num(row.top_category.count)})'
        out.append(f"""    <tr class="nhsuk-table__row">
      <th scope="row" class="nhsuk-table__header">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">{heading} </span>
        {provider}
      </th>
      <td class="nhsuk-table__cell tracker-numeric">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">Reports </span>
        {reports}
      </td>
      <td class="nhsuk-table__cell tracker-numeric">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">Change on previous period </span>
        {escape(fmt_change(row.change))}
        {before}
      </td>
      <td class="nhsuk-table__cell tracker-numeric">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">Staff hours </span>
        {hours}
      </td>
      <td class="nhsuk-table__cell tracker-numeric">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">Estimated cost </span>
        {cost}
      </td>
      <td class="nhsuk-table__cell">
        <span class="nhsuk-table-responsive__heading" aria-hidden="true">Top category </span>
        {top}
      </td>
    </tr>
""")
    # Built by hand for speed (NHS macros cost ~3 ms a row); every value above was escaped.
    return Markup("".join(out))  # nosec B704


TEMPLATE_GLOBALS = {f.__name__: f for f in (fmt_num, fmt_money, fmt_hours, fmt_change, provider_rows)}
