"""For tests of every app: run what is on the queue, as a worker would."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work() -> None:
    """Run every task on the queue, then return (`manage.py db_worker --batch`).

    The worker closes "old" database connections between tasks, and inside a test's
    transaction the connection counts as one (on PostgreSQL): here it is left open."""
    with mock.patch.object(db_worker, "close_old_connections", return_value=None):
        _work()


def _work() -> None:
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
