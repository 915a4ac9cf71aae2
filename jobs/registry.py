"""The kinds of background job, each registered by the app that owns its work.

The `jobs` app runs jobs without knowing the apps above it: `imports`, `attendance` and
the rest register their kinds here when they load (their `tasks.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable  # run(job, context): does the work, reporting progress to the context
    # Where the user goes from a finished job's page, e.g. the imported list.
    done_url: str = ""


KINDS: dict[str, JobKind] = {}


def register(name: str, *, done_url: str = ""):
    """Register the decorated function as the runner of jobs of kind `name`."""

    def decorator(run: Callable) -> Callable:
        KINDS[name] = JobKind(name=name, run=run, done_url=done_url)
        return run

    return decorator
