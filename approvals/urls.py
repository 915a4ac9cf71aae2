from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("requests/", views.my_requests, name="mine"),
    path("requests/new/leave/", views.new_leave, name="new_leave"),
    path("requests/new/correction/", views.new_correction, name="new_correction"),
    path("requests/<uuid:pk>/", views.detail, name="detail"),
    path("requests/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("requests/<uuid:pk>/revoke/", views.revoke, name="revoke"),
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/decide/", views.decide, name="decide"),
]
