from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.notification_list, name="list"),
    path("me/notifications/read/", views.notifications_mark_read, name="read_all"),
    path("me/notifications/settings/", views.email_settings, name="settings"),
    path("me/notifications/<int:pk>/", views.notification_open, name="open"),
]
