"""In a browser against the live server, the page's stylesheet arrives under its hashed name,
served by the application (WhiteNoise), and applies."""

import re

from tests.e2e.conftest import screenshot


def test_the_login_page_gets_its_stylesheet(laptop_page, live_server, db):
    stylesheets = []
    laptop_page.on(
        "response",
        lambda response: (
            stylesheets.append(response) if response.request.resource_type == "stylesheet" else None
        ),
    )
    laptop_page.goto(f"{live_server.url}/login/")
    laptop_page.wait_for_load_state("load")
    assert stylesheets, "the page asked for no stylesheet"
    for response in stylesheets:
        assert response.status == 200
        assert re.search(r"/static/.+\.[0-9a-f]{12}\.css$", response.url)
    rules = laptop_page.evaluate(
        "Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)"
    )
    assert rules > 0
    screenshot(laptop_page, "login-with-stylesheet")
