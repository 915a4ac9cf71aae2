from django.urls import path

from . import views

app_name = "payroll"

urlpatterns = [
    path("", views.months, name="months"),
    path("close/", views.close, name="close"),
    path("closures/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:year>-<int:month>/export/", views.export, name="export"),
]
