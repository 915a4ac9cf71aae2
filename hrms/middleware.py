from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    """Deliver pending messages with htmx answers that swap content in place.

    A full page shows messages itself; a redirect leaves them for the next page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(request, "htmx", False)
            or response.streaming
            or 300 <= response.status_code < 400
            or any(h in response for h in ("HX-Redirect", "HX-Location", "HX-Refresh"))
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        storage = get_messages(request)
        if not len(storage):
            return response
        response.write(render_to_string("base.html#messages-oob", {"messages": storage}, request))
        return response
