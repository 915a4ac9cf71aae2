from django.urls import path

from . import views
from .endpoints import api

app_name = "tokens"

# The JSON API itself is mounted at /api/ by hrms/urls.py (its own namespace: "api").
api_urls = api.urls

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
