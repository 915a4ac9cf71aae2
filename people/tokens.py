"""The links in invitation emails: Django's password-reset tokens, under a salt of their
own. A link works once (setting the password changes what it was made from) and until
PASSWORD_RESET_TIMEOUT has passed; HR can send a new one."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "people.tokens.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
