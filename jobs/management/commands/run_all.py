"""The whole app in one command, for development (`make run`): the web server, a worker
for the background jobs, and the scheduler of periodic jobs. Ctrl-C stops all three."""

import shlex
import sys

from django.core.management.base import BaseCommand
from honcho.manager import Manager
from honcho.printer import Printer


class Command(BaseCommand):
    help = (
        "Run the development web server, a background-job worker (db_worker) and the "
        "scheduler (run_scheduler) together, their output interleaved and labelled. "
        "If one stops, all stop."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        manage = f"{shlex.quote(sys.executable)} -u {shlex.quote(sys.argv[0])}"
        manager = Manager(Printer(sys.stdout))
        manager.add_process("web", f"{manage} runserver {shlex.quote(addrport)}")
        manager.add_process("worker", f"{manage} db_worker --interval 1")
        manager.add_process("scheduler", f"{manage} run_scheduler")
        manager.loop()
        sys.exit(manager.returncode)
