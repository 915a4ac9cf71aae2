"""`python -m bench`: the command line (`parse_args`) and the run itself (`main`).

`main` wires the other modules together: the database (bench.data), gunicorn
(bench.server), the pages over HTTP and in-process (bench.scenarios, bench.client), then
the results file and the printed report (bench.report). Run it from the project's root,
so that the project's packages can be imported.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.api import measure_api, prepare_api, remove_created
from bench.client import Browser
from bench.data import (
    BENCH_USER,
    DEFAULT_POSTGRES_URL,
    ROOT,
    choose_database,
    database_exists,
    database_version,
    drop_database,
    manage,
    prepare_user,
    read_dataset,
    reset_database,
    seeded_sizes,
    setup_django,
)
from bench.jobs import (
    measure_export_memory,
    measure_import,
    measure_morning_dashboard,
    remove_imported,
)
from bench.load import run_load, run_rate_limit
from bench.payroll import measure_payroll_export
from bench.people import measure_people, prepare_people
from bench.punches import measure_punch_import
from bench.report import (
    TARGET_EXPORT_GROWTH_MB,
    TARGET_FLOOR_RATIO,
    TARGET_MEDIAN_MS,
    TARGET_SAVE_MS,
    export_verdict,
    jobs_lines,
    print_summary,
    verdict,
    write_results,
)
from bench.requests import measure_requests, prepare_requests, requests_lines
from bench.scenarios import (
    InProcess,
    Page,
    build_pages,
    explain,
    export_path,
    log,
    measure_export,
    percentile,
    run_pages,
)
from bench.server import (
    Server,
    busiest_processes,
    code_changes,
    code_snapshot,
    machine_busy,
    machine_info,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark HRMS Lite under gunicorn on a seeded data set.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="Database when DATABASE_URL is not set (postgres: " + DEFAULT_POSTGRES_URL + ").",
    )
    parser.add_argument("--database-url", help="Overrides DATABASE_URL (name must hold 'bench').")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse an already-seeded benchmark database of the same size (and keep it).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the benchmark database afterwards."
    )
    parser.add_argument("--employees", type=int, default=10_000, help="seed_demo --employees.")
    parser.add_argument("--departments", type=int, default=25, help="seed_demo --departments.")
    parser.add_argument("--days", type=int, default=250, help="seed_demo --days.")
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up requests per page.")
    parser.add_argument("--repeat", type=int, default=30, help="Measured requests per page.")
    parser.add_argument("--export-warmup", type=int, default=1, help="Warm-up downloads.")
    parser.add_argument("--export-repeat", type=int, default=5, help="Measured downloads.")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY.")
    parser.add_argument("--search", default="smith", help="The directory search term.")
    parser.add_argument(
        "--profile",
        default="",
        help="Comma-separated page keys to run once in-process under cProfile "
        "(e.g. roster,roster_save,dashboard); printed after the table.",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS on PostgreSQL; QUERY PLAN on SQLite) the slowest query "
        "of every page; printed after the table.",
    )
    parser.add_argument("--output", help="JSON results file (default bench/results-<db>.json).")
    parser.add_argument(
        "--no-export", action="store_true", help="Skip the CSV export (quicker runs)."
    )
    parser.add_argument(
        "--no-api",
        action="store_true",
        help="Skip the JSON API against its floor (/api/me): the list of 100, one new record, "
        "today's 2,000.",
    )
    parser.add_argument(
        "--no-jobs",
        action="store_true",
        help="Skip the background jobs: the import job, the big exports, the morning dashboard.",
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="Rows of the import job's file."
    )
    parser.add_argument(
        "--punches",
        type=int,
        default=1_000_000,
        help="Punches in the device file imported as a job (0: none).",
    )
    parser.add_argument(
        "--only",
        choices=["punches", "payroll", "requests"],
        help="Measure only this, on the seeded database (punches: the device import; "
        "payroll: a month closed and its payroll export as a job; requests: the approvals "
        "inbox and a bulk approval).",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=1_000,
        help="Requests waiting in the approvals inbox (half of them approved at once, up to 500).",
    )
    parser.add_argument(
        "--export-rows",
        type=int,
        default=1_000_000,
        help="Rows of the big CSV export (its memory is measured).",
    )
    parser.add_argument(
        "--xlsx-rows", type=int, default=100_000, help="Rows of the big XLSX export."
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="Also run many clients at once against --load-workers gunicorn workers, then "
        "hammer the API's rate limit from many threads.",
    )
    parser.add_argument("--load-workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--load-clients", type=int, default=50, help="Clients at once.")
    parser.add_argument("--load-seconds", type=float, default=60, help="How long.")
    parser.add_argument(
        "--load-think", type=float, default=1.0, help="Mean pause of a client between pages."
    )
    parser.add_argument(
        "--redis-url",
        default="",
        help="A Redis database the benchmark may empty, for the cache and the rate limits "
        "(e.g. redis://127.0.0.1:6379/13); without it they live in the database.",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    db = choose_database(args)
    started_at = datetime.datetime.now(datetime.UTC)
    work_dir = Path(tempfile.mkdtemp(prefix="hrms-bench-"))
    password = secrets.token_urlsafe(24)
    env = {
        # The cache is each process's own (as with `make serve` without REDIS_URL): the
        # benchmark clears it, and must never flush a Redis that something else uses.
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "hrms.settings",
        "DATABASE_URL": db.url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Persistent connections, as docs/deploy.md recommends for production.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "PYTHONUNBUFFERED": "1",
        # The HTTP exports measured are the streamed downloads; larger ones are jobs
        # (measured with `manage.py export`, below).
        "EXPORT_DIRECT_MAX_ROWS": "1000000000",
        # Its users sign in with a password alone (no authenticator app to ask).
        "TWO_FACTOR_REQUIRED": "false",
    }
    keep = args.keep or args.reuse
    code_before = code_snapshot()
    server = None
    results: dict = {}
    try:
        seed_seconds = None
        reused = False
        django_ready = False
        if args.reuse and database_exists(db):
            setup_django(env)
            django_ready = True
            manage(env, "migrate", "--noinput", quiet=True)
            employees, departments, records = seeded_sizes()
            if employees == args.employees and departments == args.departments and records:
                reused = True
                log(f"reusing {db.vendor} database {db.name}: {employees} employees")
            else:
                from django.db import connections

                connections.close_all()
        if not reused:
            log(f"creating {db.vendor} database {db.name}")
            reset_database(db)
            migrate_s = manage(env, "migrate", "--noinput", quiet=True)
            log(f"migrated in {migrate_s:.1f} s; seeding ...")
            seed_seconds = manage(
                env,
                "seed_demo",
                "--employees",
                str(args.employees),
                "--departments",
                str(args.departments),
                "--days",
                str(args.days),
                "--seed",
                "1",
                "--force",
            )
            log(f"seed_demo took {seed_seconds:.1f} s")
            if not django_ready:
                setup_django(env)
        if db.vendor == "postgresql":
            from django.db import connection

            # Steady state, as autovacuum would soon reach after the seed's bulk COPY:
            # fresh statistics and a visibility map (index-only scans).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        user = prepare_user(password)
        if args.only in ("punches", "payroll"):
            if args.only == "punches":
                jobs = {"punch_import": measure_punch_import(env, work_dir, user, args.punches)}
            else:
                jobs = {"payroll_export": measure_payroll_export(env, work_dir, user)}
            results = {
                "date": started_at.isoformat(timespec="seconds"),
                "machine": machine_info(),
                "database": {"vendor": db.vendor, "version": database_version()},
                "only": args.only,
                "pages": [],
                "jobs": jobs,
            }
            output = Path(args.output) if args.output else work_dir / "results.json"
            write_results(results, output)
            print(jobs_lines(jobs)[0])
            print(f"results: {output}")
            return 0
        if args.only == "requests":
            prepared = prepare_requests(password, pending=args.requests)
            from django.db import connections

            connections.close_all()
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            server = Server(env, work_dir, args.workers)
            server.start()
            requests = measure_requests(
                server.port, password, prepared, warmup=args.warmup, repeat=args.repeat
            )
            server.stop()
            server = None
            results = {
                "date": started_at.isoformat(timespec="seconds"),
                "machine": machine_info(),
                "database": {"vendor": db.vendor, "version": database_version()},
                "only": args.only,
                "pages": [],
                "requests": requests,
            }
            output = Path(args.output) if args.output else work_dir / "results.json"
            write_results(results, output)
            print("\n".join(requests_lines(requests)))
            for key in ("inbox_selector", "inbox_page_selector"):
                print(f"\n===== explain: {key}\n{requests[key]['explain']}")
            print(f"\nqueries of the bulk approval: {requests['decide']['queries_by_table']}")
            print(f"results: {output}")
            return 0
        ds = read_dataset(args.search)
        log(
            f"data set: {ds.employees} employees ({ds.active} active), {ds.departments} "
            f"departments, {ds.attendance_records} records {ds.first_day}..{ds.last_day}; "
            f"roster: {ds.roster_department_name} ({ds.roster_size} people)"
        )
        people_prepared = prepare_people(
            password, first_day=ds.first_day, department=ds.roster_department
        )
        requests_prepared = prepare_requests(password, pending=args.requests)
        from django.db import connections

        connections.close_all()

        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        server = Server(env, work_dir, args.workers)
        server.start()
        log(f"gunicorn on port {server.port}, workers {server.workers()}")
        browser = Browser(server.port)
        browser.sign_in(BENCH_USER, password)

        pages = build_pages(ds)
        roster_path = next(p.path for p in pages if p.key == "roster")
        busy0 = machine_busy()
        load_before = os.getloadavg()
        processes_before = busiest_processes()
        t0 = time.perf_counter()
        run_pages(browser, pages, roster_path, args.warmup, args.repeat)
        busy1 = machine_busy()
        processes_after = busiest_processes()
        pages_seconds = time.perf_counter() - t0

        people = measure_people(
            server.port,
            password,
            people_prepared,
            warmup=args.warmup,
            repeat=args.repeat,
            admin=browser,
        )
        requests = measure_requests(
            server.port, password, requests_prepared, warmup=args.warmup, repeat=args.repeat
        )

        api = {}
        if not args.no_api:
            prepared = prepare_api(args.warmup + args.repeat)
            connections.close_all()
            try:
                api = measure_api(server.port, prepared, warmup=args.warmup, repeat=args.repeat)
            finally:
                remove_created(api.get("created", []))

        exports = {}
        if not args.no_export:
            for key, label, path in (
                (
                    "export_department",
                    f"CSV export {ds.month}, {ds.roster_size}-person dept",
                    export_path(ds.month, ds.roster_department),
                ),
                ("export_all", f"CSV export {ds.month}, everyone", export_path(ds.month)),
            ):
                log(f"export: {path}")
                exports[key] = measure_export(
                    browser, server, path, args.export_warmup, args.export_repeat
                )
                exports[key].update(label=label, kind="export", key=key)
        jobs: dict = {}
        if not args.no_jobs:
            jobs["dashboard_morning"] = measure_morning_dashboard(browser, args.repeat)
            jobs["dashboard_morning"]["x_floor"] = jobs["dashboard_morning"]["median_ms"] / (
                statistics.median(pages[0].results)
            )
            jobs["export_csv"] = measure_export_memory(
                env, work_dir, fmt="csv", rows=args.export_rows
            )
            jobs["export_xlsx"] = measure_export_memory(
                env, work_dir, fmt="xlsx", rows=args.xlsx_rows
            )
            try:
                jobs["import"] = measure_import(browser, env, work_dir, args.import_rows)
            finally:
                removed = remove_imported()
                log(f"removed the {removed:,} imported employees again")
            if args.punches:
                jobs["punch_import"] = measure_punch_import(env, work_dir, user, args.punches)
            jobs["payroll_export"] = measure_payroll_export(env, work_dir, user)
        load_after = os.getloadavg()
        server_log_problems = server.problems()
        server.stop()
        server = None

        if args.load:
            from django.conf import settings as django_settings

            from api.models import ApiToken

            load_env = {**env, "REDIS_URL": args.redis_url} if args.redis_url else env
            if args.redis_url:
                import redis

                redis.Redis.from_url(args.redis_url).flushdb()
            _, key = ApiToken.issue(user=user, name="benchmark load")
            connections.close_all()
            server = Server(load_env, work_dir, args.load_workers)
            server.start()
            log(f"load: gunicorn on port {server.port}, workers {server.workers()}")
            jobs["load"] = run_load(
                server.port,
                password,
                ds,
                clients=args.load_clients,
                seconds=args.load_seconds,
                think=args.load_think,
            )
            jobs["load"]["workers"] = args.load_workers
            jobs["load"]["cache"] = "redis" if args.redis_url else "database"
            limit = int(django_settings.API_RATE_LIMIT.split("/")[0])
            jobs["rate_limit"] = run_rate_limit(server.port, key, limit=limit)
            server_log_problems += server.problems()
            server.stop()
            server = None

        # Query counts (and profiles) in-process, on the same database.
        log("counting queries in-process")
        in_process = InProcess(user)
        floor_ms = statistics.median(pages[0].results)
        page_rows = []
        for page in pages:
            row = {
                "key": page.key,
                "label": page.label,
                "path": page.path,
                "kind": page.kind,
                "n": len(page.results),
                "median_ms": statistics.median(page.results),
                "p95_ms": percentile(page.results, 95),
                "mean_ms": statistics.fmean(page.results),
                "min_ms": min(page.results),
                "max_ms": max(page.results),
                "ttfb_median_ms": statistics.median(page.ttfb),
                "bytes": statistics.median(page.sizes),
                "bytes_sent": statistics.median(page.sent_sizes),
                "samples_ms": [round(x, 2) for x in page.results],
            }
            row.update(in_process.count_queries(page, roster_path))
            row["x_floor"] = row["median_ms"] / floor_ms
            row["target"] = verdict(row, floor_ms)
            page_rows.append(row)
        for key, exp in exports.items():
            probe = Page(key, exp["label"], exp["path"])
            whole = key == "export_all"
            exp.update(
                in_process.count_queries(
                    probe, roster_path, rerun=not whole, runs=1 if whole else 2
                )
            )
            exp["x_floor"] = exp["median_ms"] / floor_ms
        if exports:
            exports["export_all"]["target"] = export_verdict(
                exports["export_all"], exports["export_department"]
            )
            exports["export_department"]["target"] = "(reference for memory)"

        profiles = {}
        for key in filter(None, (k.strip() for k in args.profile.split(","))):
            page = next((p for p in pages if p.key == key), None)
            if page is None and key in exports:
                page = Page(key, exports[key]["label"], exports[key]["path"])
            if page is None:
                log(f"no page called {key!r} to profile")
                continue
            profiles[key] = in_process.profile(page, roster_path)
        explains = {}
        if args.explain:
            for row in page_rows:
                if row["kind"] != "floor" and row["slowest_queries"]:
                    sql = row["slowest_queries"][0]["_full_sql"]
                    if sql.lstrip().upper().startswith("SELECT"):
                        try:
                            plan = explain(sql)
                        except Exception as error:  # noqa: BLE001 (a report, not the run)
                            plan = f"(EXPLAIN failed: {error})"
                        explains[row["key"]] = {"sql": sql[:3000], "plan": plan}

        from django.db import connection

        results = {
            "date": started_at.isoformat(timespec="seconds"),
            "machine": machine_info(),
            "database": {
                "vendor": db.vendor,
                "name": db.name if db.vendor == "postgresql" else "temporary SQLite file",
                "version": database_version(),
                "conn_max_age": int(env.get("CONN_MAX_AGE", "60") or 0),
                "reused": reused,
            },
            "django": __import__("django").get_version(),
            "gunicorn": {"workers": args.workers, "command": "gunicorn -c gunicorn.conf.py"},
            "dataset": {
                **ds.__dict__,
                "seed_command": (
                    f"manage.py seed_demo --employees {args.employees} --departments "
                    f"{args.departments} --days {args.days} --seed 1 --force"
                ),
            },
            "seed_seconds": seed_seconds,
            "method": {
                "warmup": args.warmup,
                "repeat": args.repeat,
                "export_warmup": args.export_warmup,
                "export_repeat": args.export_repeat,
                "client": "http.client, one client, sequential, new connection per request",
                "order": "round-robin: each round asks for every page once",
            },
            "machine_load": {
                "loadavg_before": load_before,
                "loadavg_after": load_after,
                "cpu_busy_during_pages_pct": round(
                    100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1
                ),
                "pages_seconds": round(pages_seconds, 1),
                "busiest_processes_before": processes_before,
                "busiest_processes_after": processes_after,
                "note": "other processes (tests, browsers) may have been running on the machine",
            },
            "targets": {
                "median_ms": TARGET_MEDIAN_MS,
                "x_floor": TARGET_FLOOR_RATIO,
                "roster_save_ms": TARGET_SAVE_MS,
                "export_rss_growth_mb": TARGET_EXPORT_GROWTH_MB,
            },
            "pages": page_rows,
            **exports,
            "jobs": jobs,
            "api": api,
            "people": people,
            "requests": requests,
            "profiles": profiles,
            "explains": explains,
            "server_log_problems": server_log_problems,
        }
        connection.close()
        results["code_changed_during_run"] = code_changes(code_before)
        output = Path(args.output) if args.output else ROOT / "bench" / f"results-{db.vendor}.json"
        write_results(results, output)
        print_summary(results, args.days, output)
        return 0
    except BaseException:
        if server is not None:
            print(f"gunicorn's log (last lines):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            log("stopping gunicorn")
            server.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(work_dir, ignore_errors=True)
        if keep:
            log(f"kept the {db.vendor} database {db.name} (--reuse runs reuse it)")
        else:
            drop_database(db)
            log(f"removed the {db.vendor} database {db.name}")


if __name__ == "__main__":
    sys.exit(main())
