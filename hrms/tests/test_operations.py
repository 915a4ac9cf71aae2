"""Health checks, request logs with request ids, and the metrics endpoint."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils.module_loading import import_string
from pythonjsonlogger.json import JsonFormatter

from core import observability

pytestmark = pytest.mark.django_db


def run_in_shell(code: str, env: dict) -> subprocess.CompletedProcess:
    """Run `code` in a fresh `manage.py shell` with environment `env` (settings read anew)."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestHealth:
    def test_healthz_needs_no_sign_in_and_no_database(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})

    def test_readyz_checks_database_migrations_and_cache(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
        }

    @pytest.mark.parametrize(
        ("check", "value"),
        [("_check_database", "error"), ("_check_migrations", "pending"), ("_check_cache", "error")],
    )
    def test_readyz_says_what_is_wrong(self, client, monkeypatch, check, value):
        monkeypatch.setattr(observability, check, lambda: value)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert value in response.json()["checks"].values()

    def test_a_broken_database_is_reported_without_details(self, client, monkeypatch):
        def refuse(*args, **kwargs):
            raise OSError("could not connect to server at 10.1.2.3")

        monkeypatch.setattr(observability.connection, "cursor", refuse)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "10.1.2.3" not in response.content.decode()


class TestRequestLog:
    def test_each_request_gets_an_id_and_a_log_line(self, client, admin_user, caplog):
        client.force_login(admin_user)
        with caplog.at_level(logging.INFO, logger="hrms.request"):
            response = client.get("/employees/", {"q": "secret search"})
        request_id = response["X-Request-ID"]
        assert len(request_id) == 32
        (record,) = [r for r in caplog.records if r.name == "hrms.request"]
        assert (record.request_id, record.user_id, record.method, record.path, record.status) == (
            request_id,
            admin_user.pk,
            "GET",
            "/employees/",
            200,
        )
        assert record.duration_ms >= 0
        assert "secret" not in json.dumps(record.__dict__, default=str)

    def test_the_development_line_says_what_was_asked_and_how_it_went(
        self, client, admin_user, caplog
    ):
        config = dict(django_settings.LOGGING["formatters"]["text"])
        formatter = import_string(config.pop("()"))(**config)
        with caplog.at_level(logging.INFO, logger="hrms.request"):
            signed_out = client.get("/healthz")
            client.force_login(admin_user)
            signed_in = client.get("/employees/", {"q": "secret search"})
        lines = [formatter.format(r) for r in caplog.records if r.name == "hrms.request"]
        assert re.fullmatch(
            rf"\S+ \S+ INFO hrms\.request \[{signed_out['X-Request-ID']}\] GET /healthz 200 "
            r"\d+\.\d ms",
            lines[0],
        ), lines[0]
        assert re.fullmatch(
            rf"\S+ \S+ INFO hrms\.request \[{signed_in['X-Request-ID']}\] GET /employees/ 200 "
            rf"\d+\.\d ms user={admin_user.pk}",
            lines[1],
        ), lines[1]
        # The record itself is unchanged: the JSON logs keep their message and fields.
        assert [r.getMessage() for r in caplog.records if r.name == "hrms.request"] == [
            "request",
            "request",
        ]

    def test_development_logs_have_one_line_per_request(self):
        """runserver's own line for a request (django.server) would repeat ours."""
        env = {
            **os.environ,
            "DEBUG": "true",
            "LOG_FORMAT": "text",
            "SECRET_KEY": "a-secret-for-this-test",
        }
        code = (
            "import logging; "
            "logging.getLogger('django.server').info('\"GET /a HTTP/1.1\" 200 5'); "
            "logging.getLogger('django.server').warning('\"GET /b HTTP/1.1\" 404 5'); "
            "logging.getLogger('hrms.request').info('request', extra={'user_id': None, "
            "'method': 'GET', 'path': '/b', 'status': 404, 'duration_ms': 3.2})"
        )
        result = run_in_shell(code, env)
        assert result.returncode == 0, result.stderr
        (line,) = [line for line in result.stderr.splitlines() if "GET" in line]
        assert line.endswith(" INFO hrms.request [-] GET /b 404 3.2 ms"), line

    def test_a_given_request_id_is_kept_and_a_bad_one_replaced(self, client):
        assert client.get("/healthz", headers={"X-Request-ID": "lb-123.abc"})["X-Request-ID"] == (
            "lb-123.abc"
        )
        replaced = client.get("/healthz", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
        assert replaced != "<script>"

    @override_settings(ROOT_URLCONF="hrms.tests.urls_boom")
    def test_errors_are_logged_with_their_traceback_and_request_id(
        self, client, admin_user, caplog
    ):
        client.raise_request_exception = False
        client.force_login(admin_user)
        with caplog.at_level(logging.INFO):
            response = client.get("/boom/")
        assert response.status_code == 500
        error = next(r for r in caplog.records if r.name == "django.request")
        assert error.exc_info[0] is RuntimeError
        assert error.request_id == response["X-Request-ID"]
        line = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level"},
        ).format(error)
        logged = json.loads(line)
        assert logged["level"] == "ERROR"
        assert logged["request_id"] == response["X-Request-ID"]
        assert "RuntimeError: something broke" in logged["exc_info"]

    def test_production_logs_are_one_json_object_per_line(self):
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "a-secret-for-this-test",
            "ALLOWED_HOSTS": "hr.test",
        }
        code = (
            "import logging; "
            "logging.getLogger('hrms.request').warning('hello', extra={'status': 418})"
        )
        result = run_in_shell(code, env)
        line = json.loads(result.stderr.strip().splitlines()[-1])
        assert (line["message"], line["level"], line["status"], line["request_id"]) == (
            "hello",
            "WARNING",
            418,
            "-",
        )


class TestMetrics:
    def test_open_to_allowed_addresses(self, client, admin_user):
        client.force_login(admin_user)
        client.get("/employees/")
        client.logout()
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
        body = response.content.decode()
        assert response.status_code == 200
        assert "django_http_requests_total_by_view_transport_method_total" in body
        assert 'view="employees:list"' in body
        assert "django_http_requests_latency_seconds_by_view_method" in body
        assert "django_db_execute_total" in body

    def test_closed_to_others(self, client):
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403

    def test_a_forged_forwarded_address_does_not_open_it(self, client, settings):
        settings.BEHIND_TLS_PROXY = True
        settings.TRUSTED_PROXIES = ["10.0.0.2"]
        forged = {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}
        # Straight to the app, past the proxy: the header is not believed.
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", **forged).status_code == 403
        # Through our proxy, which appends whom it saw: the client is still 203.0.113.9.
        relayed = {"HTTP_X_FORWARDED_FOR": "127.0.0.1, 203.0.113.9"}
        assert client.get("/metrics", REMOTE_ADDR="10.0.0.2", **relayed).status_code == 403

    def test_open_with_the_token(self, client, settings):
        settings.METRICS_TOKEN = "s3cret-token"
        bearer = {"Authorization": "Bearer s3cret-token"}
        wrong = {"Authorization": "Bearer guess"}
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", headers=bearer).status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", headers=wrong).status_code == 403
