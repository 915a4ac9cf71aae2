"""The office kiosk: employees clock in and out with their code and PIN on a shared
tablet signed in as a kiosk account, which can do nothing else; and each employee's PIN."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import roles
from accounts.models import DepartmentScope
from core.formats import format_clock
from employees.tests.factories import DepartmentFactory, EmployeeFactory
from timeclock import lockout, services
from timeclock.models import KioskPin, Punch

pytestmark = pytest.mark.django_db

PIN = "4826"
NOT_RECOGNISED = "Code or PIN not recognised."


@pytest.fixture
def kiosk(client, django_user_model):
    """The office's tablet, signed in as its kiosk account."""
    user = django_user_model.objects.create_user("kiosk-hall", password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=roles.KIOSK))
    client.force_login(user)
    return user


@pytest.fixture
def asha(db):
    """Asha Rao, code ASHA, whose kiosk PIN is PIN."""
    asha = EmployeeFactory(employee_id="ASHA", full_name="Asha Rao")
    services.kiosk_pin_set(employee=asha, pin=PIN)
    return asha


def press(client, button="in", code="ASHA", pin=PIN, key=None, **extra):
    """Type a code and PIN at the kiosk and press a button, on the form as shown."""
    key = key or client.get("/kiosk/").context["key"]
    data = {"code": code, "pin": pin, "direction": button, "key": str(key)}
    return client.post("/kiosk/", data, **extra)


def shown(client) -> str:
    """What the kiosk says now (its messages), after the redirect."""
    page = client.get("/kiosk/")
    return " ".join(str(m) for m in page.context["messages"])


class TestKiosk:
    def test_the_page_is_for_a_tablet_and_works_without_javascript(self, client, kiosk):
        page = client.get("/kiosk/")
        assertContains(page, '<label for="id_code">Employee code</label>', html=False)
        assertContains(page, 'inputmode="numeric"')
        assertContains(page, 'autocomplete="off"')
        assertContains(page, '<button type="submit" name="direction" value="in"')
        assertContains(page, '<button type="submit" name="direction" value="out"')
        assertContains(page, "css/kiosk.css")
        # A plain form; its one script only takes a result away after a few seconds and
        # renews an idle page (no meta refresh: a page that changes on a timer by itself
        # fails WCAG 2.2.1, and axe says so).
        assert page.content.decode().count("<script") == 1
        assertContains(page, "js/kiosk.js")
        assertNotContains(page, 'http-equiv="refresh"')
        assert client.get("/kiosk/").context["key"] != page.context["key"]  # one key a form

    def test_clock_in_then_out(self, client, kiosk, asha):
        assertRedirects(press(client), "/kiosk/", fetch_redirect_response=False)
        punch = Punch.objects.get()
        at = format_clock(timezone.localtime(punch.at))
        page = client.get("/kiosk/")
        assertContains(page, f"Clocked in at {at} — Asha Rao")
        assert (punch.employee, punch.direction, punch.source) == (asha, "in", "kiosk")
        assert (punch.entered_by, punch.ip) == (kiosk, "127.0.0.1")
        press(client, "out")
        assert "Clocked out at" in shown(client)
        assert list(Punch.objects.values_list("direction", flat=True)) == ["in", "out"]
        assertNotContains(client.get("/kiosk/"), "Clocked")  # then a blank form

    def test_the_code_is_read_whatever_its_case_and_spaces(self, client, kiosk, asha):
        press(client, code="  asha ")
        assert Punch.objects.get().employee == asha

    def test_a_double_tap_is_one_punch(self, client, kiosk, asha):
        key = uuid.uuid4()
        press(client, key=key)
        press(client, key=key)
        assert Punch.objects.count() == 1
        assert "Clocked in at" in shown(client)

    def test_a_form_sent_again_by_someone_else_is_not_their_punch(self, client, kiosk, asha):
        ben = EmployeeFactory(employee_id="BEN")
        services.kiosk_pin_set(employee=ben, pin="7391")
        key = uuid.uuid4()
        press(client, key=key)
        press(client, code="BEN", pin="7391", key=key)
        assert "This form was sent already" in shown(client)
        assert list(Punch.objects.values_list("employee", flat=True)) == [asha.pk]

    def test_already_in_is_the_services_refusal(self, client, kiosk, asha):
        press(client)
        press(client)
        assert "You clocked in already, at" in shown(client)
        assert Punch.objects.count() == 1

    def test_someone_who_has_left_is_refused(self, client, kiosk, asha):
        asha.date_left = timezone.localdate() - datetime.timedelta(days=1)
        asha.save()
        press(client)
        assert "Asha Rao no longer works here" in shown(client)
        assert not Punch.objects.exists()

    def test_wrong_pin_unknown_code_and_no_pin_say_the_same(self, client, kiosk, asha):
        EmployeeFactory(employee_id="NOPIN")
        said = []
        for code, pin in (("ASHA", "4827"), ("NOBODY", PIN), ("NOPIN", PIN)):
            press(client, code=code, pin=pin)
            said.append(shown(client))
        assert said == [NOT_RECOGNISED] * 3
        assert not Punch.objects.exists()

    def test_a_missing_field_is_shown_on_the_form(self, client, kiosk, asha):
        response = press(client, pin="")
        assert response.status_code == 400
        assertContains(response, "Type your PIN.", status_code=400)
        assertContains(response, 'value="ASHA"', status_code=400)
        assert not Punch.objects.exists()

    def test_the_offices_networks_apply(self, client, kiosk, asha, settings):
        settings.CLOCK_NETWORKS = ["10.1.0.0/16"]
        press(client)
        assert "Clock in and out from the office's network" in shown(client)
        press(client, REMOTE_ADDR="10.1.2.3")
        assert Punch.objects.get().ip == "10.1.2.3"

    def test_a_kiosk_limited_to_departments_takes_only_theirs(self, client, kiosk, asha):
        DepartmentScope.objects.create(user=kiosk).departments.add(DepartmentFactory())
        press(client)
        assert shown(client) == NOT_RECOGNISED
        kiosk.department_scope.departments.add(asha.department)
        press(client)
        assert Punch.objects.get().employee == asha

    def test_csrf_is_enforced(self, kiosk, asha):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(kiosk)
        data = {"code": "ASHA", "pin": PIN, "direction": "in", "key": str(uuid.uuid4())}
        assert browser.post("/kiosk/", data).status_code == 403
        assert not Punch.objects.exists()
        page = browser.get("/kiosk/")
        token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        response = browser.post("/kiosk/", {**data, "csrfmiddlewaretoken": token})
        assertRedirects(response, "/kiosk/", fetch_redirect_response=False)
        assert Punch.objects.count() == 1

    def test_get_and_post_only(self, client, kiosk):
        assert client.put("/kiosk/").status_code == 405

    def test_anyone_else_is_refused(self, client, django_user_model, asha):
        hr = django_user_model.objects.create_user("hr")
        hr.groups.add(Group.objects.get(name=roles.HR_ADMIN))
        client.force_login(hr)
        assertContains(client.get("/kiosk/"), "You do not have permission", status_code=403)
        assert press(client, key=uuid.uuid4()).status_code == 403
        assert not Punch.objects.exists()
        client.logout()
        assertRedirects(client.get("/kiosk/"), "/login/?next=/kiosk/")


class TestWithDebugOff:
    def test_the_page_finds_its_hashed_stylesheet(self, client, kiosk, settings, tmp_path):
        """As served in production: a stylesheet missing from collectstatic's manifest
        would be a server error."""
        settings.DEBUG = False
        settings.STATIC_ROOT = tmp_path
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            },
        }
        call_command("collectstatic", "--noinput", verbosity=0)
        page = client.get("/kiosk/")
        assert re.search(r'href="/static/css/kiosk\.[0-9a-f]{12}\.css"', page.content.decode())


class TestLockout:
    def test_five_wrong_pins_lock_the_code_then_it_works_again(
        self, client, kiosk, asha, monkeypatch
    ):
        for _ in range(lockout.CODE_FAILURES):
            press(client, pin="0000")
        press(client)  # the right PIN, but too late
        assert "Too many tries with this code: try again in 15 minutes" in shown(client)
        assert not Punch.objects.exists()
        # Another code still works at this kiosk.
        ben = EmployeeFactory(employee_id="BEN", full_name="Ben Ode")
        services.kiosk_pin_set(employee=ben, pin="7391")
        press(client, code="BEN", pin="7391")
        assert "Ben Ode" in shown(client)
        # Fifteen minutes later.
        later = lockout._now() + lockout.LOCK + 1
        monkeypatch.setattr(lockout, "_now", lambda: later)
        press(client)
        assert "Clocked in at" in shown(client)

    def test_an_unknown_code_is_locked_the_same_way(self, client, kiosk):
        for _ in range(lockout.CODE_FAILURES + 1):
            press(client, code="NOBODY")
        assert shown(client).startswith("Too many tries with this code")

    def test_the_right_pin_forgets_earlier_mistakes(self, client, kiosk, asha):
        for _ in range(lockout.CODE_FAILURES - 1):
            press(client, pin="0000")
        press(client)
        press(client, "out", pin="0000")
        press(client, "out")
        assert "Clocked out" in shown(client)

    def test_too_many_failures_pause_the_kiosk(self, client, kiosk, asha, monkeypatch):
        for n in range(lockout.KIOSK_FAILURES):
            press(client, code=f"GUESS{n}")
        press(client)
        assert shown(client).startswith("Too many codes or PINs not recognised here")
        assert not Punch.objects.exists()
        later = lockout._now() + lockout.LOCK + 1
        monkeypatch.setattr(lockout, "_now", lambda: later)
        press(client)
        assert "Clocked in" in shown(client)


class TestOnlyTheKiosk:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/employees/",
            "/me/",
            "/me/kiosk-pin/",
            "/attendance/",
            "/account/tokens/",
            "/admin/",
            "/admin/employees/employee/",
        ],
    )
    def test_every_other_page_goes_to_the_kiosk(self, client, kiosk, url):
        assertRedirects(client.get(url), "/kiosk/", fetch_redirect_response=False)

    def test_htmx_goes_there_too(self, client, kiosk, htmx_headers):
        response = client.get("/employees/", headers=htmx_headers())
        assert response.headers["HX-Redirect"] == "/kiosk/"

    def test_the_api_refuses_it(self, client, kiosk):
        # With a token too: hrms/tests/test_api_matrix.py.
        assert client.get("/api/employees").status_code == 403
        assert client.get("/api/me").status_code == 403

    def test_sign_out_and_health_stay_open(self, client, kiosk):
        assert client.get("/healthz").status_code == 200
        assertRedirects(client.post("/logout/"), "/login/", fetch_redirect_response=False)

    def test_its_scope_holds_nobody(self, kiosk, asha):
        from accounts.scoping import scope_for
        from employees.models import Employee

        scope = scope_for(kiosk)
        assert scope.kiosk_only
        assert not scope.limit(Employee.objects.all(), "department").exists()

    def test_someone_with_another_role_too_is_no_kiosk(self, client, kiosk):
        kiosk.groups.add(Group.objects.get(name=roles.VIEWER))
        assert client.get("/employees/").status_code == 200


class TestCreateKiosk:
    def test_prints_a_password_that_signs_in(self, capsys):
        call_command("create_kiosk", "kiosk-hall")
        out = capsys.readouterr().out
        password = out.split("Password: ")[1].split()[0]
        client = Client()
        signed_in = client.post("/login/", {"username": "kiosk-hall", "password": password})
        assertRedirects(signed_in, "/", fetch_redirect_response=False)
        assertRedirects(client.get("/"), "/kiosk/", fetch_redirect_response=False)
        assert client.get("/kiosk/").status_code == 200

    def test_limited_to_departments(self, capsys):
        DepartmentFactory(name="Sales")
        call_command("create_kiosk", "kiosk-sales", "--department", "sales")
        assert "the employees of sales" in capsys.readouterr().out
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="kiosk-sales")
        assert [d.name for d in user.department_scope.departments.all()] == ["Sales"]

    def test_refuses_a_taken_name_or_unknown_department(self, command_errors, kiosk):
        command_errors("create_kiosk", "KIOSK-HALL", match="already")
        command_errors("create_kiosk", "new", "--department", "Nowhere", match="No department")


class TestKioskPin:
    @pytest.fixture
    def me(self, client, django_user_model):
        user = django_user_model.objects.create_user("jane", password="x-Pass-1234")
        user.groups.add(Group.objects.get(name=roles.EMPLOYEE))
        jane = EmployeeFactory(employee_id="JANE", full_name="Jane Doe", user=user)
        client.force_login(user)
        return jane

    def post(self, client, password="x-Pass-1234", pin="2580", again=None):
        data = {"password": password, "pin": pin, "pin_again": pin if again is None else again}
        return client.post("/me/kiosk-pin/", data)

    def test_linked_from_my_attendance(self, client, me):
        assertContains(client.get("/me/"), 'href="/me/kiosk-pin/"')
        page = client.get("/me/kiosk-pin/")
        assertContains(page, "JANE")
        assertContains(page, '<label for="id_pin">New PIN</label>', html=False)

    def test_set_and_change_it_kept_hashed(self, client, me):
        assertRedirects(self.post(client), "/me/", fetch_redirect_response=False)
        stored = KioskPin.objects.get(employee=me)
        assert "2580" not in stored.pin
        assert check_password("2580", stored.pin)
        self.post(client, pin="739105")
        stored.refresh_from_db()
        assert check_password("739105", stored.pin)
        assert KioskPin.objects.count() == 1

    def test_wrong_password(self, client, me):
        response = self.post(client, password="nope")
        assertContains(response, "That is not your password.", status_code=400)
        assert not KioskPin.objects.exists()

    def test_five_wrong_passwords_lock_the_page(self, client, me, monkeypatch):
        for _ in range(lockout.CODE_FAILURES):
            self.post(client, password="nope")
        response = self.post(client)  # the right one, too late
        assertContains(response, "Too many wrong passwords", status_code=400)
        assert not KioskPin.objects.exists()
        later = lockout._now() + lockout.LOCK + 1
        monkeypatch.setattr(lockout, "_now", lambda: later)
        assertRedirects(self.post(client), "/me/", fetch_redirect_response=False)
        assert KioskPin.objects.exists()

    @pytest.mark.parametrize(
        ("pin", "message"),
        [
            ("1111", "too easy to guess"),
            ("1234", "too easy to guess"),
            ("98765", "too easy to guess"),
            ("123", "4 to 8 digits"),
            ("123456789", "4 to 8 digits"),
            ("12a4", "4 to 8 digits"),
            ("٤٨٢٦", "4 to 8 digits"),  # digits, but not the kiosk's
        ],
    )
    def test_trivial_or_malformed_pins_are_refused(self, client, me, pin, message):
        assertContains(self.post(client, pin=pin), message, status_code=400)
        assert not KioskPin.objects.exists()

    def test_the_two_must_match(self, client, me):
        assertContains(self.post(client, again="2581"), "two PINs differ", status_code=400)

    def test_an_account_that_is_no_employee_has_none(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_user("hr"))
        page = client.get("/me/kiosk-pin/")
        assertContains(page, "not linked to an employee record")
        assertNotContains(page, '<form method="post" action="/me/kiosk-pin/"')
        assert self.post(client).status_code == 404

    def test_audited_without_the_pin(self, client, me):
        from auditlog.models import LogEntry

        self.post(client)
        entry = LogEntry.objects.get_for_object(KioskPin.objects.get()).get()
        assert entry.actor == me.user
        assert "pin" not in entry.changes_dict
        assert "set_at" in entry.changes_dict

    def test_hr_removes_one_in_the_admin(self, client, me, django_user_model):
        services.kiosk_pin_set(employee=me, pin="2580")
        hr = django_user_model.objects.create_user("hr", is_staff=True)
        hr.groups.add(Group.objects.get(name=roles.HR_ADMIN))
        client.force_login(hr)
        pin = KioskPin.objects.get()
        page = client.get(f"/admin/timeclock/kioskpin/{pin.pk}/change/")
        assert page.status_code == 200
        assertNotContains(page, pin.pin)
        client.post(f"/admin/timeclock/kioskpin/{pin.pk}/delete/", {"post": "yes"})
        assert not KioskPin.objects.exists()
