"""A real browser on a real server: "Show more" appends the next page in place (htmx).

uvicorn serves the app on a free loopback port in a thread; headless Chromium (driven by
Playwright) opens the home page, clicks "Show more" and must see the list grow without the page
reloading (a marker set on ``window`` survives, the URL does not change).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import chromium_page, serve
from web_corpus import numbered_analyses

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live_url(web_settings: Settings, store: Store) -> Iterator[str]:
    for analysis in numbered_analyses(25):
        store.save_analysis(analysis)
    with serve(create_app(web_settings, store)) as url:
        yield url


def test_show_more_appends_without_reload(live_url: str) -> None:
    with chromium_page() as (page, console):
        page.goto(live_url + "/")
        items = page.locator("#news-list li.article-item")
        assert items.count() == 20
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("() => { window.__noReload = 'still here'; }")
        page.get_by_role("link", name="Show more").click()
        page.wait_for_function(
            "() => document.querySelectorAll('#news-list li.article-item').length === 25"
        )
        assert page.evaluate("() => window.__noReload") == "still here"
        assert page.url == live_url + "/"
        assert items.nth(24).locator("a.title").inner_text() == "Patrol report 00"
        # The last page has no further control.
        assert page.locator("#news-list li.more").count() == 0
        # No console errors: htmx ran under our Content-Security-Policy, no asset is missing.
        assert console == []
