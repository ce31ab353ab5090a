"""A reader's path through a brief in headless Chromium, on a real uvicorn server.

Home -> a brief under "Latest analytics" -> the brief page (title, contents jumping to the
sections) -> an evidence link -> the article page, scrolled to the cited sentence by the link's
text fragment.  The cited article is long (paragraphs of our own with no facts in them come
first), so landing on the sentence needs the browser to scroll there.
"""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import chromium_page, serve
from test_web_briefs import Act, bolivia_corpus, report

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

pytestmark = pytest.mark.browser

CITED = "Bolivia agreed with BRICS on a lithium research centre."
FILLER = tuple(
    f"Paragraph {n} of the background: the salt flats of Uyuni hold brine under a crust of salt, "
    "and the water needed to pump it is scarce in the dry season on the altiplano."
    for n in range(1, 31)
)

# The paragraph of the article body holding ``sentence``: is it on screen, and was the page scrolled?
LANDED = """(sentence) => {
    const p = [...document.querySelectorAll('.body p')].find(e => e.textContent.includes(sentence));
    if (!p) return null;
    const r = p.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, height: window.innerHeight, scrolled: window.scrollY};
}"""


def test_home_to_brief_to_evidence(web_settings: Settings, store: Store) -> None:
    for analysis in bolivia_corpus():
        store.save_analysis(analysis)
    store.save_analysis(report("bo-long", date(2024, 8, 30), [
        Act(CITED, "BOL", "BRICS", "COOPERATE", "2024-08-29"),
    ], title="Lithium and the altiplano", preamble=FILLER))
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.goto(url + "/")
        latest = page.locator("#latest-briefs a.title").first
        title = latest.inner_text()
        assert title.startswith("Bolivia") and "BRICS" in title
        latest.click()
        page.wait_for_url(url + "/briefs/BOL/BRICS")
        assert page.locator("h1#brief-title").inner_text() == title
        # The numbered contents jump to their sections.
        page.locator("nav.toc a", has_text="The obstacles").click()
        page.wait_for_url(url + "/briefs/BOL/BRICS#2-obstacles")
        assert page.evaluate("() => document.querySelector(':target').textContent") == "The obstacles"
        # The sentence told from the long article, and its evidence link.
        told = page.locator("p.brief-sentence", has_text="On 29 August 2024, Bolivia deepened cooperation")
        assert told.count() == 1
        link = told.locator("a.evidence-link").first
        assert CITED in (link.get_attribute("title") or "")
        link.click()
        page.wait_for_url(url + "/articles/bo-long*")
        assert page.locator("h1").inner_text() == "Lithium and the altiplano"
        landing = f"(s) => window.scrollY > 0 && ({LANDED})(s) !== null"
        page.wait_for_function(landing, arg=CITED, timeout=10000)
        landed = page.evaluate(LANDED, CITED)
        assert landed is not None, "the cited sentence is not in the article body"
        assert landed["scrolled"] > 0, "the text fragment did not scroll to the sentence"
        assert 0 <= landed["top"] < landed["height"] and landed["bottom"] > 0, landed
        assert console == []
