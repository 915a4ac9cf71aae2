"""Helpers for the tests of every app."""

import threading
from collections.abc import Callable, Iterable

from django.db import connection


def in_parallel(work: Callable, items: Iterable) -> None:
    """Run `work(item)` for every item at once, each in its own thread with its own
    database connection (closed when done), and wait for all of them."""

    def one(item):
        try:
            work(item)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def shared_cache_cost() -> tuple[int, int]:
    """(queries of one read, of one write) of the shared cache: with no REDIS_URL it is a
    database table, and its queries show in a test's count; Redis costs none."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return (1, 5) if isinstance(caches["default"], DatabaseCache) else (0, 0)
