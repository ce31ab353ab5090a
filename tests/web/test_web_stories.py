"""Story and event pages (and the article page's "Same story") over a real store.

The articles are our own: three outlets report Norway and Chile signing a salmon accord (one
under a hostile title, to check escaping), two report a quota row a fortnight later, and one
unrelated report stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from fastapi.testclient import TestClient

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention
from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.web import create_app

HOSTILE = '<script>alert("story")</script>'
NORWAY = Actor("NOR", "Norway", "state", country="NOR", cameo="NOR")
CHILE = Actor("CHL", "Chile", "state", country="CHL", cameo="CHL")
PERU = Actor("PER", "Peru", "state", country="PER", cameo="PER")
MINISTER = Actor("person:ingrid-solberg", "Ingrid Solberg", "person", country="NOR", sector="GOV",
                 role="Fisheries Minister", cameo="NORGOV")
ACTORS = (NORWAY, CHILE, PERU, MINISTER)


def _article(article_id: str, site: str, published: date, title: str,
             lines: list[tuple[str, str | None, str | None, str | None]]) -> Analysis:  # fmt: skip
    """One sentence per line: (sentence, source, target, CAMEO code or None for no event)."""
    text = " ".join(line[0] for line in lines)
    events, at = [], 0
    for n, (sentence, source, target, cameo) in enumerate(lines):
        start = text.index(sentence, at)
        at = start + len(sentence)
        if cameo:
            quad, intensity = (1, 4.0) if cameo.startswith("05") else (3, -2.0)
            plover = "COOPERATE" if quad == 1 else "ACCUSE"
            events.append(Event(source, target, plover, cameo, quad, intensity,
                                Evidence(sentence, start, at, article_id, n), date=published.isoformat(),
                                trigger=sentence.split()[1]))
    mentions = []
    used = []
    for actor in ACTORS:
        found = text.find(actor.name)
        if found >= 0:
            mentions.append(Mention(actor.name, found, found + len(actor.name), "GPE", actor.id, None))
            used.append(actor)
    record = Article(id=article_id, text=text, title=title, url=f"https://{site}/{article_id}",
                     source=f"https://{site}/", published=published, language="en")
    return Analysis(record, mentions, used, [], events)


ACCORD = [
    _article("salmon-1", "fjord-post.example", date(2025, 3, 3),
             f"Norway and Chile sign salmon accord {HOSTILE}", [
        ("Salmon farmers in Puerto Montt welcomed the accord signed in Oslo.", None, None, None),
        ("Norway signed the salmon farming accord with Chile on Monday.", "NOR", "CHL", "057"),
    ]),
    _article("salmon-2", "andes-daily.example", date(2025, 3, 4),
             "Chile and Norway seal salmon farming pact", [
        ("The salmon farming pact sealed in Oslo opens Puerto Montt to Norwegian vaccines.",
         None, None, None),
        ("Ingrid Solberg signed the salmon accord with Chile.", MINISTER.id, "CHL", "057"),
    ]),
    _article("salmon-3", "wire.example", date(2025, 3, 5),
             "Salmon accord: Norway, Chile agree on farming rules", [
        ("Norway and Chile agreed on salmon farming rules this week in Oslo.", None, None, None),
        ("Norway concluded the salmon accord with Chile this week.", "NOR", "CHL", "057"),
    ]),
]
QUOTA = [
    _article("quota-1", "andes-daily.example", date(2025, 3, 18), "Chile accuses Peru over anchovy quotas", [
        ("Anchovy boats from Arica stayed in port as the quota dispute grew.", None, None, None),
        ("Chile accused Peru of breaking the anchovy quota deal.", "CHL", "PER", "112"),
    ]),
    _article("quota-2", "wire.example", date(2025, 3, 19), "Anchovy quota row: Chile blames Peru", [
        ("The anchovy quota row kept boats from Arica in port for a second day.", None, None, None),
        ("Chile blamed Peru for the anchovy quota breach.", "CHL", "PER", "112"),
    ]),
]
ALONE = _article("volcano", "fjord-post.example", date(2025, 3, 4), "Ash cloud closes Patagonian airports", [
    ("Flights from Punta Arenas were cancelled as ash from an eruption drifted east.", None, None, None),
])


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in [*ACCORD, *QUOTA, ALONE]:
        store.save_analysis(analysis)
    return store


@pytest.fixture
def small_pages(web_settings: Settings, filled: Store) -> Iterator[TestClient]:
    """A client over the same store whose lists hold one item per page."""
    settings = load_settings(database_url=web_settings.database_url, page_size=1)
    with TestClient(create_app(settings, filled)) as test_client:
        yield test_client


def _hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_stories_list_and_json_twin(client: TestClient, filled: Store) -> None:
    data = client.get("/stories.json").json()
    assert [s["id"] for s in data["stories"]] == ["quota-1", "salmon-1"]  # newest first
    assert data["total_stories"] == 2 and data["all_stories"] == 3
    quota, salmon = data["stories"]
    assert salmon["articles"] == 3 and salmon["days"] == 3
    assert salmon["sources"] == ["andes-daily.example", "fjord-post.example", "wire.example"]
    assert (salmon["first"], salmon["last"]) == ("2025-03-03", "2025-03-05")
    assert salmon["actors"][:2] == ["CHL", "NOR"]
    assert quota["title"] == "Chile accuses Peru over anchovy quotas" and quota["articles"] == 2
    page = client.get("/stories")
    assert page.status_code == 200
    assert 'href="/stories/salmon-1"' in page.text and 'href="/stories/quota-1"' in page.text
    assert "3 articles from andes-daily.example, fjord-post.example, wire.example" in page.text
    assert 'href="/stories"' in page.text  # the nav
    # Accept negotiation gives the same data as the .json twin.
    assert client.get("/stories", headers={"Accept": "application/json"}).json() == data
    everything = client.get("/stories.json?min_articles=1").json()
    assert [s["id"] for s in everything["stories"]] == ["quota-1", "salmon-1", "volcano"]


def test_stories_paginate_with_real_urls(small_pages: TestClient) -> None:
    first = small_pages.get("/stories.json").json()
    assert [s["id"] for s in first["stories"]] == ["quota-1"]
    assert first["next_url"] == "/stories?page=2" and first["previous_url"] is None
    html = small_pages.get("/stories").text
    assert 'href="/stories?page=2"' in html and 'rel="next"' in html
    second = small_pages.get(first["next_url"])
    assert second.status_code == 200 and 'href="/stories/salmon-1"' in second.text
    assert 'href="/stories?page=1"' in second.text and "Older stories" not in second.text
    assert small_pages.get("/stories.json?page=2").json()["next_url"] is None
    beyond = small_pages.get("/stories?page=9")
    assert beyond.status_code == 200 and "No more stories" in beyond.text
    singles = small_pages.get("/stories.json?min_articles=1&page=2").json()
    assert singles["next_url"] == "/stories?min_articles=1&page=3"
    assert small_pages.get("/stories?page=0").status_code == 422


def test_story_page_articles_events_and_evidence(client: TestClient, filled: Store) -> None:
    data = client.get("/stories/salmon-1.json").json()
    assert [a["id"] for a in data["articles"]] == ["salmon-1", "salmon-2", "salmon-3"]
    sources = {a["source"] for a in data["articles"]}
    assert sources == {"fjord-post.example", "andes-daily.example", "wire.example"}
    [accord] = data["events"]  # three sentences, one happening (the minister counts for Norway)
    assert accord["mentions"] == 3 and accord["articles"] == 3
    assert accord["source"] == "NOR" and accord["target"] == "CHL" and accord["status"] == "fact"
    assert accord["id"].startswith("ev-") and accord["url"] == f"/events/{accord['id']}"
    html = client.get("/stories/salmon-1").text
    assert f'href="/events/{accord["id"]}"' in html
    assert "3 mentions in 3 articles" in html
    texts = {a.article.id: a.article.text for a in ACCORD}
    for mention in accord["evidence"]:
        # Every evidence link resolves to the article page, at the event with the sentence.
        assert mention["url"] in _hrefs(html)
        path, anchor = mention["url"].split("#")
        article = client.get(path)
        assert article.status_code == 200
        assert f'id="{anchor}"' in article.text
        assert mention["sentence"] in unescape(article.text)
        assert texts[mention["article_id"]][mention["start"] : mention["end"]] == mention["sentence"]


def test_member_article_ids_redirect_to_the_story(client: TestClient, filled: Store) -> None:
    moved = client.get("/stories/salmon-3", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/stories/salmon-1"
    moved = client.get("/stories/salmon-3.json", follow_redirects=False)
    assert moved.headers["location"] == "/stories/salmon-1.json"
    assert client.get("/stories/salmon-2.json").json()["story"]["id"] == "salmon-1"


def test_event_page_and_json_twin(client: TestClient, filled: Store) -> None:
    accord_id = client.get("/stories/salmon-1.json").json()["events"][0]["id"]
    data = client.get(f"/events/{accord_id}.json").json()
    event = data["event"]
    assert event["id"] == accord_id and event["cameo"] == "057"
    assert event["cameo_label"] == "engage in diplomatic cooperation"
    assert event["date"] == "2025-03-03" and event["week"] == "2025-W10" and event["status"] == "fact"
    assert event["mentions"] == 3
    assert {m["source_actor"] for m in event["evidence"]} == {"NOR", MINISTER.id}
    assert [s["id"] for s in data["stories"]] == ["salmon-1"]
    html = client.get(f"/events/{accord_id}").text
    assert "CAMEO 057: engage in diplomatic cooperation" in html
    assert "3 sentences in 3 articles" in html and "ISO week 2025-W10" in html
    assert 'href="/actors/NOR"' in html and 'href="/actors/CHL"' in html
    # The minister's mention counts for Norway and says who was read.
    assert 'as read: <a class="actor" href="/actors/person:ingrid-solberg">Ingrid Solberg</a>' in html
    for mention in event["evidence"]:
        assert mention["url"] in _hrefs(html)
    # The id is the same the article page shows next to the event.
    article = client.get("/articles/salmon-2").text
    assert f'href="/events/{accord_id}"' in article


def test_unknown_ids_are_clear_404s(client: TestClient, filled: Store) -> None:
    page = client.get("/stories/no-such-story")
    assert page.status_code == 404 and "No story with id" in page.text
    data = client.get("/stories/no-such-story.json")
    assert data.status_code == 404
    assert data.json()["error"]["message"] == "No story with id 'no-such-story' (nor an article of one)."
    missing = client.get("/events/ev-0000000000000000.json")
    assert missing.status_code == 404 and "No event with id" in missing.json()["error"]["message"]
    assert client.get("/events/ev-0000000000000000").status_code == 404


def test_article_page_same_story(client: TestClient, filled: Store) -> None:
    html = client.get("/articles/salmon-2").text
    assert "Same story" in html
    hrefs = _hrefs(html)
    assert "/stories/salmon-1" in hrefs and "/articles/salmon-1" in hrefs and "/articles/salmon-3" in hrefs
    data = client.get("/articles/salmon-2.json").json()
    assert [o["id"] for o in data["story"]["others"]] == ["salmon-1", "salmon-3"]
    assert all(e["event_id"] and e["event_id"].startswith("ev-") for e in data["article"]["events"])
    alone = client.get("/articles/volcano")
    assert alone.status_code == 200 and "Same story" not in alone.text
    assert client.get("/articles/volcano.json").json()["story"] is None


def test_hostile_title_is_escaped(client: TestClient, filled: Store) -> None:
    accord_id = client.get("/stories/salmon-1.json").json()["events"][0]["id"]
    for path in ("/stories", "/stories/salmon-1", f"/events/{accord_id}", "/articles/salmon-3"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(&#34;story&#34;)&lt;/script&gt;" in html, path
