"""Many people at once: N gunicorn workers, M clients for a while, then the API's rate
limit hammered from many threads at once (it must hold exactly, across workers).

Used by `python -m bench --load` (docs/performance.md): best on PostgreSQL with Redis
(`--db postgres --redis-url redis://127.0.0.1:6379/13`), as production runs.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter

from bench.client import Browser
from bench.data import BENCH_USER
from bench.scenarios import log, percentile


def _pages(ds) -> list[str]:
    return [
        "/",
        "/employees/",
        f"/employees/?q={ds.search}",
        f"/employees/{ds.profile_code}/",
        f"/attendance/?start={ds.attendance_start}&end={ds.attendance_end}",
        f"/attendance/register/?month={ds.month}&department={ds.roster_department}",
        "/holidays/",
    ]


def run_load(port: int, password: str, ds, *, clients: int, seconds: float, think: float) -> dict:
    """`clients` people, each signed in, each asking for a page of the mix, then thinking
    for `think` seconds on average (exponentially distributed), for `seconds`."""
    pages = _pages(ds)
    browsers = []
    for _ in range(clients):
        browser = Browser(port)
        browser.sign_in(BENCH_USER, password)
        browsers.append(browser)
    samples: list[float] = []
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        time.sleep(rng.random() * think)  # people do not all start at the same moment
        while time.monotonic() < stop_at:
            path = rng.choice(pages)
            try:
                answer = browsers[index].get(path)
            except OSError as error:
                with lock:
                    errors.append(f"{path}: {error}")
                continue
            with lock:
                samples.append(answer.ms)
                statuses[answer.status] += 1
                if answer.status != 200:
                    errors.append(f"{path}: HTTP {answer.status}")
            time.sleep(rng.expovariate(1 / think) if think else 0)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    result = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "think_s": think,
        "requests": len(samples),
        "per_second": round(len(samples) / elapsed, 1),
        "median_ms": round(statistics.median(samples), 1) if samples else None,
        "p95_ms": round(percentile(samples, 95), 1) if samples else None,
        "p99_ms": round(percentile(samples, 99), 1) if samples else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors),
        "first_errors": errors[:10],
    }
    log(f"load: {result}")
    return result


def run_rate_limit(port: int, token: str, *, limit: int, threads: int = 40) -> dict:
    """Send 2.5 times the limit of requests with one token, from many threads at once (so
    across every worker), within one window: exactly `limit` may succeed."""
    while time.time() % 60 > 30:  # start early in a minute: all within one window
        time.sleep(0.5)
    total = int(limit * 2.5)
    counts: Counter = Counter()
    lock = threading.Lock()
    remaining = iter(range(total))

    def sender() -> None:
        browser = Browser(port)
        headers = {"Authorization": f"Bearer {token}"}
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            answer = browser.get("/api/employees?limit=1", headers=headers)
            with lock:
                counts[answer.status] += 1

    started = time.time()
    workers = [threading.Thread(target=sender) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    same_window = int(started // 60) == int(time.time() // 60)
    result = {
        "limit_per_minute": limit,
        "sent": total,
        "threads": threads,
        "statuses": {str(k): v for k, v in sorted(counts.items())},
        "one_window": same_window,
        "exact": counts[200] == limit and counts[429] == total - limit,
    }
    log(f"rate limit: {result}")
    return result
