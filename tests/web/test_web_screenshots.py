"""Screenshots of the main pages as test artifacts, taken by headless Chromium on a real server.

The PNGs go to ``$BLOCWATCH_TEST_ARTIFACTS`` (default ``<repo>/artifacts/screenshots``, git-ignored;
see ``browser_support.artifact_path``) so a CI run can keep them.  Each page must answer 200,
draw its charts (every chart element reaches ``data-chart-ready="true"``), log no console error,
and give a real picture: a PNG of the full page width, taller than the window is empty-page high,
with more than a few colours' worth of bytes.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from browser_support import artifact_path, chromium_page, serve
from test_web_briefs import bolivia_corpus

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"

PAGES = {
    "home": "/",
    "article": "/articles/bo-aug",
    "actor": "/actors/BOL",
    "pair": "/pairs/BOL/PER",
    "bloc": "/blocs/BRICS",
    "map": "/map?actor=BRICS",
    "camps": "/camps",
    "search": "/search?q=Bolivia",
    "brief": "/briefs/BOL/BRICS",
    "briefs": "/briefs",
}
CHARTS_DRAWN = """() => [...document.querySelectorAll(
    '[data-chart], [data-world-map], [data-bloc-timeline], [data-camps-graph]')]
    .every(e => e.getAttribute('data-chart-ready') === 'true')"""
WIDTH = 1280
MIN_BYTES = 15_000


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_screenshots_of_the_main_pages(web_settings: Settings, store: Store) -> None:
    for analysis in bolivia_corpus():
        store.save_analysis(analysis)
    saved = {}
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.set_viewport_size({"width": WIDTH, "height": 800})
        for name, path in PAGES.items():
            response = page.goto(url + path)
            assert response is not None and response.status == 200, (name, path)
            page.wait_for_function(CHARTS_DRAWN, timeout=20000)
            target = artifact_path(f"{name}.png")
            page.screenshot(path=str(target), full_page=True)
            saved[name] = target
            assert console == [], (name, console)
    for name, target in saved.items():
        data = target.read_bytes()
        width, height = _png_size(data)
        assert width == WIDTH and height >= 400, (name, width, height)
        assert len(data) > MIN_BYTES, (name, len(data))  # text and charts, not a blank page


@pytest.mark.shared
def test_screenshot_of_the_founding_brief(web_settings: Settings, store: Store) -> None:
    """The founding example's brief (North Korea and BRICS), from the seed page in ../shared."""
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    store.save_analysis(get_pipeline().analyze(parse_text_page(SEED.read_text(encoding="utf-8"),
                                                               input_name=str(SEED))))
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.set_viewport_size({"width": WIDTH, "height": 800})
        response = page.goto(url + "/briefs/PRK/BRICS")
        assert response is not None and response.status == 200
        title = page.locator("h1#brief-title").inner_text()
        assert title.startswith("North Korea Strengthens Ties with BRICS")
        target = artifact_path("brief-north-korea-brics.png")
        page.screenshot(path=str(target), full_page=True)
        assert console == []
    data = target.read_bytes()
    assert _png_size(data)[0] == WIDTH and len(data) > MIN_BYTES
