"""The admin under the product's name, in the product's colours."""

import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_shows_the_brand_its_icon_and_stylesheet(client):
    response = client.get("/admin/login/")
    assertContains(response, "<title>Log in | HRMS Lite</title>", html=True)
    assertContains(response, "HRMS <span>Lite</span> admin</a>")
    assertContains(
        response, '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    )
    assertContains(response, '<link rel="stylesheet" href="/static/css/admin.css">')
    assert "Django administration" not in response.content.decode()
    stylesheet = client.get("/static/css/admin.css")
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"].startswith("text/css")


def test_the_index_is_the_back_office_with_a_way_back_to_the_app(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assertContains(response, "<title>Back office | HRMS Lite</title>", html=True)
    assertContains(response, '<a href="/">View site</a>', html=True)
