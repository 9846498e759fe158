"""The quick form's long option lists, built in Python and remembered.

The trust picker lists 200-odd trusts and the specialty picker 60-odd specialties: as a
Jinja loop that was a few milliseconds a request. The markup depends only on the lists
and the chosen value, so each distinct set is built once per process (``lru_cache``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from flask import render_template
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


# --- the blank quick form, kept whole ----------------------------------------------------------

FIELDS_TEMPLATE = "reports/_report_fields.html"
MAX_BLANK_FORMS = 512  # distinct blank forms kept per process (a practice's defaults and recent lists)
_blank_forms: OrderedDict[tuple, tuple[tuple, Markup]] = OrderedDict()
_blank_lock = threading.Lock()


def blank_form_fields(form, choices: dict) -> Markup:
    """The quick form's fields as a fresh "Log a case" page shows them, rendered once per
    distinct form.

    Such a form holds only defaults (today's date, the user's last trust and source) and
    the practice's recently used trusts and specialties: practices open it all day, and
    rendering it was most of the page's time. It depends on nothing else than the values
    below, so the markup is the template's own. Forms with errors or with typed text are
    always rendered (typed text is never kept here).
    """
    lists = tuple(choices[name] for name in ("trusts", "specialties", "categories"))
    key = (
        tuple(sorted(form.values.items())),
        tuple(t.id for t in choices["recent_trusts"]),
        tuple(s.code for s in choices["recent_specialties"]),
        tuple(id(items) for items in lists),  # the reference snapshots in use (reference_cache)
    )
    with _blank_lock:
        found = _blank_forms.get(key)
        # The same snapshot objects, not just the same ids: an id may be reused once one is gone.
        if found is not None and all(a is b for a, b in zip(found[0], lists, strict=True)):
            _blank_forms.move_to_end(key)
            return found[1]
    html = Markup(render_template(FIELDS_TEMPLATE, form=form, **choices))  # nosec B704 (autoescaped template)
    with _blank_lock:
        _blank_forms[key] = (lists, html)
        if len(_blank_forms) > MAX_BLANK_FORMS:
            _blank_forms.popitem(last=False)
    return html


def is_blank(form) -> bool:
    """True for a form with defaults only: no errors and nothing typed in its text fields."""
    return not form.errors and not form.value("description") and not form.value("independent_provider")


def clear_blank_forms() -> None:
    with _blank_lock:
        _blank_forms.clear()
