"""Saving analyses: round trip, idempotent re-saves, all-or-nothing failures, bad inputs, sources."""

from __future__ import annotations

import dataclasses
import zlib
from datetime import date

import pytest
from sqlalchemy import func, select
from store_samples import ACTORS, river_talks

from blocwatch.records import Actor, Evidence, Mention
from blocwatch.store import DuplicateContentError, InvalidRecordError, Store
from blocwatch.store import queries as q
from blocwatch.store.models import (
    ActorRow,
    ArticleActorRow,
    ArticleRow,
    EventRow,
    MentionRow,
    QuoteRow,
    RawInputRow,
    SectionRow,
)

CHILDREN = (SectionRow, MentionRow, QuoteRow, EventRow, ArticleActorRow)


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        tables = (ArticleRow, ActorRow, *CHILDREN)
        return {t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in tables}


def test_round_trip(store: Store) -> None:
    analysis = river_talks()
    result = store.save_analysis(analysis)
    assert (result.article_id, result.created) == ("a-river", True)
    with store.session() as s:
        got = q.get_article(s, "a-river")
    assert got is not None
    a = analysis.article
    assert got["title"] == a.title and got["text"] == a.text
    assert got["published"] == "2024-05-06"
    assert got["authors"] == ["Ana Tester", "Bo Writer"] and got["language"] == "en"
    assert got["canonical_url"] == "https://news.example.org/2024/05/river-talks"
    assert got["source"] == "news.example.org"
    assert [(x["heading"], x["start"], x["end"]) for x in got["sections"]] == [
        (sec.heading, sec.start, sec.end) for sec in a.sections
    ]
    assert [x["anchor"] for x in got["sections"]] == [
        "talks-in-the-capital",
        "trade-first",
        "what-comes-next",
    ]
    for sec in got["sections"]:
        assert got["text"][sec["start"] : sec["end"]].startswith(sec["heading"])
    assert [(m["text"], m["start"], m["end"], m["label"], m["actor"]) for m in got["mentions"]] == sorted(
        ((m.text, m.start, m.end, m.label, m.actor) for m in analysis.mentions), key=lambda t: t[1]
    )
    for m in got["mentions"]:
        assert got["text"][m["start"] : m["end"]] == m["text"]
    by_id = {x["id"]: x for x in got["actors"]}
    assert set(by_id) == set(ACTORS)
    assert by_id["FRE"]["mentions"] == 2 and got["actors"][0]["id"] == "FRE"
    assert by_id["person:ottokar-brun"]["role"] == "Foreign Minister"
    assert by_id["person:ottokar-brun"]["cameo"] == "SYLGOV"
    (quote,) = got["quotes"]
    assert quote == {**analysis.quotes[0].contract(), "sentence_index": 3}
    assert [e["plover"] for e in got["events"]] == ["CONSULT", "ACCUSE"]
    for stored, given in zip(got["events"], analysis.events, strict=True):
        expected = given.contract()
        expected["evidence"]["sentence_index"] = given.evidence.sentence_index
        assert {k: stored[k] for k in expected} == expected
        assert stored["trigger"] == given.trigger
        ev = stored["evidence"]
        assert got["text"][ev["start"] : ev["end"]] == ev["sentence"]
    assert "raw" not in got
    assert store.get_raw("a-river") == (analysis.article.raw, "html")


def test_raw_bytes_are_stored_zlib_compressed(store: Store) -> None:
    raw = b"<html>" + b"<p>Ruritania and Freedonia again.</p>" * 200 + b"</html>"
    store.save_analysis(river_talks(raw=raw))
    with store.session() as s:
        stored = s.scalar(select(ArticleRow.raw).where(ArticleRow.id == "a-river"))
    assert stored is not None and len(stored) < len(raw) / 5
    assert zlib.decompress(stored) == raw


def test_resave_same_url_and_content_keeps_one_row(store: Store) -> None:
    first = store.save_analysis(river_talks())
    before = counts(store)
    again = store.save_analysis(river_talks())
    assert again.article_id == first.article_id and again.created is False
    assert counts(store) == before and before["articles"] == 1


def test_same_url_under_another_id_updates_the_stored_article(store: Store) -> None:
    store.save_analysis(river_talks())
    # Same page re-fetched with tracking noise in the URL and edited text: still the same article.
    url = "HTTPS://News.Example.org/2024/05/river-talks?utm_source=feed#comments"
    result = store.save_analysis(river_talks("another-id", url=url, extra=" It ends in June."))
    assert (result.article_id, result.created) == ("a-river", False)
    with store.session() as s:
        assert q.count_articles(s) == 1
        got = q.get_article(s, "a-river")
        assert got is not None and got["text"].endswith("It ends in June.")
        assert q.get_article(s, "another-id") is None


def test_same_content_at_another_url_is_the_same_article(store: Store) -> None:
    store.save_analysis(river_talks())
    result = store.save_analysis(river_talks("mirror", url="https://mirror.example.com/river"))
    assert (result.article_id, result.created) == ("a-river", False)
    with store.session() as s:
        assert q.count_articles(s) == 1
        got = q.get_article(s, "a-river")
        # The identity URL of the stored article does not move.
        assert got is not None and got["canonical_url"] == "https://news.example.org/2024/05/river-talks"


def test_changed_extraction_replaces_children(store: Store) -> None:
    store.save_analysis(river_talks())
    changed = river_talks()
    changed.events = changed.events[:1]
    changed.quotes = []
    changed.mentions = [m for m in changed.mentions if m.actor != "SYL"]
    changed.actors = [a for a in changed.actors if a.id != "SYL"]
    changed.actors[0] = dataclasses.replace(changed.actors[0], name="Kingdom of Ruritania")
    changed.article.sections = changed.article.sections[:2]
    store.save_analysis(changed)
    with store.session() as s:
        got = q.get_article(s, "a-river")
        assert got is not None
        assert [e["plover"] for e in got["events"]] == ["CONSULT"]
        assert got["quotes"] == [] and len(got["sections"]) == 2
        assert "SYL" not in {m["actor"] for m in got["mentions"]}
        assert "SYL" not in {a["id"] for a in got["actors"]}
        assert {a["id"]: a["name"] for a in got["actors"]}["RUR"] == "Kingdom of Ruritania"
        assert q.actor_events(s, "SYL") == []
        # Actors are shared: one no longer in this article stays in the table.
        assert q.get_actor(s, "SYL") is not None
    assert counts(store)["events"] == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"quad_class": 9},
        {"intensity": 42.0},
        {"date": "early May"},
        {"evidence": Evidence("Broken.", 50, 10)},
        {"evidence": Evidence("Past the end.", 10, 100_000)},
        {"cameo": None},
    ],
    ids=["quad_class", "intensity", "date", "span", "beyond-text", "null-cameo"],
)
def test_failure_mid_save_rolls_back(store: Store, bad: dict[str, object]) -> None:
    store.save_analysis(river_talks())
    before = counts(store)
    with store.session() as s:
        stored = q.get_article(s, "a-river")
    broken = river_talks(extra=" A changed ending.")
    broken.actors.append(Actor("person:new-envoy", "New Envoy", "person"))
    broken.events.append(dataclasses.replace(broken.events[0], **bad))  # type: ignore[arg-type]
    with pytest.raises(InvalidRecordError):
        store.save_analysis(broken)
    assert counts(store) == before
    with store.session() as s:
        assert q.get_article(s, "a-river") == stored
        assert q.get_actor(s, "person:new-envoy") is None


def test_failure_saving_a_new_article_leaves_nothing(store: Store) -> None:
    broken = river_talks()
    broken.mentions.append(Mention("Nowhere", 10, 3, "GPE", "XXX"))
    with pytest.raises(InvalidRecordError):
        store.save_analysis(broken)
    assert set(counts(store).values()) == {0}
    with store.session() as s:
        assert q.list_actors(s) == []


def test_empty_text_is_refused(store: Store) -> None:
    analysis = river_talks()
    analysis.article.text = "   "
    with pytest.raises(InvalidRecordError, match="no text"):
        store.save_analysis(analysis)


def test_conflicting_matches_are_refused(store: Store) -> None:
    store.save_analysis(river_talks())
    other = river_talks("b-other", url="https://news.example.org/other", extra=" Different.")
    store.save_analysis(other)
    # URL of the second article, text of the first: merging would lose one of them.
    clash = river_talks("c-clash", url="https://news.example.org/other")
    with pytest.raises(DuplicateContentError):
        store.save_analysis(clash)
    assert counts(store)["articles"] == 2


def test_unlisted_actor_gets_a_placeholder_then_the_real_record(store: Store) -> None:
    analysis = river_talks()
    analysis.events[0] = dataclasses.replace(analysis.events[0], target="org:river-commission")
    store.save_analysis(analysis)
    with store.session() as s:
        placeholder = q.get_actor(s, "org:river-commission")
    assert placeholder is not None and placeholder["kind"] == "organisation"
    assert placeholder["counts"]["events_as_target"] == 1
    analysis.actors.append(Actor("org:river-commission", "River Commission", "igo"))
    store.save_analysis(analysis)
    with store.session() as s:
        actor = q.get_actor(s, "org:river-commission")
    assert actor is not None and (actor["name"], actor["kind"]) == ("River Commission", "igo")


def test_bad_input_is_kept_with_its_raw_bytes(store: Store) -> None:
    raw = bytes(range(256)) * 4
    first = store.save_bad_input("/data/broken.html", raw, "not valid UTF-8")
    second = store.save_bad_input("https://example.org/empty", None, "empty body")
    assert first != second
    kept = store.get_bad_input(first)
    assert kept is not None and kept["raw"] == raw and kept["problem"] == "not valid UTF-8"
    assert kept["input_name"] == "/data/broken.html"
    empty = store.get_bad_input(second)
    assert empty is not None and empty["raw"] is None
    listed = store.list_bad_inputs()
    assert [x["id"] for x in listed] == [second, first] and "raw" not in listed[0]
    with store.session() as s:
        stored = s.scalar(select(RawInputRow.raw).where(RawInputRow.id == first))
    assert stored is not None and zlib.decompress(stored) == raw
    assert store.get_bad_input(10_000) is None
    assert store.delete_bad_input(second) is True and store.delete_bad_input(second) is False
    assert [x["id"] for x in store.list_bad_inputs()] == [first]


def test_sources(store: Store) -> None:
    sid = store.add_source("https://feeds.example.org/world.xml", name="Example World", kind="feed")
    assert store.add_source("https://feeds.example.org/world.xml") == sid
    store.save_analysis(river_talks(), source="https://feeds.example.org/world.xml")
    store.record_fetch("https://feeds.example.org/world.xml", error="HTTP 503")
    (src,) = [x for x in store.list_sources() if x["id"] == sid]
    assert (src["name"], src["kind"], src["articles"], src["last_error"]) == (
        "Example World",
        "feed",
        1,
        "HTTP 503",
    )
    assert src["last_fetched_at"] is not None
    with store.session() as s:
        got = q.get_article(s, "a-river")
    assert got is not None and got["source"] == "Example World"


def test_undated_article_and_event(store: Store) -> None:
    analysis = river_talks(published=None, url=None)
    analysis.events = [dataclasses.replace(e, date=None) for e in analysis.events]
    store.save_analysis(analysis)
    with store.session() as s:
        got = q.get_article(s, "a-river")
    assert got is not None and got["published"] is None and got["canonical_url"] is None
    assert [e["date"] for e in got["events"]] == [None, None]
    assert got["source"] is None


def test_event_keeps_its_flags(store: Store) -> None:
    analysis = river_talks()
    ev = analysis.events[0]
    analysis.events = [dataclasses.replace(ev, negated=True, hypothetical=True, date=date(2024, 5, 7))]  # type: ignore[arg-type]
    store.save_analysis(analysis)
    with store.session() as s:
        got = q.get_article(s, "a-river")
    assert got is not None
    (event,) = got["events"]
    assert (event["negated"], event["hypothetical"], event["date"]) == (True, True, "2024-05-07")


@pytest.mark.parametrize("when", ["2024-W38", "2024-09", "2024", "2024-09-19"])
def test_event_dates_at_every_precision_the_coder_gives_are_stored(store: Store, when: str) -> None:
    analysis = river_talks()
    analysis.events[0] = dataclasses.replace(analysis.events[0], date=when)
    store.save_analysis(analysis)
    with store.session() as s:
        assert when in set(s.scalars(select(EventRow.event_date)))
