"""RSS 2.0, Atom 1.0 and the sitemap: well-formed XML, absolute links, escaped ingested text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from fastapi.testclient import TestClient
from web_corpus import accord_analysis, numbered_analyses

from blocwatch.store import Store
from blocwatch.web.routers.feeds import FEED_ITEMS, xml_text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOSTILE = "<script>alert(1)</script> Salmon & Co ]]> \x01\x0b"


def _fill(store: Store) -> None:
    store.save_analysis(accord_analysis(title=HOSTILE))
    for analysis in numbered_analyses(3):
        store.save_analysis(analysis)


def test_xml_text_drops_what_xml_cannot_carry() -> None:
    assert xml_text("a\x00b\x0bc\td\ne\ufffe") == "abc\td\ne"
    assert xml_text(None) == "" and xml_text(3) == "3"


def test_rss_feed(client: TestClient, store: Store) -> None:
    _fill(store)
    response = client.get("/feed.rss")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    assert b"<script>" not in response.content
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None and channel.findtext("link") == "http://testserver/"
    items = channel.findall("item")
    expected = ["<script>alert(1)</script> Salmon & Co ]]> ", "Patrol report 02"]
    assert [i.findtext("title") for i in items][:2] == expected
    first = items[0]
    assert first.findtext("link") == first.findtext("guid") == "http://testserver/articles/a-accord"
    assert parsedate_to_datetime(first.findtext("pubDate") or "").date().isoformat() == "2025-03-04"
    assert "salmon farming" in (first.findtext("description") or "")
    source = first.find("source")
    assert source is not None and source.get("url") == "https://news.example.org/2025/03/accord"


def test_atom_feed(client: TestClient, store: Store) -> None:
    _fill(store)
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "<script>alert(1)</script> Salmon & Co ]]> "
    assert entry.findtext(f"{ATOM}id") == "http://testserver/articles/a-accord"
    assert entry.findtext(f"{ATOM}published") == "2025-03-04T00:00:00+00:00"
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links == {"alternate": "http://testserver/articles/a-accord",
                     "related": "https://news.example.org/2025/03/accord"}
    assert entry.findtext(f"{ATOM}updated")


def test_empty_feeds_are_still_valid(client: TestClient) -> None:
    rss = ET.fromstring(client.get("/feed.rss").content)
    assert rss.find("channel/item") is None and rss.findtext("channel/title") == "blocwatch"
    atom = ET.fromstring(client.get("/feed.atom").content)
    assert atom.findtext(f"{ATOM}updated") and atom.find(f"{ATOM}entry") is None


def test_feeds_hold_the_newest_articles_only(client: TestClient, store: Store) -> None:
    for analysis in numbered_analyses(FEED_ITEMS + 3):
        store.save_analysis(analysis)
    items = ET.fromstring(client.get("/feed.rss").content).findall("channel/item")
    assert len(items) == FEED_ITEMS
    assert items[0].findtext("title") == f"Patrol report {FEED_ITEMS + 2:02d}"


def test_sitemap_lists_articles_and_actors(client: TestClient, store: Store) -> None:
    _fill(store)
    response = client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert locs[0] == "http://testserver/"
    assert "http://testserver/articles/a-accord" in locs
    assert {"http://testserver/actors/NOR", "http://testserver/actors/CHL",
            "http://testserver/actors/person:ingrid-solberg"} <= set(locs)
    assert len(locs) == len(set(locs)) == 1 + 4 + 3
    for url in urls[1:5]:
        assert len(url.findtext(f"{SITEMAP}lastmod") or "") == 10
    # Every listed page exists.
    for loc in locs:
        assert client.get(str(loc).removeprefix("http://testserver")).status_code == 200
