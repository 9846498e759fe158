"""Who may open the administration pages."""

import pytest

from tracker.accounts.permissions import ROLE_PERMISSIONS, Permission, Role

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/lmcs", "/admin/lmcs/new", "/admin/contract-references"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["practice-user", "practice-lead", "lmc-officer"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_administrators_open_admin_pages(client, login_as, role, path):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrators_open_admin_pages(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 200


def test_every_role_has_its_permissions_named_in_one_place():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert Permission.REPORTS_IMPORT in ROLE_PERMISSIONS[Role.PRACTICE_LEAD]
    assert Permission.REPORTS_IMPORT not in ROLE_PERMISSIONS[Role.PRACTICE_USER]
    assert Permission.REPORTS_READ not in ROLE_PERMISSIONS[Role.LMC_OFFICER]
    assert Permission.REPORTS_READ not in ROLE_PERMISSIONS[Role.ADMIN]


def test_navigation_matches_the_role(client, login_as):
    login_as("admin")
    page = client.get("/home").text
    assert "Users" in page and "LMCs" in page
    assert "Log a case" not in page


def test_deactivated_users_session_is_refused(client, factory, login, db_session):
    user = login(factory.user("practice-user"))
    user.active = False
    db_session.flush()
    assert client.get("/home").status_code == 302
