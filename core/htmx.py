"""How every page answers plain requests and htmx requests alike."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, reswap, trigger_client_event

# Events the page's script and lists listen for (see static/js/app.js).
CLOSE_MODAL = "close-modal"
REFRESH_LISTS = "refresh-lists"


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str = "content",
    status: int = 200,
) -> HttpResponse:
    """Render the whole page, or just its named partial when htmx asks for it."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def render_partials(
    request: HttpRequest, template: str, partials: list[str], context: dict
) -> HttpResponse:
    """Render several named partials of one page into one htmx answer (e.g. a row and counts)."""
    html = "".join(render_to_string(f"{template}#{name}", context, request) for name in partials)
    return HttpResponse(html)


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


def safe_next(request: HttpRequest, default: str) -> str:
    """The page to return to (`next` in the query or form), if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
