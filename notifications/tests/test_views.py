"""Each person's own notifications: the list, opening one, marking all read, and which
kinds they also want by email."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailOptOut, Kind, Notification
from notifications.services import Message, notify

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read_all")
SETTINGS = reverse("notifications:settings")


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


class TestNotificationList:
    def test_needs_sign_in(self, client):
        for url in (LIST, SETTINGS):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")

    def test_shows_only_mine_newest_first_unread_ones_said_in_words(self, client, ada, bob, note):
        old = note(ada, "Your leave was approved", read=True)
        Notification.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=1)
        )
        note(ada, "A request waits for you")
        note(bob, "Bob's own news")
        client.force_login(ada)
        response = client.get(LIST)
        html = response.content.decode()
        assert "2 notifications, newest first" in html
        assert "Bob's own news" not in html
        assert html.index("A request waits for you") < html.index("Your leave was approved")
        # The unread one says so in words; the read one does not.
        items = html.split('<li class="notification')[1:]
        assert "Unread" in items[0]
        assert "Unread" not in items[1]
        assert f'href="{open_url(old)}"' in html

    def test_pages_of_25_and_the_htmx_partial(self, client, ada, note, htmx_headers):
        for n in range(30):
            note(ada, f"Note {n:02d}")
        client.force_login(ada)
        first = client.get(LIST).content.decode()
        assert "Page 1 of 2" in first
        assert first.count('<li class="notification') == 25
        second = client.get(LIST, {"page": 2}, headers=htmx_headers())
        html = second.content.decode()
        assert html.count('<li class="notification') == 5
        assert "<html" not in html  # the results only
        assert 'id="results"' in html

    def test_titles_and_bodies_are_escaped(self, client, ada, note):
        note(ada, "<script>alert('t')</script>", body="<b>bold</b>\nnext line")
        client.force_login(ada)
        html = client.get(LIST).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt;<br>next line" in html

    def test_none_yet(self, client, ada):
        client.force_login(ada)
        assert "No notifications yet" in client.get(LIST).content.decode()

    def test_queries_do_not_grow_with_rows(
        self, client, ada, note, query_counts, django_assert_max_num_queries
    ):
        client.force_login(ada)

        def add(n):
            for i in range(n):
                note(ada, f"Note {i}", read=i % 2 == 0)

        few, many, response = query_counts(LIST, add, few=2, more=40)
        assert response.status_code == 200
        assert few == many
        with django_assert_max_num_queries(few):
            client.get(LIST, {"page": 2})


class TestOpenNotification:
    def test_marks_it_read_and_goes_where_it_points(self, client, ada, note):
        notification = note(ada, url="/requests/")
        client.force_login(ada)
        response = client.get(open_url(notification))
        assert response.status_code == 302
        assert response["Location"] == "/requests/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_opening_it_again_keeps_when_it_was_read(self, client, ada, note):
        notification = note(ada, read=True)
        first_read = notification.read_at
        client.force_login(ada)
        client.get(open_url(notification))
        notification.refresh_from_db()
        assert notification.read_at == first_read

    @pytest.mark.parametrize(
        "url",
        [
            "https://evil.example.com/",
            "//evil.example.com/x",
            "/\\evil.example.com/x",
            "///evil.example.com/x",
            "javascript:alert(1)",
            "",
            "x/y",
        ],
    )
    def test_only_to_a_page_of_this_site(self, client, ada, note, url):
        notification = note(ada, url=url)
        client.force_login(ada)
        response = client.get(open_url(notification))
        assert response["Location"] == LIST
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_someone_elses_does_not_exist(self, client, ada, bob, note):
        theirs = note(bob)
        client.force_login(ada)
        assert client.get(open_url(theirs)).status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_refuses_post(self, client, ada, note):
        client.force_login(ada)
        assert client.post(open_url(note(ada))).status_code == 405


class TestMarkAllRead:
    def test_marks_only_mine(self, client, ada, bob, note):
        note(ada)
        note(ada)
        note(ada, read=True)
        theirs = note(bob)
        client.force_login(ada)
        response = client.post(READ_ALL)
        assert response.status_code == 302
        assert response["Location"] == LIST
        assert not Notification.objects.filter(user=ada, read_at__isnull=True).exists()
        theirs.refresh_from_db()
        assert theirs.read_at is None
        html = client.get(LIST).content.decode()
        assert "Marked 2 notifications read." in html
        assert "Unread" not in html
        assert "Mark all read" not in html  # nothing left to mark

    def test_nothing_unread(self, client, ada):
        client.force_login(ada)
        response = client.post(READ_ALL, follow=True)
        assert "Nothing was unread." in response.content.decode()

    def test_refuses_get(self, client, ada, note):
        note(ada)
        client.force_login(ada)
        assert client.get(READ_ALL).status_code == 405
        assert Notification.objects.filter(read_at__isnull=True).count() == 1

    def test_needs_sign_in(self, client, ada, note):
        note(ada)
        response = client.post(READ_ALL)
        assert response["Location"].startswith("/login/")
        assert Notification.objects.filter(read_at__isnull=True).count() == 1


class TestEmailSettings:
    def test_one_labelled_checkbox_per_kind_all_on_at_first(self, client, ada):
        client.force_login(ada)
        response = client.get(SETTINGS)
        html = response.content.decode()
        assert "Email me when …" in html
        assert html.count('type="checkbox"') == len(Kind.values)
        assert html.count("checked") == len(Kind.values)
        for kind in Kind.values:
            assert f'value="{kind}"' in html
        assert "I seem to have forgotten to clock out" in html

    def test_saved_and_shown_again(self, client, ada):
        client.force_login(ada)
        response = client.post(SETTINGS, {"wanted": [Kind.REQUEST_SUBMITTED]})
        assert response.status_code == 302
        off = set(EmailOptOut.objects.filter(user=ada).values_list("kind", flat=True))
        assert off == set(Kind.values) - {Kind.REQUEST_SUBMITTED}
        html = client.get(SETTINGS).content.decode()
        assert "Email preferences saved." in html
        assert html.count("checked") == 1
        # Turning one back on.
        client.post(SETTINGS, {"wanted": [Kind.REQUEST_SUBMITTED, Kind.REQUEST_DECIDED]})
        off = set(EmailOptOut.objects.filter(user=ada).values_list("kind", flat=True))
        assert off == {Kind.APPROVAL_REMINDER, Kind.CLOCK_OUT_REMINDER}

    def test_none_ticked_turns_every_email_off(self, client, ada):
        client.force_login(ada)
        client.post(SETTINGS, {})
        assert EmailOptOut.objects.filter(user=ada).count() == len(Kind.values)

    def test_an_unknown_kind_is_a_form_error(self, client, ada):
        client.force_login(ada)
        response = client.post(SETTINGS, {"wanted": ["gossip"]})
        assert response.status_code == 200
        assert "Select a valid choice. gossip is not one of the available choices." in (
            response.content.decode()
        )
        assert not EmailOptOut.objects.exists()

    def test_honoured_by_notify(
        self, client, ada, bob, django_capture_on_commit_callbacks, htmx_headers
    ):
        client.force_login(ada)
        client.post(SETTINGS, {"wanted": [Kind.REQUEST_DECIDED]})
        with django_capture_on_commit_callbacks(execute=True):
            kept = notify(
                kind=Kind.REQUEST_SUBMITTED,
                messages=[Message(ada, "Leave to approve"), Message(bob, "Leave to approve")],
            )
        assert kept == 2
        assert [m.to for m in mail.outbox] == [["bob@example.com"]]  # ada turned it off
        # ... and still in her list.
        assert "Leave to approve" in client.get(LIST).content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notify(kind=Kind.REQUEST_DECIDED, messages=[Message(ada, "Approved", url="/r/")])
        (email,) = mail.outbox
        assert email.to == ["ada@example.com"]
        assert email.subject == "Approved"
        assert email.body.endswith("/r/\n")

    def test_is_for_everyone_signed_in_only_about_themselves(self, client, ada, bob):
        client.force_login(bob)
        client.post(SETTINGS, {})
        assert not EmailOptOut.objects.filter(user=ada).exists()
