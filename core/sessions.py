"""Sessions in the database, as Django keeps them, but a save that only moves a session's
expiry forward (core.middleware.note_activity) never waits long on a busy database.

On SQLite one transaction writes at a time: while a large import writes its rows (100,000
take about half a minute), a page that only extends its session would wait up to the
database's timeout and then fail. Such a save waits a quarter of a second at most and is
otherwise skipped: the next request, a minute later, extends the session instead. Any
other change to a session is saved as always.
"""

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import OperationalError, connections, router

logger = logging.getLogger(__name__)

# What note_activity changes: the period noted, and the expiry.
REFRESH_KEYS = {"active_period", "_session_expiry"}
BRIEF_WAIT_MS = 250


class SessionStore(DatabaseSessionStore):
    def load(self):
        data = super().load()
        self._as_loaded = dict(data)
        return data

    def _only_refreshed(self) -> bool:
        loaded = getattr(self, "_as_loaded", None)
        if loaded is None or not self.session_key:
            return False

        def kept(data):
            return {k: v for k, v in data.items() if k not in REFRESH_KEYS}

        return kept(self._session) == kept(loaded)

    def save(self, must_create=False):
        connection = connections[router.db_for_write(self.model)]
        if must_create or connection.vendor != "sqlite" or not self._only_refreshed():
            return super().save(must_create)
        timeout_ms = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {BRIEF_WAIT_MS}")
        try:
            return super().save(must_create)
        except (OperationalError, UpdateError):
            logger.info("Session expiry not extended this time: the database is busy.")
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
