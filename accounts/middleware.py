from django.utils.functional import SimpleLazyObject

from .scoping import scope_for


class ScopeMiddleware:
    """Give every request `request.scope`: the departments its user may see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)
