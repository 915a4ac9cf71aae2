"""The API's rate limit: requests per window for each token (or signed-in user), counted
atomically where every app server sees the same count: in Redis when REDIS_URL is set
(INCR), else in the database (one INSERT ... ON CONFLICT DO UPDATE ... RETURNING)."""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import RateCounter


def count_request(ident: str, *, period: int) -> int:
    """Count one request of `ident` in the current window of `period` seconds; return how
    many it has made in that window, this one included."""
    window = int(time.time() // period)
    key = f"api-rate:{ident}:{window}"
    if settings.REDIS_URL:
        cache.add(key, 0, timeout=period * 2)
        try:
            return cache.incr(key)
        except ValueError:  # expired between the two calls: a new window
            cache.add(key, 1, timeout=period * 2)
            return 1
    return _count_in_database(key, expires_at=timezone.now() + datetime.timedelta(seconds=period))


def seconds_left(period: int) -> int:
    """Seconds until the current window of `period` seconds ends."""
    return period - int(time.time()) % period


def _count_in_database(key: str, *, expires_at) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (name) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key, expires_at],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window: forget the ended ones
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return count
