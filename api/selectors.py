"""Which API tokens a user may see, revoke and issue: the rule in one place."""

from django.db.models import Q, QuerySet

from accounts.scoping import scope_for

from .models import ApiToken


def manages_others(user) -> bool:
    """A superuser, or an HR admin (`api.manage_apitoken`) who sees every department. A
    department-limited user only ever manages their own tokens."""
    return user.is_superuser or (
        user.has_perm("api.manage_apitoken") and not scope_for(user).is_limited
    )


def manageable_tokens(user) -> QuerySet[ApiToken]:
    """The tokens a user may see and revoke: their own; a superuser, everyone's; an HR
    admin who manages others, everyone's but superusers'."""
    tokens = ApiToken.objects.select_related("user")
    if user.is_superuser:
        return tokens
    if manages_others(user):
        return tokens.filter(Q(user=user) | Q(user__is_superuser=False))
    return tokens.filter(user=user)


def may_issue_for_others(user) -> bool:
    """Only a superuser creates a token for someone else: a token acts with its owner's
    powers, so anyone else could borrow powers they do not have."""
    return user.is_superuser
