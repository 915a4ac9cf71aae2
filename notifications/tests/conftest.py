import pytest

from notifications.models import Kind, Notification


@pytest.fixture
def ada(django_user_model):
    return django_user_model.objects.create_user("ada", email="ada@example.com")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", email="bob@example.com")


@pytest.fixture
def note():
    """Return a function that keeps a notification for `user` (unread unless `read`)."""

    def make(user, title="A request waits for you", *, read=False, url="/requests/", **fields):
        from django.utils import timezone

        fields.setdefault("kind", Kind.REQUEST_SUBMITTED)
        return Notification.objects.create(
            user=user, title=title, url=url, read_at=timezone.now() if read else None, **fields
        )

    return make
