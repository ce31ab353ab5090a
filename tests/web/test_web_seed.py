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
