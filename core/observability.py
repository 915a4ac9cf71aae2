"""Request ids, one log line per request, health checks and the metrics endpoint."""

import hmac
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

from .security import client_ip

logger = logging.getLogger("hrms.request")
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextFilter(logging.Filter):
    """Put the current request's id on every log record (or "-" outside a request)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class TextFormatter(logging.Formatter):
    """Plain-text log lines for development; a request's line reads
    "GET /employees/ 200 12.3 ms user=1" instead of its message, "request"."""

    def format(self, record):
        if record.name == logger.name and hasattr(record, "duration_ms"):
            line = f"{record.method} {record.path} {record.status} {record.duration_ms} ms"
            if getattr(record, "user_id", None) is not None:
                line += f" user={record.user_id}"
            # A copy: the other handlers, if any, still get the record as it was.
            record = logging.makeLogRecord({**record.__dict__, "msg": line, "args": None})
        return super().format(record)


class RequestLogMiddleware:
    """Give each request an id (its X-Request-ID, or a new one), and log it when done.

    The id comes back in the response's X-Request-ID header. The log line holds the
    id, the user's id, method, path, status and duration; never the query string.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """The process is up. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """Ready for traffic: the database answers, migrations are applied, the cache works."""
    checks = {"database": _check_database(), "migrations": "unknown", "cache": _check_cache()}
    if checks["database"] == "ok":
        checks["migrations"] = _check_migrations()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("readiness: database unreachable")
        return "error"
    return "ok"


def _check_migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not plan else "pending"


def _check_cache() -> str:
    key, value = "readyz", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        if cache.get(key) != value:
            return "error"
    except Exception:
        logger.exception("readiness: cache unreachable")
        return "error"
    return "ok"


@login_not_required
@never_cache
@require_safe
def metrics(request):
    """Prometheus metrics, for the configured addresses or the holder of the token."""
    if not _metrics_allowed(request):
        return HttpResponseForbidden("Metrics are open to configured addresses or a token.")
    return ExportToDjangoView(request)


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    return client_ip(request) in settings.METRICS_ALLOWED_IPS
