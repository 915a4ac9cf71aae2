from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


my_requests = new_leave = new_correction = detail = cancel = revoke = inbox = decide = _todo
