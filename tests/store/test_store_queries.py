"""The read side returns what was saved, JSON-ready, in the documented orders, paginated."""

from __future__ import annotations

import json
from datetime import date, timedelta

from store_samples import brief_note, river_talks

from blocwatch.store import Store
from blocwatch.store import queries as q

DAY0 = date(2024, 1, 1)


def fill(store: Store, n: int = 25) -> None:
    for i in range(n):
        store.save_analysis(brief_note(f"n{i:02d}", ["RUR"], published=DAY0 + timedelta(days=i), number=i))


def test_latest_articles_newest_first_and_paginated(store: Store) -> None:
    fill(store)
    store.save_analysis(brief_note("undated", ["FRE"], published=None, number=99))
    with store.session() as s:
        assert q.count_articles(s) == 26
        first = q.latest_articles(s, limit=10)
        rest = q.latest_articles(s, limit=10, offset=20)
        everything = q.latest_articles(s, limit=100)
    assert [a["id"] for a in first] == [f"n{i:02d}" for i in range(24, 14, -1)]
    assert [a["id"] for a in rest] == ["n04", "n03", "n02", "n01", "n00", "undated"]
    assert len({a["id"] for a in everything}) == 26
    top = first[0]
    assert top["published"] == "2024-01-25" and top["title"] == "Note 24"
    assert top["url"] == "https://notes.example.net/n24" and top["source"] == "notes.example.net"
    assert top["actors"] == ["RUR"] and top["excerpt"].startswith("Note 24: Ruritania")
    json.dumps(everything)


def test_article_actors_are_ranked_by_mentions(store: Store) -> None:
    store.save_analysis(river_talks())
    with store.session() as s:
        (item,) = q.latest_articles(s)
    assert item["actors"][0] == "FRE" and set(item["actors"]) == {
        "FRE",
        "RUR",
        "SYL",
        "person:ottokar-brun",
    }


def test_get_article_is_json_ready_and_unknown_is_none(store: Store) -> None:
    store.save_analysis(river_talks())
    with store.session() as s:
        got = q.get_article(s, "a-river")
        assert q.get_article(s, "no-such-article") is None
    assert json.loads(json.dumps(got)) == got


def test_section_anchors_are_unique() -> None:
    used: set[str] = set()
    assert [q.anchor_for(h, used) for h in ("Conclusion", "Conclusion", "Ça va?", "!!!")] == [
        "conclusion",
        "conclusion-2",
        "ca-va",
        "section",
    ]


def test_related_articles_order_by_shared_actors_then_recency(store: Store) -> None:
    store.save_analysis(river_talks())  # RUR, FRE, SYL, person:ottokar-brun
    store.save_analysis(brief_note("one-old", ["RUR"], published=date(2023, 1, 1), number=1))
    store.save_analysis(brief_note("three", ["RUR", "FRE", "SYL"], published=date(2022, 1, 1), number=2))
    store.save_analysis(brief_note("two", ["FRE", "SYL"], published=date(2021, 1, 1), number=3))
    store.save_analysis(brief_note("one-new", ["SYL"], published=date(2024, 3, 1), number=4))
    store.save_analysis(brief_note("none", [], published=date(2024, 6, 1), number=5))
    with store.session() as s:
        related = q.related_articles(s, "a-river", limit=5)
        strict = q.related_articles(s, "a-river", limit=10, fill=False)
        assert q.related_articles(s, "missing", limit=3, fill=False) == []
    assert [(r["id"], r["shared"]) for r in related] == [
        ("three", 3),
        ("two", 2),
        ("one-new", 1),
        ("one-old", 1),
        ("none", 0),
    ]
    assert [r["id"] for r in strict] == ["three", "two", "one-new", "one-old"]
    assert "a-river" not in {r["id"] for r in related}


def test_actor_profile_events_and_articles(store: Store) -> None:
    store.save_analysis(river_talks())
    later = river_talks(
        "a-later", url="https://news.example.org/later", extra=" Later news.", published=date(2024, 7, 1)
    )
    later.events = [later.events[1]]
    later.events[0].date = "2024-07-01"
    store.save_analysis(later)
    with store.session() as s:
        fre = q.get_actor(s, "FRE")
        assert q.get_actor(s, "XXX") is None
        events = q.actor_events(s, "FRE")
        page2 = q.actor_events(s, "FRE", limit=1, offset=1)
        syl_events = q.actor_events(s, "SYL")
        articles = q.actor_articles(s, "FRE")
        assert q.count_actor_events(s, "FRE") == 3
        assert q.count_actor_articles(s, "FRE") == 2
        assert q.actor_events(s, "XXX") == [] and q.actor_articles(s, "XXX") == []
    assert fre is not None and fre["name"] == "Freedonia"
    assert fre["counts"] == {
        "mentions": 4,
        "articles": 2,
        "events": 3,
        "events_as_source": 0,
        "events_as_target": 3,
        "quotes": 0,
    }
    # Newest first by the event's own date; a partial date sorts after the full dates in its month.
    assert [(e["date"], e["article"]["id"]) for e in events] == [
        ("2024-07-01", "a-later"),
        ("2024-05-06", "a-river"),
        ("2024-05", "a-river"),
    ]
    assert page2 == events[1:2]
    first = events[0]
    assert (first["source"], first["target"], first["source_name"], first["target_name"]) == (
        "SYL",
        "FRE",
        "Syldavia",
        "Freedonia",
    )
    assert first["evidence"]["sentence"] == "Syldavia criticised Freedonia over grain tariffs."
    assert first["article"]["title"] == "Ruritania and Freedonia Open River Talks"
    assert {e["article"]["id"] for e in syl_events} == {"a-river", "a-later"}
    assert [(a["id"], a["mentions"]) for a in articles] == [("a-later", 2), ("a-river", 2)]
    json.dumps([fre, events, articles])


def test_list_actors_by_mentions_and_paginated(store: Store) -> None:
    store.save_analysis(river_talks())  # FRE twice, RUR, SYL, Ottokar Brun once
    store.save_analysis(brief_note("n1", ["SYL"], published=DAY0, number=1))
    with store.session() as s:
        actors = q.list_actors(s)
        assert q.count_actors(s) == 4
        assert q.list_actors(s, limit=2, offset=2) == actors[2:4]
    assert [(a["id"], a["mentions"], a["articles"]) for a in actors] == [
        ("SYL", 2, 2),
        ("FRE", 2, 1),
        ("person:ottokar-brun", 1, 1),
        ("RUR", 1, 1),
    ]


def test_actor_pairs_count_events(store: Store) -> None:
    store.save_analysis(river_talks())
    other = river_talks("a-2", url="https://news.example.org/2", extra=" More.")
    other.events = other.events[1:] * 2
    store.save_analysis(other)
    with store.session() as s:
        pairs = q.actor_pairs(s, limit=5)
    assert [(p["source"], p["target"], p["events"]) for p in pairs] == [("SYL", "FRE", 3), ("RUR", "FRE", 1)]
    assert pairs[0]["source_name"] == "Syldavia" and pairs[0]["mean_intensity"] == -2.0
    assert pairs[0]["latest_date"] == "2024-05"


def test_empty_store(store: Store) -> None:
    with store.session() as s:
        assert q.latest_articles(s) == [] and q.count_articles(s) == 0
        assert q.list_actors(s) == [] and q.actor_pairs(s) == []
