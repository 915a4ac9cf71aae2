"""The benchmark's report: the targets, each page's verdict, the table and the results file.

`verdict` / `export_verdict` hold each measurement against the targets (`TARGET_*`),
`table` lays the results out as the Markdown table that docs/performance.md shows,
`write_results` writes the JSON results file and `print_summary` prints what a run ends
with (the heading, the table, the exports, the machine's load, warnings, profiles, plans).
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.api import api_lines
from bench.payroll import payroll_export_line
from bench.people import people_lines
from bench.punches import punch_import_line
from bench.requests import requests_lines

# Targets (on a 2-core machine, PostgreSQL).
TARGET_MEDIAN_MS = 50.0
TARGET_FLOOR_RATIO = 4.0
TARGET_SAVE_MS = 300.0
# The whole-company export "streams with flat memory" when the worker's peak RSS grows by
# no more than this over its RSS before the request, and by no more than this much more
# than a 400-row export does (memory does not grow with the number of rows).
TARGET_LOAD_P95_MS = 250.0  # many clients at once
TARGET_JOB_S = 60  # an import's check, and the import, each as a job
TARGET_EXPORT_GROWTH_MB = 16.0


def _ms(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def verdict(row: dict, floor_ms: float) -> str:
    median = row["median_ms"]
    if row["kind"] == "floor":
        return "-" if median < TARGET_MEDIAN_MS else f"no: {median - TARGET_MEDIAN_MS:.0f} ms over"
    if row["kind"] in ("save", "save_htmx"):
        if median <= TARGET_SAVE_MS:
            return f"yes (< {TARGET_SAVE_MS:.0f} ms)"
        over = median - TARGET_SAVE_MS
        return f"no: +{_ms(over)} ms ({over / TARGET_SAVE_MS:.0%}) over {TARGET_SAVE_MS:.0f} ms"
    misses = []
    if median > TARGET_MEDIAN_MS:
        over = median - TARGET_MEDIAN_MS
        misses.append(
            f"+{_ms(over)} ms ({over / TARGET_MEDIAN_MS:.0%}) over {TARGET_MEDIAN_MS:.0f}"
        )
    ratio = median / floor_ms
    if ratio > TARGET_FLOOR_RATIO:
        misses.append(f"{ratio:.1f}x floor (limit {TARGET_FLOOR_RATIO:.0f}x)")
    return "yes" if not misses else "no: " + "; ".join(misses)


def export_verdict(full: dict, small: dict) -> str:
    growth = full["rss_growth_max_mb"]
    if full["failed"]:
        cut = full["failed"][0]
        return (
            f"no: cut off after {cut['ms'] / 1000:.0f} s ({cut['rows']:,} rows sent; "
            f"gunicorn worker timeout); memory peak +{growth:.1f} MB until then"
        )
    extra = growth - small["rss_growth_max_mb"]
    if growth <= TARGET_EXPORT_GROWTH_MB and extra <= TARGET_EXPORT_GROWTH_MB:
        return f"yes: flat (peak +{growth:.1f} MB)"
    return f"no: peak RSS +{growth:.1f} MB (limit {TARGET_EXPORT_GROWTH_MB:.0f} MB)"


def table(results: dict) -> str:
    rows = results["pages"]
    floor = next(r for r in rows if r["kind"] == "floor")["median_ms"]
    header = ("page", "median ms", "p95 ms", "x floor", "queries", "target met?")
    lines = []
    for row in rows:
        lines.append(
            (
                row["label"],
                f"{row['median_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['median_ms'] / floor:.1f}",
                str(row.get("queries", "?")),
                row["target"],
            )
        )
    for key in ("export_department", "export_all"):
        exp = results.get(key)
        if exp:
            lines.append(
                (
                    exp["label"],
                    f"{exp['median_ms']:.0f}",
                    f"{exp['p95_ms']:.0f}",
                    f"{exp['median_ms'] / floor:.0f}",
                    str(exp.get("queries", "?")),
                    exp["target"],
                )
            )
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(len(header))]

    def fmt(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt(line) for line in lines]
    return "\n".join(out)


def write_results(results: dict, output: Path) -> None:
    """Write the results as JSON, without the full SQL kept in memory for EXPLAIN."""
    exports = [results[key] for key in ("export_department", "export_all") if key in results]
    for item in [*results["pages"], *exports]:
        for query in item.get("slowest_queries", []):
            query.pop("_full_sql", None)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")


def print_summary(results: dict, days: int, output: Path) -> None:
    """What a run prints at its end: the heading, the table, the exports, load, warnings."""
    database = results["database"]
    load = results["machine_load"]
    changed = results["code_changed_during_run"]
    print()
    print(
        f"HRMS Lite benchmark, {database['vendor']} ({database['version']}), "
        f"{results['dataset']['employees']:,} employees x {days} days, "
        f"{results['gunicorn']['workers']} gunicorn workers, "
        f"{results['method']['repeat']} measured requests per page"
    )
    if results["seed_seconds"] is not None:
        print(f"seed_demo: {results['seed_seconds']:.1f} s")
    print(table(results))
    for key in ("export_department", "export_all"):
        exp = results.get(key)
        if exp:
            print(
                f"{exp['label']}: {exp['rows']:,} rows, {exp['bytes'] / 1e6:.1f} MB, "
                f"first byte after "
                f"{exp['ttfb_median_ms']:.0f} ms, worker RSS {exp['rss_before_first_mb']:.0f}"
                f" MB before, peak +{exp['rss_growth_max_mb']:.1f} MB"
            )
    for line in api_lines(results["api"]) if results.get("api") else []:
        print(line)
    for line in jobs_lines(results.get("jobs") or {}):
        print(line)
    for line in people_lines(results["people"]) if results.get("people") else []:
        print(line)
    for line in requests_lines(results["requests"]) if results.get("requests") else []:
        print(line)
    print(
        f"machine: {results['machine']['cpus']} CPUs, load {load['loadavg_before'][0]:.2f} -> "
        f"{load['loadavg_after'][0]:.2f}, whole machine "
        f"{load['cpu_busy_during_pages_pct']}% busy while measuring"
    )
    for line in results["server_log_problems"]:
        print(f"gunicorn log: {line}")
    if changed:
        print(
            "WARNING: the app's code changed during this run, so the numbers may mix two "
            "versions; run again: " + ", ".join(changed)
        )
    print(f"results: {output}")
    for key, text in results["profiles"].items():
        print(f"\n===== profile: {key}\n{text}")
    for key, item in results["explains"].items():
        print(f"\n===== explain: {key}\n{item['sql']}\n{item['plan']}")


def jobs_lines(jobs: dict) -> list[str]:
    """The background jobs' figures, one line each, with their targets (docs/performance.md)."""
    lines = []
    morning = jobs.get("dashboard_morning")
    if morning:
        lines.append(
            f"dashboard in the morning (nobody marked yet): median {morning['median_ms']} ms, "
            f"p95 {morning['p95_ms']} ms, {morning['x_floor']:.1f}x floor"
        )
    for key in ("export_csv", "export_xlsx"):
        exp = jobs.get(key)
        if exp and "skipped" not in exp:
            ok = "yes" if exp["rss_growth_mb"] < TARGET_EXPORT_GROWTH_MB else "NO"
            lines.append(
                f"manage.py export attendance, {exp['format'].upper()}, {exp['rows']:,} rows: "
                f"{exp['seconds']} s, {exp['file_mb']} MB, peak memory "
                f"+{exp['rss_growth_mb']} MB over {exp['rss_before_mb']} MB (flat: {ok})"
            )
    imported = jobs.get("import")
    if imported:
        check, done = imported["check"], imported["import"]
        fast = all(step["ran_s"] < TARGET_JOB_S for step in (check, done))
        quick = max(imported["upload_request_ms"], imported["confirm_request_ms"]) < 200
        lines.append(
            f"import of {imported['rows']:,} employees ({imported['file_mb']} MB) as jobs: upload "
            f"answered in {imported['upload_request_ms']} ms, check ran {check['ran_s']} s; "
            f"confirm answered in {imported['confirm_request_ms']} ms, import ran "
            f"{done['ran_s']} s ({done['state']}); each job < {TARGET_JOB_S} s: "
            f"{'yes' if fast else 'NO'}; requests < 200 ms: {'yes' if quick else 'NO'}"
        )
    punches = jobs.get("punch_import")
    if punches:
        lines.append(punch_import_line(punches))
    payroll = jobs.get("payroll_export")
    if payroll:
        lines.append(payroll_export_line(payroll))
    load = jobs.get("load")
    if load:
        ok = load["errors"] == 0 and (load["p95_ms"] or 0) < TARGET_LOAD_P95_MS
        lines.append(
            f"load: {load['clients']} clients ({load['think_s']} s between pages) on "
            f"{load['workers']} gunicorn workers, cache in {load['cache']}, "
            f"{load['seconds']} s: {load['requests']:,} requests ({load['per_second']}/s), "
            f"median {load['median_ms']} ms, p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms, "
            f"{load['errors']} errors; 0 errors and p95 < {TARGET_LOAD_P95_MS:.0f} ms: "
            f"{'yes' if ok else 'NO'}"
        )
    limit = jobs.get("rate_limit")
    if limit:
        lines.append(
            f"rate limit {limit['limit_per_minute']}/minute, {limit['sent']} requests from "
            f"{limit['threads']} threads at once: {limit['statuses']}; exact: "
            f"{'yes' if limit['exact'] else 'NO'}"
            + ("" if limit["one_window"] else " (the run crossed a minute: not conclusive)")
        )
    return lines
