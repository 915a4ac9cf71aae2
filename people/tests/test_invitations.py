"""Invitations to sign in, and sign-in following employment."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from employees import services as employee_services
from employees.models import Employee
from employees.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture
def hr(client, user_with):
    return user_with(
        "employees.view_employee",
        "employees.change_employee",
        "employees.invite_employee",
        "attendance.view_attendancerecord",
        username="hr",
    )


@pytest.fixture
def jane():
    return EmployeeFactory(employee_id="JANE", full_name="Jane Doe", email="jane@example.com")


def invitation_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


def signs_in(client, username: str, password: str = PASSWORD) -> bool:
    """Sign in through the sign-in page, as a person does."""
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def accept(client, link: str):
    page = client.get(link, follow=True)  # Django moves the token into the session
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )


class TestInvite:
    def test_hr_invites_then_the_employee_sets_a_password_and_signs_in(self, client, hr, jane):
        page = client.get("/employees/JANE/")
        assertContains(page, "Not invited yet.")
        response = client.post("/employees/JANE/invite/", follow=True)
        assertContains(response, "Invitation sent to jane@example.com.")
        assertContains(response, "Invited; the link has not been used yet.")
        user = Employee.objects.get(pk=jane.pk).user
        assert user.username == "jane@example.com"
        assert not user.has_usable_password()
        assert mail.outbox[0].to == ["jane@example.com"]
        assert "Then sign in with the username jane@example.com." in mail.outbox[0].body

        client.logout()
        link = invitation_link()
        assertRedirects(accept(client, link), "/login/", fetch_redirect_response=False)
        assert signs_in(client, "jane@example.com")
        # The link works once.
        client.logout()
        assertContains(client.get(link, follow=True), "This link no longer works")

    def test_an_old_link_no_longer_works(self, client, hr, jane, settings):
        client.post("/employees/JANE/invite/")
        client.logout()
        settings.PASSWORD_RESET_TIMEOUT = -1  # every link is past its time
        assertContains(client.get(invitation_link(), follow=True), "This link no longer works")

    def test_sending_again_keeps_one_account(self, client, hr, jane):
        client.post("/employees/JANE/invite/")
        client.post("/employees/JANE/invite/")
        assert len(mail.outbox) == 2
        assert get_user_model().objects.filter(email="jane@example.com").count() == 1

    def test_refused_for_a_leaver_and_for_someone_who_signs_in(self, client, hr, jane):
        leaver = EmployeeFactory(employee_id="GONE", is_active=False)
        response = client.post("/employees/GONE/invite/", follow=True)
        assertContains(response, "no longer works here: only current employees are invited.")
        client.post("/employees/JANE/invite/")
        accept(client, invitation_link())
        client.force_login(hr)
        response = client.post("/employees/JANE/invite/", follow=True)
        assertContains(response, "Jane Doe already signs in (as jane@example.com).")
        assert leaver.user is None

    def test_an_email_that_names_someone_elses_account_is_refused(
        self, client, hr, jane, django_user_model
    ):
        django_user_model.objects.create_user("jane@example.com", password="x-Pass-1234")
        response = client.post("/employees/JANE/invite/", follow=True)
        assertContains(response, "An account named jane@example.com already exists")
        assert Employee.objects.get(pk=jane.pk).user is None
        assert not mail.outbox

    def test_only_hr_with_the_permission_and_only_by_post(self, client, user_with, jane):
        user_with("employees.view_employee", username="viewer")
        assert client.post("/employees/JANE/invite/").status_code == 403
        assert client.get("/employees/JANE/invite/").status_code == 405
        assert not mail.outbox


class TestSignInFollowsEmployment:
    @pytest.fixture
    def signed_in(self, client, hr, jane):
        client.post("/employees/JANE/invite/")
        client.logout()
        accept(client, invitation_link())
        assert signs_in(client, "jane@example.com")
        return Employee.objects.get(pk=jane.pk)

    def test_deactivating_ends_the_session_at_once(self, client, signed_in):
        assert client.get("/password-reset/").status_code == 200
        employee_services.employee_deactivate(employee=signed_in)
        assert not get_user_model().objects.get(pk=signed_in.user_id).is_active
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
        assert not signs_in(client, "jane@example.com")
        employee_services.employee_reactivate(employee=Employee.objects.get(pk=signed_in.pk))
        assert signs_in(client, "jane@example.com")

    def test_the_night_after_the_last_day_the_account_closes(self, signed_in):
        last_day = timezone.localdate()
        employee_services.employee_update(employee=signed_in, date_left=last_day)
        assert employee_services.accounts_of_leavers_close() == 0  # still their last day
        tomorrow = last_day + datetime.timedelta(days=1)
        assert employee_services.accounts_of_leavers_close(today=tomorrow) == 1
        assert not get_user_model().objects.get(pk=signed_in.user_id).is_active


def test_a_forgotten_password_is_reset_by_email(client, django_user_model):
    django_user_model.objects.create_user("sam", email="sam@example.com", password="Old-pass-123")
    response = client.post("/password-reset/", {"email": "sam@example.com"})
    assertRedirects(response, "/password-reset/sent/")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert signs_in(client, "sam")


class TestInviteMany:
    def test_everyone_not_invited_yet_in_one_job(self, client, hr, jane):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory.create_batch(3, department=sales)
        EmployeeFactory(department=sales, is_active=False)  # has left: skipped
        client.post("/employees/JANE/invite/")  # already invited: skipped
        mail.outbox.clear()
        page = client.get("/employees/invitations/")
        assertContains(page, "<strong>3</strong> current employees in your departments have")
        response = client.post("/employees/invitations/", {"department": sales.pk}, follow=True)
        assertContains(response, "Sent 3 invitations.")
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            Employee.objects.filter(department=sales, is_active=True).values_list(
                "email", flat=True
            )
        )
        # Nobody is left to invite in Sales; a second run sends nothing.
        response = client.post("/employees/invitations/", {"department": sales.pk}, follow=True)
        assertContains(response, "Sent 0 invitations.")
        assert len(mail.outbox) == 3

    def test_a_selection_by_code(self, client, hr, jane):
        chosen = [EmployeeFactory(employee_id=f"S{n}") for n in range(3)]
        EmployeeFactory(employee_id="NOT-ME")
        left = EmployeeFactory(employee_id="LEFT", is_active=False)
        client.post("/employees/JANE/invite/")  # invited, link not used yet: sent again
        mail.outbox.clear()
        response = client.post(
            "/employees/invitations/", {"codes": "S0, S1\nS2 JANE S0 LEFT"}, follow=True
        )
        assertContains(response, "Invite 5 chosen employees")
        assertContains(response, "Sent 4 invitations. 1 could not be sent.")
        assertContains(response, f"{left.full_name} no longer works here")
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [e.email for e in chosen] + [jane.email]
        )

    def test_a_selection_with_unknown_codes_sends_nothing(self, client, hr, limited_hr):
        EmployeeFactory(employee_id="HERE")
        response = client.post("/employees/invitations/", {"codes": "HERE NOPE NADA"})
        assertContains(response, "No employee has the codes NOPE, NADA.", status_code=400)
        # Someone HR may not see is unknown to them too.
        outsider = EmployeeFactory(employee_id="OUT", department=limited_hr.outside)
        client.force_login(limited_hr.user)
        response = client.post("/employees/invitations/", {"codes": outsider.employee_id})
        assertContains(response, "No employee has the code OUT.", status_code=400)
        EmployeeFactory(employee_id="IN1", department=limited_hr.inside)
        both = client.post(
            "/employees/invitations/", {"codes": "IN1", "department": limited_hr.inside.pk}
        )
        assertContains(both, "Choose a department or list codes, not both.", status_code=400)
        assert not mail.outbox

    def test_a_limited_hr_admin_invites_only_their_departments(self, client, limited_hr):
        EmployeeFactory(department=limited_hr.inside, email="in@example.com")
        EmployeeFactory(department=limited_hr.outside, email="out@example.com")
        client.force_login(limited_hr.user)
        response = client.post("/employees/invitations/", {}, follow=True)
        assertContains(response, "Sent 1 invitation.")
        assert [m.to for m in mail.outbox] == [["in@example.com"]]
        refused = client.post("/employees/invitations/", {"department": limited_hr.outside.pk})
        assertContains(refused, "That department does not exist (any more).", status_code=400)

    def test_only_for_those_who_may_invite(self, client, user_with):
        user_with("employees.view_employee", username="viewer")
        assert client.get("/employees/invitations/").status_code == 403
        assert client.post("/employees/invitations/", {}).status_code == 403
        assert not mail.outbox
