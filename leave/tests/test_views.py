import datetime
import re

import pytest
from django.urls import reverse

from attendance.models import Holiday
from employees.tests.factories import EmployeeFactory
from leave.models import CalendarFeed, Leave
from leave.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
URL = reverse("leave:calendar")


def week(**params):
    return {"date": MONDAY.isoformat(), "view": "week", **params}


def counts(response) -> dict:
    return {row["day"]: row["out"] for row in response.context["days"]}


def text(response) -> str:
    """The page's text, tags and runs of spaces taken out."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html)


class TestWhoIsOut:
    def test_each_absence_in_words_and_a_count_per_day(self, client, office, approved):
        approved(office["worker"], MONDAY + datetime.timedelta(1), MONDAY + datetime.timedelta(3))
        approved(office["lead"], MONDAY + datetime.timedelta(2), part=Leave.Part.MORNING)
        client.force_login(office["hr"])

        response = client.get(URL, week())

        assert response.status_code == 200
        page = text(response)
        assert "Week of 7 Dec – 13 Dec 2026" in page
        assert "Wes Worker — Annual leave, 8 Dec – 10 Dec 2026" in page
        assert "Lee Lead — Annual leave, 9 Dec 2026 (half day, morning)" in page
        assert list(counts(response).values()) == [0, 1, 2, 1, 0, 0, 0]
        assert "Wed 9 Dec 2026 No holiday 2 people out" in page
        assert "Mon 7 Dec 2026 No holiday Nobody out" in page

    def test_only_approved_leave_is_shown(self, client, office, approved):
        for state in (Leave.State.PENDING, Leave.State.REJECTED, Leave.State.CANCELLED):
            approved(office["worker"], MONDAY, state=state)
        client.force_login(office["hr"])

        response = client.get(URL, week())

        assert "Wes Worker" not in text(response)
        assert "Nobody is on approved leave in this period." in text(response)
        assert set(counts(response).values()) == {0}

    def test_holidays_are_shown(self, client, office):
        Holiday.objects.create(date=MONDAY + datetime.timedelta(3), name="Founders' Day")
        Holiday.objects.create(date=MONDAY + datetime.timedelta(7), name="Carnival")
        client.force_login(office["worker"].user)

        page = text(client.get(URL, week()))

        assert "Thu 10 Dec 2026 Holiday: Founders&#x27; Day" in page
        assert "Carnival" not in page

    @pytest.mark.parametrize(
        ("view", "title", "first", "last"),
        [
            ("day", "Wed 9 Dec 2026", "2026-12-09", "2026-12-09"),
            ("week", "Week of 7 Dec – 13 Dec 2026", "2026-12-07", "2026-12-13"),
            ("month", "December 2026", "2026-12-01", "2026-12-31"),
        ],
    )
    def test_a_day_a_week_or_a_month(self, client, office, approved, view, title, first, last):
        approved(office["worker"], datetime.date(2026, 12, 1))  # in the month only
        approved(office["lead"], datetime.date(2026, 12, 9))  # in all three
        approved(office["boss"], datetime.date(2027, 1, 1))  # in none
        client.force_login(office["hr"])

        response = client.get(URL, {"date": "2026-12-09", "view": view})

        days = list(counts(response))
        assert (days[0].isoformat(), days[-1].isoformat()) == (first, last)
        page = text(response)
        assert title in page
        assert "Lee Lead — Annual leave" in page
        assert ("Wes Worker" in page) == (view == "month")
        assert "Bea Boss" not in page

    @pytest.mark.parametrize(
        ("view", "previous", "following"),
        [
            ("day", "2026-12-08", "2026-12-10"),
            ("week", "2026-11-30", "2026-12-14"),
            ("month", "2026-11-01", "2027-01-01"),
        ],
    )
    def test_previous_and_next_keep_the_filters(self, client, office, view, previous, following):
        client.force_login(office["hr"])

        html = client.get(
            URL, {"date": "2026-12-09", "view": view, "who": office["sales"].pk}
        ).content.decode()

        who = f"who={office['sales'].pk}"
        assert re.search(rf'href="\?date={previous}&amp;view={view}&amp;{who}" ', html)
        assert re.search(rf'href="\?date={following}&amp;view={view}&amp;{who}" ', html)

    def test_defaults_to_this_week_for_everyone(self, client, office, approved):
        client.force_login(office["hr"])

        response = client.get(URL)

        assert response.status_code == 200
        form = response.context["form"]
        assert (form.cleaned_data["who"], form.cleaned_data["view"]) == ("all", "week")
        assert len(response.context["days"]) == 7

    def test_an_employee_sees_only_their_team(self, client, office, approved):
        for person in ("boss", "lead", "worker", "olga"):
            approved(office[person], MONDAY)
        client.force_login(office["lead"].user)

        page = text(client.get(URL, week()))

        assert "Lee Lead — Annual leave" in page
        assert "Wes Worker — Annual leave" in page
        assert "Bea Boss" not in page  # Lead's manager: not in Lead's team
        assert "Olga Other" not in page

    def test_hr_limited_to_a_department_sees_only_it(self, client, office, approved):
        approved(office["worker"], MONDAY)
        approved(office["olga"], MONDAY)
        client.force_login(office["hr_sales"])

        response = client.get(URL, week())

        page = text(response)
        assert "Wes Worker — Annual leave" in page
        assert "Olga Other" not in page
        assert counts(response)[MONDAY] == 1
        # Nor may they choose the other department: it is not among the choices.
        response = client.get(URL, week(who=office["other"].pk))
        assert "Olga Other" not in text(response)
        assert "Who: Choose whom to show from the list." in text(response)

    def test_one_department(self, client, office, approved):
        approved(office["worker"], MONDAY)
        approved(office["olga"], MONDAY)
        client.force_login(office["hr"])

        response = client.get(URL, week(who=office["other"].pk))

        page = text(response)
        assert "Olga Other — Annual leave" in page
        assert "Wes Worker" not in page
        assert counts(response)[MONDAY] == 1

    def test_my_team(self, client, office, approved, django_user_model):
        for person in ("boss", "lead", "worker", "olga"):
            approved(office[person], MONDAY)
        # An HR admin who sees everyone, and manages Worker.
        office["hr"].groups.add(*office["boss"].user.groups.all())
        EmployeeFactory(
            employee_id="HRME", full_name="Hana Hr", department=office["sales"], user=office["hr"]
        )
        office["worker"].manager = office["hr"].employee
        office["worker"].save()
        client.force_login(office["hr"])

        page = text(client.get(URL, week(who="team")))

        assert "Wes Worker — Annual leave" in page
        assert "Lee Lead" not in page
        assert "Olga Other" not in page

    def test_my_team_without_an_employee_record(self, client, office, approved):
        approved(office["worker"], MONDAY)
        client.force_login(office["hr"])

        page = text(client.get(URL, week(who="team")))

        assert "not linked to an employee record" in page
        assert "Wes Worker" not in page

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"date": "31/31/2026"}, "Around: Enter the date as YYYY-MM-DD"),
            ({"date": "0001-01-01"}, "Around: Choose a date between 1900 and 9000."),
            ({"view": "year"}, "Show: Choose a day, a week or a month."),
            ({"who": "nobody"}, "Who: Choose whom to show from the list."),
        ],
    )
    def test_bad_input_is_a_form_error(self, client, office, params, message):
        client.force_login(office["hr"])

        response = client.get(URL, params)

        assert response.status_code == 200
        assert message in text(response)

    def test_the_htmx_partial(self, client, office, approved):
        approved(office["worker"], MONDAY)
        client.force_login(office["hr"])

        response = client.get(
            URL, week(), HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="calendar-filters"
        )

        html = response.content.decode()
        assert html.lstrip().startswith('<section id="results"')
        assert "Wes Worker — Annual leave" in html
        assert "<html" not in html
        assert 'id="calendar-filters"' not in html

    def test_a_link_to_another_period_updates_the_filters_too(self, client, office):
        client.force_login(office["hr"])

        response = client.get(URL, week(), HTTP_HX_REQUEST="true")

        html = response.content.decode()
        assert '<section id="results"' in html
        assert re.search(r'<form id="calendar-filters"[^>]*hx-swap-oob="true"', html)
        assert f'value="{MONDAY.isoformat()}"' in html

    def test_entries_are_paged(self, client, office, approved, monkeypatch):
        monkeypatch.setattr("leave.views.ENTRIES_PER_PAGE", 2)
        for person in ("boss", "lead", "worker"):
            approved(office[person], MONDAY)
        client.force_login(office["hr"])

        first = text(client.get(URL, week()))
        second = text(client.get(URL, week(page=2)))

        assert "3 approved absences, showing 1–2" in first
        assert "Bea Boss" in first
        assert "Lee Lead" in first
        assert "Wes Worker" not in first
        assert "Wes Worker" in second
        assert "Bea Boss" not in second

    def test_get_only(self, client, office):
        client.force_login(office["hr"])
        assert client.post(URL, week()).status_code == 405

    def test_signing_in_is_required(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    @pytest.mark.parametrize("view", ["week", "month"])
    def test_queries_do_not_grow_with_people_or_leave(
        self, client, office, approved, django_assert_max_num_queries, view
    ):
        def add(n):
            for _ in range(n):
                employee = EmployeeFactory(department=office["sales"])
                approved(employee, MONDAY, MONDAY + datetime.timedelta(2))
                approved(employee, MONDAY + datetime.timedelta(4), part=Leave.Part.AFTERNOON)
            next_day = MONDAY + datetime.timedelta(Holiday.objects.count())
            Holiday.objects.create(date=next_day, name="Holiday")

        client.force_login(office["hr_sales"])
        add(2)
        with django_assert_max_num_queries(12) as few:
            assert client.get(URL, week(view=view)).status_code == 200
        add(60)
        with django_assert_max_num_queries(len(few)):
            response = client.get(URL, week(view=view))
        assert response.context["page"].paginator.count == 124


class TestFeedSettings:
    URL = reverse("leave:feed_settings")

    def test_no_feed_yet(self, client, office):
        client.force_login(office["worker"].user)

        page = text(client.get(self.URL))

        assert "You have no calendar feed." in page
        assert "Create a calendar feed" in page

    def test_creating_shows_the_address_once(self, client, office, approved):
        user = office["worker"].user
        client.force_login(user)

        response = client.post(self.URL, {"action": "create"})

        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        url = re.search(r'id="new-feed-url" type="text" value="([^"]+)"', response.content.decode())
        address = url.group(1)
        assert address.startswith("http://testserver/calendar/")
        assert address.endswith(".ics")
        token = address.removeprefix("http://testserver/calendar/").removesuffix(".ics")
        feed = CalendarFeed.objects.get(user=user)
        assert feed.token_hash == CalendarFeed.hash(token) != token  # only a fingerprint
        assert "it will not be shown again" in text(response)
        # The address works, and the settings page never shows it again.
        client.logout()
        assert client.get(address.removeprefix("http://testserver")).status_code == 200
        client.force_login(user)
        again = client.get(self.URL).content.decode()
        assert token not in again
        assert "You have a calendar feed" in text(client.get(self.URL))

    def test_a_new_address_replaces_the_old(self, client, office):
        client.force_login(office["worker"].user)
        first = feed_path(client.post(self.URL, {"action": "create"}))
        second = feed_path(client.post(self.URL, {"action": "create"}))

        assert first != second
        assert client.get(first).status_code == 404
        assert client.get(second).status_code == 200
        assert CalendarFeed.objects.count() == 1

    def test_revoking_stops_the_address_at_once(self, client, office):
        client.force_login(office["worker"].user)
        path = feed_path(client.post(self.URL, {"action": "create"}))

        response = client.post(self.URL, {"action": "revoke"}, follow=True)

        assert "Calendar feed revoked: its address no longer works." in text(response)
        assert "You have no calendar feed." in text(response)
        assert client.get(path).status_code == 404
        assert not CalendarFeed.objects.exists()

    def test_revoking_redirects(self, client, office):
        client.force_login(office["worker"].user)
        response = client.post(self.URL, {"action": "revoke"})
        assert response.status_code == 302
        assert response["Location"] == self.URL

    def test_a_bad_action_is_a_form_error(self, client, office):
        client.force_login(office["worker"].user)

        response = client.post(self.URL, {"action": "steal"})

        assert response.status_code == 400
        assert "Choose to create or to revoke the feed." in text(response)
        assert not CalendarFeed.objects.exists()

    def test_changes_need_csrf(self, office):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(office["worker"].user)

        assert client.post(self.URL, {"action": "create"}).status_code == 403
        assert not CalendarFeed.objects.exists()

    def test_signing_in_is_required(self, client):
        assert client.get(self.URL)["Location"].startswith("/login/")
        assert client.post(self.URL, {"action": "create"})["Location"].startswith("/login/")
        assert not CalendarFeed.objects.exists()


def feed_path(response) -> str:
    url = re.search(r'id="new-feed-url" type="text" value="([^"]+)"', response.content.decode())
    return url.group(1).removeprefix("http://testserver")
