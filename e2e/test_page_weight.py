"""Page weight: the dashboard's first load stays small."""

import gzip

from django.conf import settings
from django.test import Client

from demo.data import create_demo_data

BUDGET_BYTES = 100 * 1024


def test_dashboard_first_load_is_under_100_kb(new_page, live_server, hr_admin, record_property):
    """Sum the dashboard's first load (HTML, CSS, JavaScript, fonts, images), compressed.

    The test server does not compress, so every response body of the load is recorded
    and gzip-compressed here (level 6, as a typical server would), and the compressed
    sizes are summed. The browser starts with an empty cache and is already signed in
    (a session cookie), so nothing was loaded before the dashboard.
    """
    create_demo_data(employees=40, departments=5, days=30)  # what `make run` shows
    client = Client()
    client.force_login(hr_admin, backend="accounts.backends.ModelBackend")
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    responses = []
    # A lambda, not responses.append: Playwright cannot register a bound builtin.
    page.on("response", lambda response: responses.append(response))
    page.goto("/", wait_until="networkidle")

    sizes = {}
    for response in responses:
        assert response.status == 200, f"{response.url} answered {response.status}"
        compressed = len(gzip.compress(response.body(), compresslevel=6))
        sizes[response.url.removeprefix(live_server.url)] = (
            response.request.resource_type,
            compressed,
        )
    total = sum(size for _, size in sizes.values())
    report = "\n".join(
        f"  {kind:10} {size / 1024:6.1f} KB  {url}" for url, (kind, size) in sizes.items()
    )
    # Kept with the test's result (e.g. `pytest --junitxml`), for following the weight over time.
    record_property("dashboard_first_load_kb", round(total / 1024, 1))

    kinds = {kind for kind, _ in sizes.values()}
    assert {"document", "stylesheet", "script"} <= kinds, sizes  # the whole page was measured
    assert "Dashboard" in page.title()
    assert total < BUDGET_BYTES, f"{total / 1024:.1f} KB is over the 100 KB budget:\n{report}"
