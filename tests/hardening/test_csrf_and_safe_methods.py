"""Forged requests and safe methods.

1. With CSRF protection on (as in production), every POST route of the URL map refuses a
   request without a token: the NHS 400 page, and nothing written. The routes come from
   ``app.url_map``, so a POST route added later is checked without anyone listing it.
2. Every form a page offers for POSTing carries the token.
3. A GET changes nothing: for every GET row of the access matrix (which the completeness
   test keeps in step with the URL map), signed in as each actor, every table is the same
   before and after. The one documented exception: evidence pack downloads record one
   audit event (who took which figures away), and nothing else.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from tests.hardening.routes import AUDITED_DOWNLOADS, ROWS, rows_for
from tests.hardening.world import ACTORS, World, changed_tables, fingerprint, sign_in
from tracker.extensions import limiter

BAD_REQUEST_HEADING = "Sorry, there is a problem with the request"


@pytest.fixture
def csrf_on(app):
    saved = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = saved


def _path_values(world: World) -> dict[str, object]:
    """A value for each kind of path argument, taken from the world (own organisation)."""
    return {
        "report_id": world.report.id, "user_id": world.users["practice_user"].id,
        "raise_id": world.trust_raise.id, "job_id": world.job.id, "lmc_id": world.lmc.id,
        "ref_id": world.contract_reference.id, "slug": world.contract_reference.category_slug,
        "token": world.password_token, "fmt": "csv", "ods_code": "RJ1",
    }


def _post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)


def _path(app, rule, world: World) -> str:
    values = _path_values(world)
    unknown = set(rule.arguments) - set(values) - set(rule.defaults or {})
    assert not unknown, f"{rule.rule}: add a value for {unknown} to _path_values"
    with app.test_request_context():
        return rule.build({name: values[name] for name in rule.arguments if name in values},
                          append_unknown=False)[1]


def _first_row(endpoint: str):
    return next((row for row in rows_for("POST") if row.endpoint == endpoint), None)


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, client, db_session, world, csrf_on):
    rules = _post_rules(app)
    assert len(rules) > 20  # the URL map really was read
    wrong = []
    for rule in rules:
        path = _path(app, rule, world)
        row = _first_row(rule.endpoint)
        # As someone allowed to use the route, sending what would otherwise succeed.
        actors = ["anonymous", *(row.allowed_actors()[:1] if row else [])]
        for actor in actors:
            limiter.reset()
            sign_in(client, world.user(actor))
            data = row.data(world) if row and row.data else {}
            multipart = any(isinstance(v, tuple) for v in data.values())
            before = fingerprint(db_session)
            response = client.post(path, data=data, content_type="multipart/form-data" if multipart else None)
            changes = changed_tables(before, fingerprint(db_session))
            if response.status_code != 400 or BAD_REQUEST_HEADING not in response.get_data(as_text=True):
                wrong.append(f"POST {path} as {actor}: {response.status_code}")
            if changes:
                wrong.append(f"POST {path} as {actor} without a token changed {changes}")
    assert not wrong, "\n".join(wrong)


def test_a_request_with_the_token_is_let_through(client, world, csrf_on):
    """The control for the test above: the 400s come from the missing token, not from a form
    that could never be sent."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert token, "the sign-in page has no CSRF token"
    response = client.post("/sign-in", data={"csrf_token": token.group(1) or token.group(2),
                                              "email": "nobody@example.nhs.uk", "password": "wrong"})
    assert response.status_code == 200
    assert "The email address or password is not right" in response.get_data(as_text=True)


def test_every_post_form_on_every_page_carries_the_token(client, world, csrf_on):
    missing = []
    checked = 0
    for row in rows_for("GET"):
        for actor in ACTORS:
            if row.statuses[actor] != 200:
                continue
            sign_in(client, world.user(actor))
            response = client.get(row.url(world))
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in lxml.html.fromstring(response.get_data(as_text=True)).forms:
                if (form.method or "GET").upper() != "POST":
                    continue
                checked += 1
                if "csrf_token" not in form.inputs.keys():
                    missing.append(f"{row.id} as {actor}: form to {form.action} has no csrf_token")
    assert checked > 20
    assert not missing, "\n".join(sorted(set(missing)))


@pytest.mark.parametrize("row", rows_for("GET"), ids=[row.id for row in rows_for("GET")])
def test_a_get_changes_nothing(client, db_session, world, row):
    wrong = []
    for actor in ACTORS:
        sign_in(client, world.user(actor))
        before = fingerprint(db_session)
        response = client.get(row.url(world))
        after = fingerprint(db_session)
        if row.endpoint in AUDITED_DOWNLOADS and response.status_code == 200:
            added = len(after["audit_event"]) - len(before["audit_event"])
            if added != 1:
                wrong.append(f"{actor}: the download recorded {added} audit events, not 1")
            # The one new event aside, nothing changed.
            after = {**after, "audit_event": after["audit_event"][:len(before["audit_event"])]}
        changes = changed_tables(before, after)
        if changes:
            wrong.append(f"{actor} ({response.status_code}): {changes}")
    assert not wrong, f"GET {row.url(world)}:\n  " + "\n  ".join(wrong)


def test_the_fingerprint_notices_an_update(db_session, world):
    """The control for the test above: changing one field of one row shows."""
    before = fingerprint(db_session)
    world.report.description = "Changed behind the test's back"
    db_session.flush()
    changes = changed_tables(before, fingerprint(db_session))
    assert list(changes) == ["report"] and "a row was updated" in changes["report"]


def test_the_audited_downloads_are_routes_of_the_matrix():
    assert AUDITED_DOWNLOADS <= {row.endpoint for row in ROWS if row.method == "GET"}
