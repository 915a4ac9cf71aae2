from django.conf import settings


def single_sign_on(request) -> dict:
    """The name of the single sign-on provider, for the sign-in page's button; empty when
    single sign-on is not set up."""
    return {"sso_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""}
