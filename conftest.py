import pytest
from django.contrib.auth.models import Permission


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions are refreshed once per test, so query counts do not depend on the clock.
    settings.SESSION_REFRESH_SECONDS = 10**9
    # Serve static files from the app folders, as in development, without collectstatic.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def user_with(django_user_model, client):
    """Return a function that logs in a user holding the given permissions ("app.codename")."""

    def make(*perms: str, username: str = "clerk"):
        user = django_user_model.objects.create_user(username=username, password="x-Pass-1234")
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client.force_login(user)
        return user

    return make


@pytest.fixture
def htmx_headers():
    """Headers of an htmx request made from the given page."""

    def make(current_url: str = "http://testserver/") -> dict:
        return {"HX-Request": "true", "HX-Current-URL": current_url}

    return make
