"""Who gets what, on every route: the table in ``routes.py`` run for seven actors.

Each row runs once per actor, each time on a fresh copy of the world (inside a savepoint
rolled back afterwards), so a POST by one actor never changes what the next one sees.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.hardening.routes import ROWS, SKIPPED, Row
from tests.hardening.world import ACTORS, MUST_NOT_SEE, PASSWORD, TOTP_SECRET, World, sign_in, undone
from tracker.extensions import limiter

TEXT_TYPES = ("text/", "application/json")


def _request(client, row: Row, world: World):
    url = row.url(world)
    if row.method == "GET":
        return client.get(url)
    data = row.data(world) if row.data else {}
    content_type = "multipart/form-data" if any(isinstance(v, tuple) for v in data.values()) else None
    return client.post(url, data=data, content_type=content_type)


def _as_each_actor(client, db_session, world: World, row: Row):
    """(actor, response) for every actor, each on the world as it was before any of them."""
    for actor in ACTORS:
        with undone(db_session):
            limiter.reset()  # wrong codes and passwords are counted per address, across actors
            sign_in(client, world.user(actor))
            yield actor, _request(client, row, world)


def _went_to_sign_in(response) -> bool:
    return urlsplit(response.headers.get("Location", "")).path == "/sign-in"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_actor_gets_the_expected_answer(client, db_session, world, row):
    wrong = []
    for actor, response in _as_each_actor(client, db_session, world, row):
        expected = row.statuses[actor]
        if response.status_code != expected:
            wrong.append(f"{actor}: expected {expected}, got {response.status_code}")
        elif actor == "anonymous" and expected == 302 and not _went_to_sign_in(response):
            wrong.append(f"anonymous: sent to {response.headers.get('Location')}, not to the sign-in page")
        elif response.status_code == 200 and actor in MUST_NOT_SEE and response.mimetype.startswith(TEXT_TYPES):
            if MUST_NOT_SEE[actor] in response.get_data(as_text=True):
                wrong.append(f"{actor}: the page shows another organisation's data ({MUST_NOT_SEE[actor]})")
    assert not wrong, f"{row.id} {row.url(world)}:\n  " + "\n  ".join(wrong)


def test_refusals_use_the_service_pages_not_bare_errors(client, db_session, world):
    sign_in(client, world.user("practice_user"))
    for url, status, heading in (
        (f"/reports/{world.other_report.id}", 404, "Page not found"),
        ("/admin/users", 403, "You do not have permission to see this page"),
    ):
        response = client.get(url)
        assert response.status_code == status
        assert heading in response.get_data(as_text=True)


# --- Completeness: every route has a row ---------------------------------------------------


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_every_route_is_in_the_matrix(app):
    """A route added later fails here until its rows say who may use it (or it is skipped)."""
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = sorted(
        f"{method} {rule.endpoint} ({rule.rule})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED
        for method in _methods(rule)
        if (rule.endpoint, method) not in covered
    )
    assert not missing, "Add rows to tests/hardening/routes.py for:\n  " + "\n  ".join(missing)


def test_the_matrix_names_only_routes_that_exist(app):
    known = {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in _methods(rule)}
    stale = sorted({f"{row.method} {row.endpoint}" for row in ROWS if (row.endpoint, row.method) not in known})
    assert not stale, f"Rows for routes that no longer exist: {stale}"
    assert not set(SKIPPED) - {rule.endpoint for rule in app.url_map.iter_rules()}


def test_each_rows_url_reaches_its_endpoint(app, world):
    adapter = app.url_map.bind("localhost")
    wrong = []
    for row in ROWS:
        path, _, query = row.url(world).partition("?")
        endpoint, _ = adapter.match(path, method=row.method, query_args=query)
        if endpoint != row.endpoint:
            wrong.append(f"{row.id}: {path} goes to {endpoint}")
    assert not wrong


# --- Half-way through signing in ------------------------------------------------------------

GET_ROWS = [row for row in ROWS if row.method == "GET"]


HALF_WAY_PAGES = {"code": ("accounts.two_factor_code", "/sign-in/code"),
                  "setup": ("accounts.two_factor_required_setup", "/sign-in/set-up-two-factor")}


@pytest.fixture(params=sorted(HALF_WAY_PAGES))
def half_signed_in(request, client, factory):
    """An LMC officer who has typed the right password, and has still to type the code from
    their app ("code") or, not having one yet, to set one up ("setup")."""
    from tracker.extensions import db

    officer = factory.user("lmc-officer", password=PASSWORD)
    if request.param == "code":
        officer.totp_secret = TOTP_SECRET
        officer.totp_enabled = True
    db.session.flush()
    response = client.post("/sign-in", data={"email": officer.email, "password": PASSWORD})
    endpoint, path = HALF_WAY_PAGES[request.param]
    assert response.headers["Location"].endswith(path)
    return endpoint, path


def test_a_password_without_the_second_factor_opens_nothing_else(client, world, half_signed_in):
    """Until the code is in, every page answers as it does to someone not signed in."""
    open_endpoint, open_path = half_signed_in
    wrong = []
    for row in GET_ROWS:
        expected = 200 if row.endpoint == open_endpoint else row.statuses["anonymous"]
        response = client.get(row.url(world))
        if response.status_code != expected:
            wrong.append(f"{row.id}: expected {expected} (as for anonymous), got {response.status_code}")
        elif expected == 302 and not _went_to_sign_in(response):
            wrong.append(f"{row.id}: sent to {response.headers.get('Location')}")
    assert not wrong, "\n".join(wrong)


def test_the_leak_check_can_see_the_markers(client, world):
    """The matrix's check for other organisations' data looks for marker words: prove that
    they do show on pages of their own organisation, so their absence elsewhere means something."""
    from tests.hardening.world import OTHER_MARKER, OWN_MARKER

    sign_in(client, world.user("practice_user"))
    assert OWN_MARKER in client.get("/reports").get_data(as_text=True)
    sign_in(client, world.user("other_lmc_officer"))
    assert OTHER_MARKER in client.get(f"/feedback/raises/{world.other_raise.id}").get_data(as_text=True)
    sign_in(client, world.user("lmc_officer"))
    period = f"from={world.year_ago}&to={world.today}"
    assert OWN_MARKER in client.get(f"/summaries/reports?{period}").get_data(as_text=True)


# --- Identifiers out of range ----------------------------------------------------------------

HUGE_IDS = (2**31, 2**63, 10**30)


def _int_arguments(rule) -> list[str]:
    from werkzeug.routing import IntegerConverter

    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def test_ids_too_big_for_the_database_answer_not_found(app, client, world):
    """Every route with a number in its path, given numbers no database column can hold."""
    by_endpoint = {row.endpoint: row for row in ROWS}
    wrong = []
    for rule in app.url_map.iter_rules():
        names = _int_arguments(rule)
        if not names:
            continue
        row = by_endpoint[rule.endpoint]
        actor = next(a for a in ACTORS if a != "anonymous" and row.statuses[a] not in (403,))
        sign_in(client, world.user(actor))
        for huge in HUGE_IDS:
            values = {name: huge for name in names}
            values.update({name: "investigations" for name in rule.arguments if name not in names})
            with app.test_request_context():
                path = rule.build(values, append_unknown=False)[1]
            for method in _methods(rule):
                response = client.open(path, method=method)
                if response.status_code != 404:
                    wrong.append(f"{method} {path} as {actor}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
