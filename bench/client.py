"""The benchmark's HTTP client: a minimal browser over http.client and the forms it reads.

`Browser` keeps cookies, sends one request at a time and follows no redirects; `Response`
is what it answers (timings, sizes, the body decompressed). `csrf_field` reads a page's
CSRF token and `RosterForm` reads the attendance roster's form from the page and posts it
back with every row changed. Only the standard library; nothing here imports Django.
"""

from __future__ import annotations

import gzip
import html
import http.client
import re
import secrets
import statistics
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# Two statuses the roster save alternates between, so every save changes every row.
SAVE_STATUSES = ("present", "absent")


# --------------------------------------------------------------------------------------
# The HTTP client: one browser, cookies, CSRF, no redirects followed.


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float  # whole response, body read
    ttfb_ms: float  # first byte (headers) received
    error: str = ""  # the body was cut off (e.g. the worker was killed mid-stream)
    sent_bytes: int = 0  # as it came over the wire (compressed when the app gzipped it)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A minimal browser over http.client: keeps cookies, sends one request at a time.

    gunicorn's sync workers close the connection after each response, so every request
    opens a new connection, as a browser talking to gunicorn directly would.
    """

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self, method, path, *, form=None, headers=None, on_chunk=None, body=None
    ) -> Response:
        if form is not None:
            body = urlencode(form, doseq=True).encode()
        # Pages are asked for compressed, as a browser does (the app gzips them); the
        # streamed exports uncompressed, so their rows can be counted as they arrive.
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "User-Agent": "hrms-bench",
            "Accept-Encoding": "identity" if on_chunk else "gzip",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        sent.update(headers or {})
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            ttfb = time.perf_counter()
            error = ""
            if on_chunk is None:
                data = response.read()
            else:
                data = b""
                try:
                    while chunk := response.read(65536):
                        on_chunk(chunk)
                except (http.client.IncompleteRead, ConnectionError) as cut:
                    if isinstance(cut, http.client.IncompleteRead) and cut.partial:
                        on_chunk(cut.partial)
                    error = f"{type(cut).__name__}: the response was cut off"
            done = time.perf_counter()
            sent_bytes = len(data)
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] in ("0", 0):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=data,
                ms=(done - started) * 1000,
                ttfb_ms=(ttfb - started) * 1000,
                error=error,
                sent_bytes=sent_bytes,
            )
        finally:
            connection.close()

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def upload(self, path, fields: dict, *, name: str, filename: str, content: bytes) -> Response:
        """POST a form with one file (multipart/form-data), as a browser's file input does."""
        boundary = "hrmsbench" + secrets.token_hex(8)
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        )
        body = b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/login/")
        token = csrf_field(page.text)
        if page.status != 200 or not token or "csrftoken" not in self.cookies:
            raise SystemExit(f"Cannot read the sign-in form (HTTP {page.status}).")
        answer = self.post(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in failed (HTTP {answer.status}).")


def csrf_field(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return found.group(1) if found else ""


# --------------------------------------------------------------------------------------
# The roster form: read it from the page, post it back with every row changed.


@dataclass
class RosterForm:
    date: str
    department: str
    seen: dict[str, str]  # employee code -> status saved (and shown), "" if not marked
    token: str  # the page's csrfmiddlewaretoken

    @classmethod
    def read(cls, page: str) -> RosterForm:
        date = re.search(r'name="date" value="([^"]*)" id="roster-date"', page)
        department = re.search(r'name="department" value="([^"]*)" id="roster-department"', page)
        seen = {
            html.unescape(code): value
            for code, value in re.findall(r'name="seen_([^"]+)" value="([^"]*)"', page)
        }
        if not date or not department or not seen:
            raise RuntimeError("The roster page has no roster form to save.")
        return cls(
            date=date.group(1),
            department=department.group(1),
            seen=seen,
            token=csrf_field(page),
        )

    def next_status(self) -> str:
        """The status that changes every row: not what most rows have now."""
        current = statistics.mode(self.seen.values()) if self.seen else ""
        return SAVE_STATUSES[1] if current == SAVE_STATUSES[0] else SAVE_STATUSES[0]

    def data(self, status: str, token: str) -> dict[str, str]:
        data = {
            "csrfmiddlewaretoken": token,
            "date": self.date,
            "department": self.department,
            "save": "all",
        }
        for code, seen in self.seen.items():
            data[f"status_{code}"] = status
            data[f"seen_{code}"] = seen
        return data

    def saved(self, status: str) -> None:
        self.seen = dict.fromkeys(self.seen, status)
