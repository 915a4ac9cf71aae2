"""The Django admin's site, under the product's name (its look: templates/admin/base_site.html
and static/css/admin.css), with two changes. Its "view on site" redirect
(`/admin/r/<content type>/<id>/`) goes only to an object the user may see in the admin.
Django's own redirect answers for any object, so it would tell a department-limited user
that an employee of another department exists. And, like django-otp's OTPAdminSite, it lets
in no one who owes a second factor (two-factor sign-in, accounts.middleware)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path, reverse_lazy


class AdminSite(admin.AdminSite):
    site_header = "HRMS Lite admin"
    site_title = "HRMS Lite"
    index_title = "Back office"
    site_url = "/"

    def has_permission(self, request):
        """Staff, as Django's admin asks, who owe no second factor: like django-otp's
        OTPAdminSite, a user who has two-factor sign-in but has not entered a code, or
        whose role requires it and has not set it up, is not let in (the accounts app's
        TwoFactorMiddleware says so in `request.two_factor_due`)."""
        return super().has_permission(request) and not getattr(request, "two_factor_due", None)

    def get_urls(self):
        view = self.admin_view(self.view_on_site)
        view.login_url = reverse_lazy("admin:login", current_app=self.name)
        return [
            path("r/<path:content_type_id>/<path:object_id>/", view, name="view_on_site")
            if getattr(pattern, "name", None) == "view_on_site"
            else pattern
            for pattern in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's page, if this user may see it here; else 404, whether
        or not it exists."""
        # Imported here: the site is created before the apps' models are loaded.
        from django.contrib.contenttypes import views as contenttype_views
        from django.contrib.contenttypes.models import ContentType

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404("No such kind of object.") from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404("No such object.")
        try:
            visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404("No such object.")
        return contenttype_views.shortcut(request, content_type_id, object_id)


class HRMSAdminConfig(AdminConfig):
    default_site = "core.admin_site.AdminSite"
