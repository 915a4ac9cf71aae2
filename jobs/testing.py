"""For tests of every app: run what is on the queue, as a worker would."""

from django_tasks_db.management.commands.db_worker import Worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work() -> None:
    """Run every task on the queue, then return (`manage.py db_worker --batch`)."""
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
