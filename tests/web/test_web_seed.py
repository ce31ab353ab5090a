"""The founding example end to end through ingest, the store and the article page.

The seed page is read from ``../shared`` at run time (never copied into the repository); the
expectations are derived from what ingest extracted, so this checks the web layer's rendering
of real section offsets: every contents entry has its ``<h2>`` target, in order, each placed
right before the section's first paragraph, and no paragraph is lost or repeated.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from blocwatch.records import Analysis
from blocwatch.store import Store
from blocwatch.web.layout import paragraph_spans

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"

pytestmark = pytest.mark.shared


def test_seed_article_page(client: TestClient, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    assert len(article.sections) >= 2
    store.save_analysis(Analysis(article))
    html = client.get(f"/articles/{article.id}").text
    body = re.search(r'<div class="body">(.*?)</div>', html, re.S)
    assert body is not None
    blocks = re.findall(r'<h2 id="([^"]+)">(.*?)</h2>|<p>(.*?)</p>', body.group(1), re.S)

    headings = [unescape(h) for anchor, h, _ in blocks if anchor]
    assert headings == [s.heading for s in article.sections]
    toc = re.findall(r'<li><a href="#([^"]+)"><span class="num">(\d+)\.</span>', html)
    assert [anchor for anchor, _ in toc] == [anchor for anchor, _, _ in blocks if anchor]
    assert [int(n) for _, n in toc] == list(range(1, len(article.sections) + 1))

    # Each heading is followed by the first paragraph of its section that is not the heading.
    rendered = [
        ("h2", unescape(h)) if a else ("p", unescape(re.sub(r"<[^>]+>", "", p))) for a, h, p in blocks
    ]
    for section in article.sections:
        spans = [(s, e) for s, e in paragraph_spans(article.text) if section.start <= s < section.end]
        texts = [article.text[s:e] for s, e in spans]
        if texts and " ".join(texts[0].split()) == " ".join(section.heading.split()):
            texts = texts[1:]
        if texts:
            at = rendered.index(("h2", section.heading))
            assert rendered[at + 1] == ("p", texts[0])
    paragraphs = [t for kind, t in rendered if kind == "p"]
    heading_set = {s.heading for s in article.sections}
    expected = [article.text[s:e] for s, e in paragraph_spans(article.text)]
    assert paragraphs == [t for t in expected if t not in heading_set]


def test_seed_analysed_page_shows_quotes_actors_and_evidence(client: TestClient, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    saved = store.save_analysis(get_pipeline().analyze(article))
    page = client.get(f"/articles/{saved.article_id}")
    assert page.status_code == 200
    html = unescape(page.text)
    for expected in ("Lim Eul-chul", "Cho Han-bum", "Korea Institute for National Unification",
                     "Choe Son-hui", "United Nations General Assembly", "<mark>"):
        assert expected in html, expected
    data = client.get(f"/articles/{saved.article_id}.json").json()
    events = data["article"]["events"]
    assert any(e["negated"] and e["target"] == "UNGA" for e in events)
    for event in events:
        evidence = event["evidence"]
        assert article.text[evidence["start"] : evidence["end"]] == evidence["sentence"]
    # The speaker's country is linked even though the article never names it.
    assert client.get("/actors/KOR").status_code == 200
