from django.urls import path

from . import oidc_views

app_name = "oidc"

# Single sign-on (accounts/oidc.py), at /oidc/: 404 unless it is set up.
urlpatterns = [
    path("authenticate/", oidc_views.oidc_authenticate, name="authenticate"),
    path("callback/", oidc_views.oidc_callback, name="callback"),
]
