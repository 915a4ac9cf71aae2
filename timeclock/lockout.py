"""The kiosk's limit on guessing PINs, counted in the shared cache (Redis in production,
the database's cache table otherwise), so every app server counts the same tries.

An employee code with CODE_FAILURES codes-or-PINs not recognised within WINDOW seconds is
locked for LOCK seconds, whether or not the code is anyone's (so the lock says nothing
about which codes exist); a kiosk with KIOSK_FAILURES within WINDOW pauses for LOCK.
The page where an employee sets their PIN asks for their password: CODE_FAILURES wrong
ones within WINDOW lock that page for them for LOCK, so a session left open is no way
to guess it.

Tries are counted in windows of WINDOW seconds (`cache.add`, then `cache.incr`, atomic
in Redis); a lock keeps the moment it ends, so it ends then whatever the cache's own
expiry does.
"""

import hashlib
import time

from django.core.cache import cache

CODE_FAILURES = 5
KIOSK_FAILURES = 30
WINDOW = 15 * 60
LOCK = 15 * 60


def _now() -> float:
    return time.time()


def _code(code: str) -> str:
    # Any text may be typed as a code: the key holds a digest of it, of a fixed length.
    return hashlib.sha256(code.encode()).hexdigest()[:32]


def _counter(what: str) -> str:
    return f"kiosk:failures:{what}:{int(_now() // WINDOW)}"


def _locked(key: str) -> bool:
    until = cache.get(key)
    return until is not None and until > _now()


def _count(what: str, limit: int, lock_key: str) -> None:
    key = _counter(what)
    cache.add(key, 0, timeout=2 * WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=2 * WINDOW)
        failures = 1
    if failures >= limit:
        cache.set(lock_key, _now() + LOCK, timeout=LOCK)


def code_locked(code: str) -> bool:
    return _locked(f"kiosk:lock:code:{_code(code)}")


def kiosk_paused(kiosk_id) -> bool:
    return _locked(f"kiosk:lock:kiosk:{kiosk_id}")


def note_failure(*, code: str, kiosk_id) -> None:
    """A code or PIN not recognised at the kiosk `kiosk_id`."""
    digest = _code(code)
    _count(f"code:{digest}", CODE_FAILURES, f"kiosk:lock:code:{digest}")
    _count(f"kiosk:{kiosk_id}", KIOSK_FAILURES, f"kiosk:lock:kiosk:{kiosk_id}")


def note_success(*, code: str) -> None:
    """The right PIN: the code's earlier failures are forgotten."""
    cache.delete(_counter(f"code:{_code(code)}"))


def password_locked(user_id) -> bool:
    """Whether `user_id` typed their password wrong too often on the kiosk PIN page."""
    return _locked(f"kiosk:lock:password:{user_id}")


def note_wrong_password(user_id) -> None:
    _count(f"password:{user_id}", CODE_FAILURES, f"kiosk:lock:password:{user_id}")
