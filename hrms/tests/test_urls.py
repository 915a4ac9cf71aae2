"""Addresses the root URLconf answers itself."""


def test_favicon_ico_leads_to_the_icon_without_a_sign_in(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")
    icon = client.get(response["Location"])
    assert (icon.status_code, icon["Content-Type"]) == (200, "image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)
