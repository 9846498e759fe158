"""The quick form's long option lists, built in Python and remembered.

The trust picker lists 200-odd trusts and the specialty picker 60-odd specialties: as a
Jinja loop that was a few milliseconds a request. The markup depends only on the lists
and the chosen value, so each distinct set is built once per process (``lru_cache``).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from tracker.reports.blueprint import bp

Pairs = tuple[tuple[str, str], ...]  # (value, text)


@bp.app_template_global("picker_options")
def picker_options(recent, everything, value: str, text: str, selected: str, recent_label: str, all_label: str,
                   choose_text: str) -> Markup:
    """``<option>``s for a picker: a "choose" option, the recently used group, then everything.

    ``recent`` and ``everything`` are objects whose attributes ``value`` and ``text`` give
    each option; only the first option with the ``selected`` value is marked selected (it
    may be in both groups).
    """
    return _options(_pairs(recent, value, text), _pairs(everything, value, text), selected or "",
                    recent_label, all_label, choose_text)


def _pairs(items, value: str, text: str) -> Pairs:
    return tuple((str(getattr(item, value)), str(getattr(item, text))) for item in items)


@lru_cache(maxsize=1024)
def _options(recent: Pairs, everything: Pairs, selected: str, recent_label: str, all_label: str,
             choose_text: str) -> Markup:
    parts = [f'<option value="">{escape(choose_text)}</option>']
    chosen = False

    def group(label: str, pairs: Pairs) -> None:
        nonlocal chosen
        parts.append(f'<optgroup label="{escape(label)}">')
        for value, text in pairs:
            mark = ""
            if value == selected and not chosen:
                mark, chosen = " selected", True
            parts.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
        parts.append("</optgroup>")

    if recent:
        group(recent_label, recent)
    group(all_label, everything)
    # Every value and label above went through escape().
    return Markup("\n".join(parts))  # nosec B704
