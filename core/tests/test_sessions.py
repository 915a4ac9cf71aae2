"""A page that only extends its session does not fail (or wait) on a busy SQLite
database; any other change to a session is saved, or fails, as always."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection

from core.middleware import note_activity
from core.sessions import BRIEF_WAIT_MS, SessionStore

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's write lock only"),
]


def stored_session():
    session = SessionStore()
    session["_auth_user_id"] = "1"
    session.create()
    loaded = SessionStore(session.session_key)
    loaded.load()
    return loaded


def busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


@pytest.fixture
def busy_database(monkeypatch):
    """The database refuses writes (as SQLite does while another transaction writes),
    and notes how long each write was allowed to wait."""
    waits = []

    def refuse(self, must_create=False):
        waits.append(busy_timeout())
        raise UpdateError

    def start():
        monkeypatch.setattr(DatabaseSessionStore, "save", refuse)
        return waits

    return start


def test_a_mere_refresh_waits_briefly_and_is_skipped(settings, busy_database):
    before = busy_timeout()
    session = stored_session()
    waits = busy_database()
    note_activity(session)
    assert session.modified
    session.save()  # no error: the next request extends the session instead
    assert waits == [BRIEF_WAIT_MS]
    assert busy_timeout() == before


def test_any_other_change_is_not_skipped(busy_database):
    session = stored_session()
    waits = busy_database()
    note_activity(session)
    session["_auth_user_id"] = "2"
    with pytest.raises(UpdateError):
        session.save()
    assert waits == [busy_timeout()]  # it waited the database's full timeout


def test_a_refresh_is_saved_when_the_database_is_free():
    session = stored_session()
    note_activity(session)
    session.save()
    assert SessionStore(session.session_key).load()["active_period"] == session["active_period"]
