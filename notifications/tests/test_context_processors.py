"""The top bar's "Notifications (3)": one query on a page that shows it, none otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

JOBS = reverse("jobs:list")


def notification_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_the_unread_count_in_words_in_one_query(client, ada, bob, note):
    for _ in range(3):
        note(ada)
    note(ada, read=True)
    note(bob)
    client.force_login(ada)
    response, queries = notification_queries(client, JOBS)
    assert "Notifications (3)</a>" in response.content.decode()
    assert len(queries) == 1
    for _ in range(20):
        note(ada)
    response, queries = notification_queries(client, JOBS)
    assert "Notifications (23)</a>" in response.content.decode()
    assert len(queries) == 1


def test_no_count_when_nothing_is_unread(client, ada, note):
    note(ada, read=True)
    client.force_login(ada)
    response, _ = notification_queries(client, JOBS)
    html = response.content.decode()
    assert f'href="{reverse("notifications:list")}">Notifications</a>' in html


def test_none_for_visitors_not_signed_in(client):
    response, queries = notification_queries(client, reverse("login"))
    assert "Notifications" not in response.content.decode()
    assert queries == []


def test_none_for_an_htmx_partial(client, ada, note, htmx_headers):
    note(ada)
    client.force_login(ada)
    response, queries = notification_queries(client, JOBS, headers=htmx_headers())
    assert "Notifications" not in response.content.decode()
    assert queries == []


def test_marked_as_the_current_page_on_the_notifications_pages(client, ada):
    client.force_login(ada)
    html = client.get(reverse("notifications:settings")).content.decode()
    assert 'href="/me/notifications/" aria-current="page">Notifications</a>' in html
