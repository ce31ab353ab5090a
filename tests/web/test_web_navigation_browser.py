"""A reader's path through the site in headless Chromium: home → article → actor → pair, and search.

The store holds our own Norway–Chile fisheries story (``web_corpus``) over three months, so the
actor page lists a partner and the pair page has a timeline to draw.  The reader only clicks
links the pages show; every step checks where it landed and that the page has its data.  The
search step types into the header's search box and submits it, as a reader would.  A second
test does the same search for the founding example, ingested from ../shared (skipped without it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from browser_support import chromium_page, serve
from web_corpus import CHILE, NORWAY, SOLBERG, accord_analysis

from blocwatch.records import Analysis, Article, Event, Evidence
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"


def _january_row() -> Analysis:
    text = "Chile accused Norway of overfishing near Patagonia. Norway rejected the claim."
    sentence = "Chile accused Norway of overfishing near Patagonia."
    event = Event("CHL", "NOR", "ACCUSE", "112", 3, -2.0, Evidence(sentence, 0, len(sentence), "a-jan", 0),
                  date="2025-01-15", trigger="accused")
    article = Article(id="a-jan", text=text, title="Fish row off Patagonia", published=date(2025, 1, 15),
                      url="https://news.example.org/2025/01/fish-row")
    return Analysis(article, [], [NORWAY, CHILE, SOLBERG], [], [event])


@pytest.fixture
def live_url(web_settings: Settings, store: Store) -> Iterator[str]:
    store.save_analysis(accord_analysis())
    store.save_analysis(_january_row())
    with serve(create_app(web_settings, store)) as url:
        yield url


def _painted(page: object, selector: str) -> bool:
    return bool(page.evaluate(  # type: ignore[attr-defined]
        """(sel) => { const c = document.querySelector(sel);
            if (!c) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }""",
        selector,
    ))


def test_home_article_actor_pair(live_url: str) -> None:
    with chromium_page() as (page, console):
        page.goto(live_url + "/")
        page.get_by_role("link", name="Norway and Chile Sign Fisheries Accord").first.click()
        page.wait_for_url("**/articles/a-accord")
        assert page.locator("h1").first.inner_text() == "Norway and Chile Sign Fisheries Accord"

        page.locator('main a[href="/actors/NOR"]').first.click()
        page.wait_for_url("**/actors/NOR")
        assert "Norway" in page.locator("h1").first.inner_text()

        page.locator('a[href="/pairs/NOR/CHL"]').first.click()
        page.wait_for_url("**/pairs/NOR/CHL")
        heading = page.locator("h1").first.inner_text()
        assert "Norway" in heading and "Chile" in heading
        chart = '[data-chart="pair-chart-data"]'
        page.wait_for_selector(f'{chart}[data-chart-ready="true"] canvas')
        assert _painted(page, f"{chart} canvas")
        # The pair's events carry their evidence: a link back to the article they came from.
        assert page.locator('a[href^="/articles/a-accord"]').count() >= 1
        assert console == []


def test_search_box_finds_an_article(live_url: str) -> None:
    with chromium_page() as (page, console):
        page.goto(live_url + "/actors")
        page.fill("#site-q", "fisheries accord")
        page.press("#site-q", "Enter")
        page.wait_for_url("**/search?q=fisheries+accord*")
        results = page.locator("main a", has_text="Norway and Chile Sign Fisheries Accord")
        assert results.count() >= 1
        assert console == []


@pytest.mark.shared
def test_search_box_finds_the_founding_example(web_settings: Settings, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    store.save_analysis(Analysis(article, [], [], [], []))
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.goto(url + "/")
        page.fill("#site-q", "North Korea BRICS")
        page.press("#site-q", "Enter")
        page.wait_for_url("**/search?q=*")
        hit = page.locator("main a", has_text=article.title or "")
        assert hit.count() >= 1
        hit.first.click()
        page.wait_for_url("**/articles/**")
        assert page.locator("h1").first.inner_text() == article.title
        assert console == []
