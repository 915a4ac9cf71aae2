"""Background jobs on the real queue (django-tasks' database backend and its worker):
waiting, progress, cancel, failure, a worker lost mid-job, scheduled upkeep, and who may
see a job's result."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from accounts import roles
from accounts.scoping import EVERYTHING
from jobs import files, services
from jobs.models import Job, JobFile, ScheduledRun
from jobs.registry import register
from jobs.runner import JobFailed
from jobs.testing import DATABASE_QUEUE, work

pytestmark = pytest.mark.django_db
calls = []


@register("test.count")
def count_departments(job, context):
    """Create the groups job.params["names"] one by one, all or none."""
    calls.append(job.pk)
    names = job.params.get("names", [])
    with transaction.atomic():
        for name in context.steps(names, total=len(names), phase="Adding"):
            Group.objects.create(name=name)
            if name == job.params.get("cancel_at"):
                services.job_cancel(job=job, by=job.created_by)  # as if from the job's page
                context.PROGRESS_SECONDS = 0
            if name == job.params.get("fail_at"):
                raise JobFailed(f"{name} cannot be added.")
            if name == job.params.get("crash_at"):
                raise RuntimeError("a bug")
    context.message = f"Added {len(names)}."
    context.report = {"notes": ["All good."]}


@register("test.file")
def make_file(job, context):
    context.save_result(
        name="result.csv",
        content_type="text/csv",
        stream=io.BytesIO(job.params["text"].encode()),
    )


@pytest.fixture(autouse=True)
def real_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    calls.clear()


def start(user, kind="test.count", **params) -> Job:
    return services.job_start(kind=kind, title="Test job", by=user, scope=EVERYTHING, params=params)


def test_a_job_waits_for_a_worker_then_runs(admin_user, client):
    client.force_login(admin_user)
    job = start(admin_user, names=["A", "B", "C"])
    assert job.state == "queued"
    assert calls == []
    page = client.get(job.get_absolute_url())
    assertContains(page, "Waiting to start")
    assertContains(page, 'hx-trigger="every 1s"')  # the page follows it live
    assertContains(page, '<meta http-equiv="refresh" content="3">')  # and without JS, reloads
    work()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == ("succeeded", 3, 3, 1)
    assert Group.objects.filter(name__in=["A", "B", "C"]).count() == 3
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assertContains(page, "Added 3.")
    assertContains(page, "3 of 3 rows (100%)")
    assertContains(page, "All good.")
    assertNotContains(page, "every 1s")  # finished: no more polling
    assertNotContains(page, "<html")  # htmx gets the status partial only


def test_progress_is_visible_while_it_runs(admin_user):
    seen = []

    @register("test.watch")
    def watch(job, context):
        for n in context.steps(range(3), total=3, phase="Watching"):
            seen.append(Job.objects.values_list("phase", "done", "total").get(pk=job.pk))
            context.PROGRESS_SECONDS = 0
            assert n is not None

    start(admin_user, kind="test.watch")
    work()
    assert seen[0] == ("Watching", 0, 3)
    assert seen[-1] == ("Watching", 2, 3)


def test_cancel_before_it_starts(admin_user, client):
    client.force_login(admin_user)
    job = start(admin_user, names=["A"])
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assertContains(response, "Cancelled; nothing was changed.")
    work()
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert calls == []
    assert job.message == f"Cancelled by {admin_user} before it started; nothing was changed."
    assert not Group.objects.filter(name__in=["A", "B", "C", "D"]).exists()
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assertContains(response, "This job has already finished.")


def test_cancel_while_running_changes_nothing(admin_user):
    job = start(admin_user, names=["A", "B", "C"], cancel_at="B")
    work()
    job.refresh_from_db()
    assert job.state == "cancelled"
    # (Asked in the job's own transaction here, so who asked is rolled back with the rest.)
    assert job.message.startswith("Cancelled")
    assert job.message.endswith("nothing was changed.")
    assert not Group.objects.filter(
        name__in=["A", "B", "C", "D"]
    ).exists()  # "A" was rolled back with the rest


def test_failures_say_why_and_change_nothing(admin_user):
    failed = start(admin_user, names=["A", "B"], fail_at="B")
    crashed = start(admin_user, names=["C", "D"], crash_at="C")
    work()
    failed.refresh_from_db()
    crashed.refresh_from_db()
    assert (failed.state, failed.message) == ("failed", "B cannot be added.")
    assert crashed.state == "failed"
    assert "unexpected error" in crashed.message
    assert str(crashed.pk) in crashed.message
    assert not Group.objects.filter(name__in=["A", "B", "C", "D"]).exists()


def stall(job: Job, *, attempts: int) -> None:
    """Leave the job as a worker that died while running it would."""
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        state="running", heartbeat_at=long_ago, started_at=long_ago, attempts=attempts, done=1
    )
    DBTaskResult.objects.all().delete()  # its task was taken off the queue by that worker


def test_a_job_lost_with_its_worker_is_run_again(admin_user):
    job = start(admin_user, names=["A", "B"])
    stall(job, attempts=1)
    fresh = start(admin_user, names=["Z"])
    Job.objects.filter(pk=fresh.pk).update(state="running", heartbeat_at=timezone.now())
    assert services.jobs_recover() == (1, 0)
    job.refresh_from_db()
    assert job.state == "queued"
    assert "it was queued again" in job.message
    assert Job.objects.get(pk=fresh.pk).state == "running"  # still alive: left alone
    work()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert Group.objects.filter(name__in=["A", "B"]).count() == 2


def test_a_job_lost_too_often_fails_with_the_reason(admin_user, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = start(admin_user, names=["A"])
    stall(job, attempts=2)
    assert services.jobs_recover() == (0, 1)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.message.startswith("The worker running it stopped, 2 times")
    work()
    assert calls == []


def test_scheduled_tasks_are_enqueued_once_per_slot_and_run(admin_user):
    job = start(admin_user, names=["A"])
    stall(job, attempts=1)
    slot = timezone.now().replace(second=0, microsecond=0)
    path = "jobs.tasks.recover_stalled_jobs"
    assert services.scheduled_task_enqueue(path=path, slot=slot)
    assert not services.scheduled_task_enqueue(path=path, slot=slot)  # a second scheduler
    assert ScheduledRun.objects.count() == 1
    work()  # the recovery runs, then the job it queued again
    job.refresh_from_db()
    assert job.state == "succeeded"


def test_the_scheduler_lists_its_schedule(capsys):
    call_command("run_scheduler", "--list")
    out = capsys.readouterr().out
    assert "* * * * *      jobs.tasks.recover_stalled_jobs" in out
    assert "jobs.tasks.clear_expired_files" in out


@pytest.fixture
def people(django_user_model, limited_hr):
    def user(name, role):
        person = django_user_model.objects.create_user(name, password="x-Pass-1234")
        person.groups.add(Group.objects.get(name=role))
        return person

    return {
        "starter": user("starter", roles.ATTENDANCE_MANAGER),
        "hr": user("hr", roles.HR_ADMIN),
        "limited_hr": limited_hr.user,
        "viewer": user("viewer", roles.VIEWER),
    }


def test_a_result_is_for_its_starter_and_hr_admins_who_see_everything(client, people):
    job = start(people["starter"], kind="test.file", text="a,b\n1,2\n")
    work()
    for who, status in (("starter", 200), ("hr", 200), ("limited_hr", 404), ("viewer", 404)):
        client.force_login(people[who])
        response = client.get(f"/jobs/{job.pk}/download/")
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
            assert response["Content-Disposition"] == 'attachment; filename="result.csv"'
        assert client.get(job.get_absolute_url()).status_code == status, who
        listed = client.get("/jobs/")
        assert (str(job.pk) in listed.content.decode()) == (status == 200), who
    client.force_login(people["viewer"])
    assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 404


def test_results_expire_and_are_cleared(client, people, settings):
    job = start(people["starter"], kind="test.file", text="x" * 10)
    work()
    client.force_login(people["starter"])
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    later = timezone.now() + datetime.timedelta(days=settings.JOB_RESULT_DAYS, minutes=1)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    response = client.get(f"/jobs/{job.pk}/download/")
    assertContains(response, "has been deleted", status_code=410)
    assert services.job_files_clear_expired(now=later) == 1
    assert not JobFile.objects.filter(job=job).exists()
    assertContains(client.get(job.get_absolute_url()), "has been deleted")


def test_a_file_larger_than_a_chunk_comes_back_whole(admin_user, monkeypatch):
    monkeypatch.setattr(files, "CHUNK_BYTES", 7)
    job = start(admin_user, kind="test.file", text="0123456789" * 5)
    work()
    job = Job.objects.get(pk=job.pk)
    assert JobFile.objects.filter(job=job, role="result").count() == 8
    assert files.read_bytes(job, "result") == b"0123456789" * 5
    assert job.result_size == 50


def test_an_uploaded_file_comes_back_byte_for_byte(admin_user, monkeypatch):
    """Every byte value, over several chunks: stored in one statement (PostgreSQL's binary
    COPY), read back a chunk at a time."""
    monkeypatch.setattr(files, "CHUNK_BYTES", 100)
    content = bytes(range(256)) * 3 + b"\x00\\N\t\r\n,;\"'"
    job = start(admin_user, kind="test.file", text="")
    assert files.save_bytes(job, "input", content) == len(content)
    assert JobFile.objects.filter(job=job, role="input").count() == 8
    assert files.read_bytes(job, "input") == content
