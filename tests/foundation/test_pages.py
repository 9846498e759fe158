"""The NHS.UK look, escaping, error pages and security headers."""

from tracker.organisations.models import LMC


def test_sign_in_page_uses_the_vendored_nhs_frontend(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "/static/nhsuk/nhsuk-frontend.min.css" in page.text
    assert "nhsuk-header" in page.text and "nhsuk-footer" in page.text


def test_no_page_loads_anything_from_another_origin(client, login_as):
    login_as("admin")
    for path in ("/home", "/admin/users", "/admin/lmcs"):
        page = client.get(path).text
        for attribute in ('src="http', "src=\"//", 'href="http', "href=\"//"):
            assert attribute not in page, (path, attribute)


def test_vendored_css_has_no_external_font(app):
    css = (app.static_folder + "/nhsuk/nhsuk-frontend.min.css")
    text = open(css, encoding="utf-8").read()
    assert "assets.nhs.uk" not in text
    assert "@font-face" not in text


def test_data_is_escaped_inside_nhs_macros(client, login_as, db_session, factory):
    """The NHS .jinja macros must autoescape: a name with <b> shows as text."""
    admin = login_as("admin")
    admin.full_name = "<b>Bold</b> Admin"
    db_session.flush()
    page = client.get("/account").text  # rendered by the summaryList macro
    assert "&lt;b&gt;Bold&lt;/b&gt; Admin" in page
    assert "<b>Bold</b>" not in page


def test_lmc_name_with_markup_is_escaped_in_tables(client, login_as, factory, db_session):
    login_as("admin")
    factory.lmc(name="<script>alert(1)</script> LMC")
    page = client.get("/admin/lmcs").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert db_session.query(LMC).count() >= 1


def test_not_found_page_is_nhs_styled(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.text and "nhsuk-header" in page.text
    assert "Traceback" not in page.text


def _app_with_route(rule, view):
    """A separate app (same database) with one extra route that fails on purpose."""
    from tracker import create_app

    other = create_app({"WTF_CSRF_ENABLED": False})
    other.add_url_rule(rule, view_func=view)
    return other


def test_unexpected_error_shows_500_page_without_traceback(db_session):
    def boom():
        raise RuntimeError("secret internals")

    response = _app_with_route("/boom", boom).test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_database_failure_gives_503_with_retry_after(db_session):
    from sqlalchemy.exc import OperationalError

    def db_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    response = _app_with_route("/db-down", db_down).test_client().get("/db-down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.text


def test_security_headers_on_pages_and_error_pages(client):
    for path in ("/sign-in", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert headers["Cache-Control"] == "no-store"


def test_csrf_token_required_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/sign-in", data={"email": "a@example.nhs.uk", "password": "x" * 12})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "The form had expired" in response.text


def test_header_has_a_working_sign_out_button(client, login_as):
    login_as("practice-user")
    page = client.get("/home").text
    assert '<button class="nhsuk-header__account-button">Sign out</button>' in page
    assert "&lt;form" not in page
