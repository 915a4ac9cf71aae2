"""The top bar's "Notifications (3)": kept in the cache until it changes, counted (one
query) only then; nothing at all for visitors not signed in and for htmx partials."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import shared_cache_cost
from notifications.models import Kind, Notification
from notifications.selectors import unread_count, unread_key
from notifications.services import Message, notify

pytestmark = pytest.mark.django_db

JOBS = reverse("jobs:list")
LINK = re.compile(r'<a class="notifications-link"([^>]*)>(.*?)</a>', re.DOTALL)


def nav_link(response) -> tuple[str, str]:
    """The top bar's link to the notifications: its attributes, and its text."""
    attributes, inner = LINK.search(response.content.decode()).groups()
    return attributes, re.sub(r"<[^>]+>", "", inner)


def notification_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_the_unread_count_in_words_kept_until_it_changes(client, ada, bob, note):
    for _ in range(3):
        note(ada)
    note(ada, read=True)
    note(bob)
    client.force_login(ada)  # counted as she signs in
    response, queries = notification_queries(client, JOBS)
    assert nav_link(response)[1] == "Notifications (3)"
    assert queries == []  # kept: a read of the cache
    notify(kind=Kind.REQUEST_SUBMITTED, messages=[Message(ada, f"News {n}") for n in range(20)])
    response, queries = notification_queries(client, JOBS)
    assert nav_link(response)[1] == "Notifications (23)"
    assert len(queries) == 1  # counted again, once
    response, queries = notification_queries(client, JOBS)
    assert nav_link(response)[1] == "Notifications (23)"
    assert queries == []
    # Opening one, and marking all read, count again too.
    client.get(
        reverse("notifications:open", args=[Notification.objects.filter(user=ada).first().pk])
    )
    assert nav_link(client.get(JOBS))[1] == "Notifications (22)"
    client.post(reverse("notifications:read_all"))
    assert nav_link(client.get(JOBS))[1] == "Notifications"


def test_someone_elses_news_leaves_my_count_alone(client, ada, bob, note):
    note(ada)
    client.force_login(ada)
    notify(kind=Kind.REQUEST_SUBMITTED, messages=[Message(bob, "For Bob")])
    response, queries = notification_queries(client, JOBS)
    assert nav_link(response)[1] == "Notifications (1)"
    assert queries == []


def test_forgotten_only_once_the_news_is_committed(ada, django_capture_on_commit_callbacks):
    """A page counting while `notify` is still writing keeps the count from before: it is
    forgotten again at the commit."""
    unread_count(user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.REQUEST_SUBMITTED, messages=[Message(ada, "News")])
        assert unread_count(user=ada) == 1  # (this test's transaction sees its own write)
        cache.set(unread_key(ada.pk), 0)  # as a page that counted before the write would
    assert unread_count(user=ada) == 1


def test_the_page_costs_one_read_of_the_cache(client, ada, note):
    note(ada)
    client.force_login(ada)
    with CaptureQueriesContext(connection) as queries:
        client.get(JOBS)
    cache_reads = [q["sql"] for q in queries if "hrms_cache" in q["sql"]]
    assert len(cache_reads) == shared_cache_cost()[0]


def test_no_count_when_nothing_is_unread(client, ada, note):
    note(ada, read=True)
    client.force_login(ada)
    response, _ = notification_queries(client, JOBS)
    attributes, text = nav_link(response)
    assert text == "Notifications"
    assert f'href="{reverse("notifications:list")}"' in attributes


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
    attributes, _ = nav_link(client.get(reverse("notifications:settings")))
    assert 'aria-current="page"' in attributes
    attributes, _ = nav_link(client.get(JOBS))
    assert "aria-current" not in attributes
