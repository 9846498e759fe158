"""Every view declares who may use it: ``@requires(Permission.X)`` or ``@public``."""

from __future__ import annotations


def _undeclared(app) -> list[str]:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "required_permissions", None) and not getattr(view, "is_public", False):
            missing.append(f"{rule.endpoint} ({rule.rule})")
    return sorted(set(missing))


def test_every_route_requires_a_permission_or_is_marked_public(app):
    missing = _undeclared(app)
    assert not missing, (
        "These views have neither @requires(Permission.X) nor @public: " + ", ".join(missing)
    )


def test_the_check_notices_a_view_without_a_decorator():
    from flask import Flask

    bare = Flask(__name__)
    bare.add_url_rule("/forgotten", "forgotten", lambda: "open to anyone")
    assert _undeclared(bare) == ["forgotten (/forgotten)"]


def test_the_sign_in_pages_are_public_and_the_account_pages_are_not(app):
    views = app.view_functions
    assert getattr(views["accounts.sign_in"], "is_public", False)
    assert getattr(views["accounts.two_factor_code"], "is_public", False)
    assert views["accounts.two_factor_manage"].required_permissions
    assert views["accounts.reset_two_factor"].required_permissions
