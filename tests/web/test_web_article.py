"""The article page: contents with anchors, body, quotes, actors, highlighted evidence, metadata."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient
from web_corpus import HEAD_1, HEAD_2, HEAD_3, MEETING, PARA_3, QUOTE, accord_analysis, numbered_analyses

from blocwatch.store import Store


def test_article_page_contents_and_body(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    page = client.get("/articles/a-accord")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Norway and Chile Sign Fisheries Accord</h1>" in html
    assert '<time datetime="2025-03-04">4 March 2025</time>' in html
    assert "Maria Lindqvist" in html

    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc is not None
    entry = r'<li><a href="#([^"]+)"><span class="num">(\d+)\.</span> ([^<]+)</a></li>'
    entries = re.findall(entry, toc.group(0))
    assert [(n, h) for _, n, h in entries] == [("1", HEAD_1), ("2", HEAD_2), ("3", HEAD_3)]
    body = re.search(r'<div class="body">(.*?)</div>', html, re.S)
    assert body is not None
    # Every contents entry links to an <h2> with that id, in the body, in order.
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', body.group(1))
    assert headings == [(anchor, heading) for anchor, _, heading in entries]
    # A heading in the text is shown once, as the <h2>, not again as a paragraph.
    assert f"<p>{HEAD_1}</p>" not in body.group(1)
    # The "Outlook" heading (not in the text) is placed before its paragraph.
    assert body.group(1).index(f">{HEAD_3}</h2>") < body.group(1).index(PARA_3)
    assert len(re.findall(r"<p>", body.group(1))) == 4
    # Resolved mentions in the body link to the actors' pages.
    assert '<a class="mention" href="/actors/person:ingrid-solberg">Ingrid Solberg</a>' in body.group(1)
    norway = '<a class="mention" href="/actors/NOR">Norway</a>'
    chile = '<a class="mention" href="/actors/CHL">Chile</a>'
    assert f"<p>{norway} and {chile} agreed on Tuesday" in body.group(1)


def test_article_page_quotes_actors_events(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    html = client.get("/articles/a-accord").text
    quotes = re.search(r'<ul class="quotes">(.*?)</ul>', html, re.S)
    assert quotes is not None
    assert QUOTE in unescape(quotes.group(1))
    assert '<a class="actor" href="/actors/person:ingrid-solberg">Ingrid Solberg</a>' in quotes.group(1)
    assert "Norway" in quotes.group(1)  # the speaker's affiliation

    actors = re.search(r'<ul class="actors">(.*?)</ul>', html, re.S)
    assert actors is not None
    for href, name in (
        ("/actors/NOR", "Norway"),
        ("/actors/CHL", "Chile"),
        ("/actors/person:ingrid-solberg", "Ingrid Solberg"),
    ):
        assert f'<a class="actor" href="{href}">{name}</a>' in actors.group(1)

    events = re.search(r'<ul class="events">(.*?)</ul>', html, re.S)
    assert events is not None
    # The evidence sentence is shown with its trigger marked.
    assert MEETING.replace(" met ", " <mark>met</mark> ") in events.group(1)
    assert "Chile did not <mark>threaten</mark> to leave the talks." in events.group(1)
    assert "negated" in events.group(1)


def test_related_articles(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    for analysis in numbered_analyses(3):
        store.save_analysis(analysis)
    html = client.get("/articles/a-accord").text
    related = html[html.index("You may also like") :]
    assert len(re.findall(r'<li class="article-item">', related)) == 3
    assert 'href="/articles/a-report-00"' in related
    assert 'href="/articles/a-accord"' not in related
    assert "2 actors in common" in related  # the reports mention Norway and Chile too


def test_article_metadata_jsonld_and_opengraph(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    html = client.get("/articles/a-accord").text
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Norway and Chile Sign Fisheries Accord">' in html
    assert '<meta property="og:url" content="http://testserver/articles/a-accord">' in html
    assert '<meta property="article:published_time" content="2025-03-04">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    ld = json.loads(block.group(1))
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "Norway and Chile Sign Fisheries Accord"
    assert ld["datePublished"] == "2025-03-04"
    assert ld["author"] == [{"@type": "Person", "name": "Maria Lindqvist"}]
    assert ld["url"] == "https://news.example.org/2025/03/accord"
    assert {
        "@type": "Person",
        "name": "Ingrid Solberg",
        "url": "http://testserver/actors/person:ingrid-solberg",
    } in ld["mentions"]
    assert ld["description"].startswith("Norway and Chile agreed on Tuesday")


def test_third_party_text_is_escaped(client: TestClient, store: Store) -> None:
    title = "<script>alert('owned')</script> Summit & \"Talks\""
    store.save_analysis(accord_analysis(title=title))
    for path in ("/articles/a-accord", "/"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; Summit &amp; &#34;Talks&#34;" in html
    article = client.get("/articles/a-accord").text
    # Inside JSON-LD the title is JSON-escaped so it cannot close the <script> element.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)
    assert block is not None and "</script" not in block.group(1)
    assert json.loads(block.group(1))["headline"] == title
    # JSON is data, not markup: the title comes back exactly.
    assert client.get("/articles/a-accord.json").json()["article"]["title"] == title
