"""Run the test provider: `python -m accounts.tests.oidc_provider.serve SETUP`, where SETUP
is JSON: {"client_id", "client_secret", "redirect_uri", "password", "users": [{"username",
"email", "verified"}]}; OIDC_PROVIDER_DB names its SQLite file.

It makes its database, its users and the client (confidential, authorization code, RS256,
no consent screen), serves on a free port of 127.0.0.1, prints "listening on <port>",
and serves until its standard input closes: when the tests end, or die.
"""

import json
import os
import sys
import threading


def main() -> None:
    setup = json.loads(sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = "accounts.tests.oidc_provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    create(setup)
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    # The test fixture reads this line to learn the port (not a leftover).
    print(f"listening on {server.server_port}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


def create(setup: dict) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from .claims import UNVERIFIED

    unverified = Group.objects.create(name=UNVERIFIED)
    for person in setup["users"]:
        user = User.objects.create_user(
            person["username"], email=person["email"], password=setup["password"]
        )
        if not person["verified"]:
            user.groups.add(unverified)
    Application.objects.create(
        name="HRMS Lite",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=setup["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main()
