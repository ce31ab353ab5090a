"""A real browser on a real server: "Show more" appends the next page in place (htmx).

uvicorn serves the app on a free loopback port in a thread; headless Chromium (driven by
Playwright) opens the home page, clicks "Show more" and must see the list grow without the page
reloading (a marker set on ``window`` survives, the URL does not change).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from web_corpus import numbered_analyses

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_url(web_settings: Settings, store: Store) -> Iterator[str]:
    for analysis in numbered_analyses(25):
        store.save_analysis(analysis)
    port = free_port()
    config = uvicorn.Config(
        create_app(web_settings, store), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_show_more_appends_without_reload(live_url: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
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
        finally:
            browser.close()
