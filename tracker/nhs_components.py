"""NHS.UK components rendered once and remembered: ``{{ nhs("radios", params) }}``.

The NHS.UK Jinja macros are generic and slow: about 3 ms a call, 12 ms for a page's header
and footer, most of the quick form's time. Their output depends on ``params`` alone, and
most pages call them with the same params again and again (the header of one user on one
section, the category radios with one of eleven values chosen), so this renders each
distinct call once per process and then hands back the same markup. It is the macro's own
output, not a copy of it: the HTML cannot drift from the NHS.UK templates.

Use it instead of importing a macro: ``{{ nhs("dateInput", {...}) }}`` renders
``nhsuk/components/date-input/macro.jinja``'s ``dateInput``. Params must be plain data
(text, numbers, booleans, lists, dicts, Markup, ``undefined``); a call with a ``caller``
block cannot be cached, so keep importing the macro for those. Anything that changes on
every request (a CSRF token) must not be in the params: put a placeholder in and replace
it afterwards, as ``layout.html`` does for the sign-out form.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping

from flask import Flask
from jinja2 import Environment, Undefined
from markupsafe import Markup

MAX_ENTRIES = 4096  # distinct calls kept per process (a few KB each)


def _check_plain_data(value) -> None:
    """Raise TypeError unless ``value`` is plain data (whose ``repr`` is a faithful key)."""
    if isinstance(value, Undefined | str | int | float | bool) or value is None:  # Markup is a str
        return
    if isinstance(value, Mapping):
        for item in value.values():
            _check_plain_data(item)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain_data(item)
        return
    raise TypeError(f"nhs() params hold a {type(value).__name__}: pass plain data")


def _template_path(macro: str) -> str:
    folder = re.sub(r"(?<!^)([A-Z])", r"-\1", macro).lower()  # dateInput -> date-input
    return f"nhsuk/components/{folder}/macro.jinja"


def _key(params) -> str:
    """The cache key: ``repr`` of plain data tells apart every value that renders
    differently (``'x'`` from ``Markup('x')``, ``1`` from ``True`` and ``1.0``) and is made in
    C, where walking the params in Python cost up to 1 ms a page."""
    return repr(params)


class ComponentCache:
    def __init__(self, environment: Environment, max_entries: int = MAX_ENTRIES, check_params: bool = False):
        self.environment = environment
        self.max_entries = max_entries
        # In development and tests, refuse params that are not plain data: an object's repr
        # need not change when what it renders does.
        self.check_params = check_params
        self._entries: OrderedDict[tuple[str, str], Markup] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def render(self, macro: str, params: Mapping | None = None) -> Markup:
        params = params if params is not None else {}
        if self.check_params:
            _check_plain_data(params)
        key = (macro, _key(params))
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
        module = self.environment.get_template(_template_path(macro)).module
        # The macro rendered with autoescape on, so its output is already escaped markup.
        html = Markup(getattr(module, macro)(params))  # nosec B704
        with self._lock:
            self.misses += 1
            self._entries[key] = html
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app: Flask) -> None:
    cache = ComponentCache(app.jinja_env, check_params=app.testing or app.debug)
    app.extensions["nhs_components"] = cache
    app.jinja_env.globals["nhs"] = cache.render
