"""A URLconf with a view that fails, to see how failures are logged."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("something broke")


urlpatterns = [path("boom/", boom), path("", include("hrms.urls"))]
