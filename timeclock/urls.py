from django.urls import path

from . import views

app_name = "timeclock"

urlpatterns = [
    path("me/clock/", views.clock, name="clock"),
    path("me/kiosk-pin/", views.kiosk_pin, name="kiosk_pin"),
    path("kiosk/", views.kiosk, name="kiosk"),
    path("attendance/punches/import/", views.import_punches, name="import_punches"),
    path("attendance/exceptions/", views.exceptions, name="exceptions"),
    path(
        "attendance/exceptions/<uuid:employee_id>/<str:day>/",
        views.resolve,
        name="resolve",
    ),
]
