"""Saving model instances so that every database rule reaches the user as a message."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def save_validated(instance: models.Model) -> None:
    """Check the instance against all its model rules, then save it.

    The database has the last word: when a constraint fails at save time (two
    requests creating the same code at the same moment), the rules are checked
    again so the user gets the same message as for any other duplicate.
    """
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        instance.full_clean()
        raise ValidationError(
            "This change clashes with another one saved at the same moment. "
            "Reload the page and try again.",
            code="conflict",
        ) from None
