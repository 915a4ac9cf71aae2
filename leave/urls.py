from django.urls import path

from . import views

app_name = "leave"

urlpatterns = [
    path("leave/calendar/", views.calendar, name="calendar"),
    path("me/calendar-feed/", views.feed_settings, name="feed_settings"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
