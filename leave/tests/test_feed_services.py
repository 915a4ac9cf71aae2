import pytest

from leave import selectors, services
from leave.models import CalendarFeed

pytestmark = pytest.mark.django_db


class TestCalendarFeed:
    def test_create_keeps_only_the_tokens_fingerprint(self, office):
        user = office["worker"].user

        token = services.calendar_feed_create(user=user)

        feed = CalendarFeed.objects.get(user=user)
        assert len(token) >= 40
        assert feed.token_hash == CalendarFeed.hash(token)
        assert token not in feed.token_hash
        assert selectors.feed_owner(token) == user

    def test_create_again_replaces_the_old_token(self, office):
        user = office["worker"].user
        old = services.calendar_feed_create(user=user)

        new = services.calendar_feed_create(user=user)

        assert new != old
        assert selectors.feed_owner(old) is None
        assert selectors.feed_owner(new) == user

    def test_revoke(self, office):
        user = office["worker"].user
        token = services.calendar_feed_create(user=user)

        assert services.calendar_feed_revoke(user=user) is True
        assert selectors.feed_owner(token) is None
        assert services.calendar_feed_revoke(user=user) is False

    def test_each_persons_token_is_their_own(self, office):
        mine = services.calendar_feed_create(user=office["worker"].user)
        theirs = services.calendar_feed_create(user=office["olga"].user)

        services.calendar_feed_revoke(user=office["olga"].user)

        assert selectors.feed_owner(mine) == office["worker"].user
        assert selectors.feed_owner(theirs) is None
