"""How every page answers plain requests and htmx requests alike."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, reswap, trigger_client_event

# Events the page's script and lists listen for (see static/js/app.js).
CLOSE_MODAL = "close-modal"
REFRESH_LISTS = "refresh-lists"


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str = "content"
) -> HttpResponse:
    """Render the whole page, or just its named partial when htmx asks for it."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return render(request, template, context)


def finish(request: HttpRequest, url: str, *, refresh_on: tuple[str, ...] = ()) -> HttpResponse:
    """Answer a successful write.

    Without htmx: post/redirect/get to `url`. With htmx, from a page whose path
    is in `refresh_on`: close the dialog and refresh the page's lists in place;
    from any other page: go to `url`.
    """
    if not request.htmx:
        return redirect(url)
    current = urlsplit(request.htmx.current_url_abs_path or "").path
    if current in refresh_on:
        response = reswap(HttpResponse(), "none")
        trigger_client_event(response, CLOSE_MODAL)
        trigger_client_event(response, REFRESH_LISTS)
        return response
    return HttpResponseClientRedirect(url)
