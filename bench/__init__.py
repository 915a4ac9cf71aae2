"""HRMS Lite benchmark: page latency under gunicorn on a large data set (`make bench`).

Run it from the project's root:

    .venv/bin/python -m bench                        # SQLite in a fresh temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrms_bench .venv/bin/python -m bench
    .venv/bin/python -m bench --db postgres          # the same
    .venv/bin/python -m bench --reuse                # keep the seeded database between runs

What it does (docs/performance.md explains the numbers):

1. Builds the data set with the project's own `manage.py seed_demo` (10,000 employees,
   25 departments, 250 working days) on a fresh database, and times the seed.
2. Serves the app exactly as in production (`gunicorn -c gunicorn.conf.py hrms.wsgi`,
   DEBUG off, WEB_CONCURRENCY=2), signs in over HTTP and times each page: a few
   warm-up requests, then N measured rounds, one client, sequential; every round asks
   for every page once, so background load on the machine hits every page alike.
   Then the approvals inbox of an HR admin with 1,000 requests waiting, and approving
   500 of them in one action (bench.requests; in-process while their views are stubs).
3. Streams a month's CSV export of everyone while sampling the gunicorn workers'
   VmRSS, to show memory stays flat.
4. Counts the database queries of every page in-process (Django's test Client and
   CaptureQueriesContext on the same database), since gunicorn cannot report them.
5. Prints a table against the targets and writes the results as JSON.

Only the standard library is used on the client side (http.client), so nothing needs
installing beyond the project's own requirements.

The modules, each importing only those above it in this list:

- `bench.data`: the database (choice, create, drop), seeding, reading the data set back;
- `bench.client`: the HTTP client (`Browser`, `Response`) and the forms it reads;
- `bench.server`: gunicorn, its workers' memory and CPU, the machine;
- `bench.scenarios`: the pages, the timed runs, the exports, in-process query counts
  and profiles;
- `bench.report`: the targets and verdicts, the table, the JSON results file;
- `bench.__main__`: the command line and `main`, which wires them together.
"""
