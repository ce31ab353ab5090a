"""Actor pages: ids with a colon, profile, events with evidence, articles; the actors list."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_corpus import MEETING, accord_analysis, numbered_analyses

from blocwatch.store import Store


def test_actor_page_with_events_and_articles(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    for analysis in numbered_analyses(2):
        store.save_analysis(analysis)
    page = client.get("/actors/NOR")
    assert page.status_code == 200
    html = page.text
    assert '<h1 id="actor-name">Norway</h1>' in html
    events = re.search(r'<ul class="events">(.*?)</ul>', html, re.S)
    assert events is not None
    assert MEETING.replace(" met ", " <mark>met</mark> ") in events.group(1)
    # Each event links back to the article it was read from.
    assert 'From <a href="/articles/a-accord">Norway and Chile Sign Fisheries Accord</a>' in events.group(1)
    assert '<a class="actor" href="/actors/CHL">Chile</a>' in events.group(1)
    # The profile shows the store's counts: three articles mention Norway, two events involve it.
    assert "<dt>Articles</dt><dd>3</dd>" in html and "<dt>Events</dt><dd>2</dd>" in html
    articles = html[html.index('id="actor-articles"') :]
    for article_id in ("a-accord", "a-report-00", "a-report-01"):
        assert f'href="/articles/{article_id}"' in articles


def test_actor_id_with_colon_routes(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    page = client.get("/actors/person:ingrid-solberg")
    assert page.status_code == 200
    assert '<h1 id="actor-name">Ingrid Solberg</h1>' in page.text
    assert "fisheries minister" in page.text
    assert "No events involving Ingrid Solberg have been read yet." in page.text
    assert 'href="/articles/a-accord"' in page.text
    # Percent-encoded colon reaches the same page.
    assert client.get("/actors/person%3Aingrid-solberg").status_code == 200
    data = client.get("/actors/person:ingrid-solberg.json").json()
    assert data["actor"]["id"] == "person:ingrid-solberg"


def test_actor_events_paginate(client: TestClient, store: Store) -> None:
    # 22 articles, each with two events involving Chile (a meeting and a negated threat): 44 events.
    for n in range(22):
        store.save_analysis(
            accord_analysis(
                f"a-m{n:02d}", f"Meeting {n:02d}", f"https://news.example.org/m/{n}", coda=f"Meeting {n}."
            )
        )
    first = client.get("/actors/CHL")
    assert len(re.findall(r'<li class="event ', first.text)) == 20
    assert 'href="/actors/CHL?page=2"' in first.text and 'hx-get="/actors/CHL?page=2"' in first.text
    data = client.get("/actors/CHL.json").json()
    assert len(data["events"]) == 20 and data["next_page"] == 2
    assert client.get("/actors/CHL.json?page=2").json()["next_page"] == 3
    last = client.get("/actors/CHL.json?page=3").json()
    assert len(last["events"]) == 4 and last["next_page"] is None
    fragment = client.get("/actors/CHL?page=3", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert fragment.text.strip().startswith('<li class="event ')
    assert len(re.findall(r'<li class="event ', fragment.text)) == 4 and "hx-get" not in fragment.text


def test_actors_list(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    page = client.get("/actors")
    assert page.status_code == 200
    for href, name in (
        ("/actors/NOR", "Norway"),
        ("/actors/CHL", "Chile"),
        ("/actors/person:ingrid-solberg", "Ingrid Solberg"),
    ):
        assert f'<a class="actor" href="{href}">{name}</a>' in page.text
    data = client.get("/actors.json").json()
    assert {a["id"] for a in data["actors"]} == {"NOR", "CHL", "person:ingrid-solberg"}
    assert data["next_page"] is None
