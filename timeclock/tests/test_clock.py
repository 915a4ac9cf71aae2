"""Clocking in and out, and the punch log that keeps every punch."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from employees.tests.factories import EmployeeFactory
from timeclock import services
from timeclock.models import Punch, PunchVoid
from timeclock.selectors import clock_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client, django_user_model):
    """Jane, signed in with her own account."""
    user = django_user_model.objects.create_user("jane@example.com", password="x-Pass-1234")
    jane = EmployeeFactory(employee_id="JANE", full_name="Jane Doe", user=user)
    client.force_login(user)
    return jane


def press(client, page="/me/", **data):
    """Press the clock button as the page shows it (its direction and key), or as given."""
    shown = client.get(page).context
    form = {
        "direction": shown["clock"].next_direction,
        "key": str(shown["clock_key"]),
        "next": page,
    }
    return client.post("/me/clock/", {**form, **data})


class TestClockButton:
    def test_in_then_out_with_the_servers_clock(self, client, me):
        assertContains(client.get("/me/"), "You have not clocked in today.")
        before = timezone.now()
        assertRedirects(press(client), "/me/", fetch_redirect_response=False)
        page = client.get("/me/")
        assertContains(page, "Clocked in at")
        assertContains(page, "clocked in</strong> since")
        assertContains(page, "Clock out")
        press(client)
        punches = list(Punch.objects.filter(employee=me).order_by("at"))
        assert [p.direction for p in punches] == ["in", "out"]
        assert all(p.source == "web" and p.entered_by == me.user for p in punches)
        assert before <= punches[0].at <= punches[1].at <= timezone.now()
        assertContains(client.get("/me/"), "You clocked <strong>out</strong> at")

    def test_a_double_tap_is_one_punch(self, client, me):
        shown = client.get("/me/").context
        form = {"direction": "in", "key": str(shown["clock_key"])}
        client.post("/me/clock/", form)
        client.post("/me/clock/", form)
        assert Punch.objects.filter(employee=me).count() == 1

    def test_clocking_in_twice_from_two_pages_is_refused_with_when(self, client, me):
        stale = client.get("/me/").context["clock_key"]
        press(client)
        response = client.post("/me/clock/", {"direction": "in", "key": str(stale)}, follow=True)
        assertContains(response, "You clocked in already, at")
        assert Punch.objects.filter(employee=me).count() == 1

    def test_a_bad_form_is_a_message_and_no_punch(self, client, me):
        response = client.post("/me/clock/", {"direction": "sideways", "key": "x"}, follow=True)
        assertContains(response, "Clock in or clock out.")
        assert not Punch.objects.exists()

    def test_back_to_the_page_it_was_on_but_never_elsewhere(self, client, me):
        assertRedirects(
            press(client, next="/me/?month=2026-01"),
            "/me/?month=2026-01",
            fetch_redirect_response=False,
        )
        response = press(client, next="https://evil.example/")
        assertRedirects(response, "/me/")

    def test_someone_who_has_left_has_no_clock(self, client, me):
        me.date_left = timezone.localdate() - datetime.timedelta(days=1)
        me.save()
        assertNotContains(client.get("/me/"), "Time clock")
        with pytest.raises(ValidationError, match="no longer works here"):
            services.clock_punch(employee=me, direction="in", by=None, request_key=uuid.uuid4())

    def test_an_account_that_is_no_employee_has_nothing_to_clock(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_user("hr"))
        assert (
            client.post("/me/clock/", {"direction": "in", "key": str(uuid.uuid4())}).status_code
            == 404
        )
        assert client.get("/me/clock/").status_code == 405


class TestPunchLog:
    def punch(self, employee, **fields):
        return Punch.objects.create(
            employee=employee,
            at=fields.pop("at", timezone.now()),
            direction=fields.pop("direction", "in"),
            source=fields.pop("source", "device"),
            **fields,
        )

    def test_a_punch_is_never_changed_nor_deleted(self, me):
        punch = self.punch(me)
        punch.direction = "out"
        with pytest.raises(ValidationError, match="append-only"):
            punch.save()
        with pytest.raises(ValidationError, match="void a mistaken punch"):
            punch.delete()
        assert Punch.objects.get().direction == "in"

    def test_a_device_punch_read_twice_is_one_punch(self, me):
        at = timezone.now().replace(microsecond=0)
        self.punch(me, at=at)
        with pytest.raises(IntegrityError), transaction.atomic():
            self.punch(me, at=at)
        copy = Punch(employee=me, at=at, direction="in", source="device")
        Punch.objects.bulk_create([copy], ignore_conflicts=True)
        assert Punch.objects.count() == 1
        self.punch(me, at=at, source="kiosk")  # the same instant from elsewhere: its own
        assert Punch.objects.count() == 2

    def test_a_voided_punch_stays_in_the_log_but_counts_no_more(self, me):
        punch = self.punch(me, source="web")
        assert clock_state(me).clocked_in
        with pytest.raises(ValidationError, match="Say why"):
            services.punch_void(punch=punch, reason="  ", by=None)
        services.punch_void(punch=punch, reason="Pressed by mistake", by=None)
        assert not clock_state(me).clocked_in
        assert Punch.objects.filter(pk=punch.pk).exists()
        with pytest.raises(ValidationError, match="void already"):
            services.punch_void(punch=punch, reason="Again", by=None)
        assert PunchVoid.objects.get().reason == "Pressed by mistake"

    def test_a_void_is_in_the_audit_trail(self, me):
        from auditlog.models import LogEntry

        punch = self.punch(me)
        services.punch_void(punch=punch, reason="Wrong person", by=None)
        assert "Wrong person" in str(LogEntry.objects.get_for_object(punch.void).get().changes)


class TestWhereFrom:
    def test_only_from_the_offices_networks_when_set(self, client, me, settings):
        settings.CLOCK_NETWORKS = ["10.1.0.0/16", "2001:db8::/48"]
        refused = client.get(press(client).url)
        assertContains(refused, "Clock in and out from the office&#x27;s network")
        assert not Punch.objects.exists()
        inside = client.post(
            "/me/clock/",
            {"direction": "in", "key": str(uuid.uuid4())},
            REMOTE_ADDR="10.1.2.3",
            follow=True,
        )
        assertContains(inside, "Clocked in at")
        assert Punch.objects.get().ip == "10.1.2.3"

    def test_the_location_is_kept_when_asked_for_and_given(self, client, me, settings):
        settings.CLOCK_ASK_LOCATION = True
        assertContains(client.get("/me/"), "data-clock-location")
        press(client, latitude="51.507351", longitude="-0.127758", accuracy="35")
        punch = Punch.objects.get()
        assert (str(punch.latitude), str(punch.longitude), punch.location_accuracy_m) == (
            "51.507351",
            "-0.127758",
            35,
        )

    def test_an_unusable_location_is_left_out_not_an_error(self, client, me, settings):
        settings.CLOCK_ASK_LOCATION = True
        press(client, latitude="91", longitude="east", accuracy="-1")
        punch = Punch.objects.get()
        assert (punch.latitude, punch.longitude) == (None, None)

    def test_no_location_is_kept_unless_the_deployment_asks(self, client, me):
        assertNotContains(client.get("/me/"), "data-clock-location")
        press(client, latitude="51.5", longitude="-0.12")
        assert Punch.objects.get().latitude is None
