"""A small OpenID Connect provider (django-oauth-toolkit) that the single sign-on tests
sign in with, run in a process of its own by accounts/tests/conftest.py (serve.py)."""
