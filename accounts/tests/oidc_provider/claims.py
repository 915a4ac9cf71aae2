from oauth2_provider.oauth2_validators import OAuth2Validator

# Members of this group have an email address the provider has not verified.
UNVERIFIED = "unverified email"


class Validator(OAuth2Validator):
    """The claims of the "email" scope, in the ID token and from the userinfo endpoint."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED).exists(),
        }
