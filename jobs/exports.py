"""Downloads of any size: a small one is answered at once; a large one (over
EXPORT_DIRECT_MAX_ROWS rows) becomes a job that writes the file, and the user downloads it
from the job's page. Each app registers how its exports are built (`@exporter`)."""

import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect

from accounts.scoping import Scope
from core.exports import FORMATS, XLSX_MAX_ROWS, XLSX_TYPE, download, write_csv, write_xlsx

from . import services
from .models import Job
from .registry import register
from .runner import JobContext, JobFailed

EXPORT = "export"


@dataclass
class Export:
    name: str  # the file's name, without its extension
    title: str  # the sheet's title
    header: list[str]
    rows: Iterable[list]
    row_count: Callable[[], int]
    what: str = ""  # in words, for the job's title: "the register of March 2026"


BUILDERS: dict[str, Callable[..., Export]] = {}


def exporter(name: str):
    """Register `build(*, scope, query) -> Export` as the export called `name`."""

    def decorator(build: Callable[..., Export]) -> Callable[..., Export]:
        BUILDERS[name] = build
        return build

    return decorator


def export_or_start(request, fmt: str, *, name: str, model, back: str) -> HttpResponse:
    """Answer the export `name` for the request's filters: the file itself, or, when it is
    large, a job that writes it (and the job's page)."""
    if fmt not in FORMATS:
        raise Http404("Downloads come as csv or xlsx.")
    spec = BUILDERS[name](scope=request.scope, query=request.GET)
    count = spec.row_count()
    if count <= settings.EXPORT_DIRECT_MAX_ROWS:
        return download(
            request,
            fmt,
            model=model,
            back=back,
            name=spec.name,
            title=spec.title,
            header=spec.header,
            rows=spec.rows,
            row_count=lambda: count,
        )
    job = export_start(
        name=name,
        fmt=fmt,
        query=request.GET,
        by=request.user,
        scope=request.scope,
        back=back,
        spec=spec,
        count=count,
    )
    messages.info(
        request,
        f"{count:,} rows take a moment: the file is being written, and can be downloaded "
        "here when it is ready.",
    )
    return redirect(job)


def export_start(
    *,
    name: str,
    fmt: str,
    query: QueryDict,
    by,
    scope: Scope,
    back: str = "",
    spec: Export | None = None,
    count: int | None = None,
) -> Job:
    """Start a job that writes the export `name` (filtered by `query`) as `fmt`."""
    if fmt not in FORMATS or name not in BUILDERS:
        raise ValueError(f"No export {name!r} as {fmt!r}.")
    spec = spec or BUILDERS[name](scope=scope, query=query)
    count = spec.row_count() if count is None else count
    return services.job_start(
        kind=EXPORT,
        title=f"Export {spec.what or spec.title.lower()} as {fmt.upper()} ({count:,} rows)",
        by=by,
        scope=scope,
        params={"export": name, "query": query.urlencode(), "fmt": fmt, "back": back},
        total=count,
    )


@register(EXPORT)
def run_export(job, context: JobContext) -> None:
    fmt = job.params["fmt"]
    spec = BUILDERS[job.params["export"]](scope=job.scope, query=QueryDict(job.params["query"]))
    total = job.total or spec.row_count()
    if fmt == "xlsx" and total + 1 > XLSX_MAX_ROWS:
        raise JobFailed(
            f"{total:,} rows do not fit in a spreadsheet (the limit is {XLSX_MAX_ROWS - 1:,}). "
            "Narrow the filters, or export CSV instead."
        )
    rows = context.steps(spec.rows, total=total, phase="Writing rows")
    with tempfile.TemporaryFile() as output:
        if fmt == "csv":
            text = io.TextIOWrapper(output, encoding="utf-8", newline="")
            write_csv(text, header=spec.header, rows=rows)
            text.flush()
            text.detach()
            content_type = "text/csv; charset=utf-8"
        else:
            write_xlsx(output, title=spec.title, header=spec.header, rows=rows)
            content_type = XLSX_TYPE
        output.seek(0)
        context.save_result(name=f"{spec.name}.{fmt}", content_type=content_type, stream=output)
    context.message = "The file is ready to download."
