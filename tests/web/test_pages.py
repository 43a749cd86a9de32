"""The shipped pages: small, no inline script, no HTML built from strings, no outside hosts."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from bot.channels.web.pages import STATIC_DIR

PAGES = {
    "/": ["/static/app.css", "/static/common.js", "/static/chat.js"],
    "/assess": ["/static/app.css", "/static/common.js", "/static/assess.js"],
    "/admin": ["/static/app.css", "/static/common.js", "/static/admin.js"],
}


async def test_each_page_with_its_assets_stays_under_100_kb(client: TestClient) -> None:
    for page, assets in PAGES.items():
        total = 0
        for path in [page, *assets]:
            response = await client.get(path)
            assert response.status == 200, path
            total += len(await response.read())
        assert total <= 100 * 1024, (page, total)


def test_no_inline_script_and_no_outside_host() -> None:
    for html in STATIC_DIR.glob("*.html"):
        text = html.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), html.name  # only external files
        assert not re.search(r"\son\w+=", text), html.name  # no inline event handlers
        assert "http://" not in text and "https://" not in text, html.name  # no CDN


def test_scripts_never_build_html_from_strings() -> None:
    for script in STATIC_DIR.glob("*.js"):
        text = script.read_text("utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, (script.name, sink)
