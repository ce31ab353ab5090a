"""Syndication's in-memory index stays bounded: at most ``max_indexed`` of the newest fingerprints."""

from __future__ import annotations

from datetime import date

from blocwatch.records import Analysis, Article
from blocwatch.store import Store
from blocwatch.store.syndication import Syndication

TOPICS = ["fisheries", "pipelines", "rail links", "grain exports", "power grids", "port fees"]


def story(topic: str, outlet: str = "") -> str:
    """A text of ours; the same ``topic`` gives near-duplicates (an outlet's one-line addition)."""
    body = (
        f"Ministers from the two neighbouring states met on Monday to discuss {topic} and agreed "
        f"to set up a joint commission on {topic} that will report within six months, officials "
        f"said after the talks, which both sides described as frank and useful for {topic}."
    )
    return body + (f" Reported by {outlet}." if outlet else "")


def save(store: Store, article_id: str, text: str) -> None:
    article = Article(id=article_id, text=text, title=article_id, published=date(2024, 5, 6))
    store.save_analysis(Analysis(article=article))


def test_the_index_keeps_only_the_newest_fingerprints(store: Store) -> None:
    for n, topic in enumerate(TOPICS):
        save(store, f"a{n}", story(topic))
    syndication = Syndication(store, max_indexed=3)
    assert set(syndication.assign([f"a{n}" for n in range(len(TOPICS))]).values()) == {None}
    assert len(syndication.index) == 3
    assert all(f"a{n}" in syndication.index for n in (3, 4, 5))
    # A copy of a recent story is clustered; a copy of an evicted one finds no partner in memory.
    save(store, "copy-recent", story(TOPICS[5], "the Daily Courier"))
    save(store, "copy-old", story(TOPICS[0], "the Daily Courier"))
    found = syndication.assign(["copy-recent", "copy-old"])
    assert found["copy-recent"] is not None and found["copy-old"] is None
    assert len(syndication.index) == 3


def test_a_new_process_loads_only_the_newest(store: Store) -> None:
    for n, topic in enumerate(TOPICS):
        save(store, f"a{n}", story(topic))
        Syndication(store).assign([f"a{n}"])  # one at a time: computed_at orders them
    fresh = Syndication(store, max_indexed=2)
    fresh.assign([])
    save(store, "copy", story(TOPICS[5], "Radio North"))
    assert fresh.assign(["copy"])["copy"] is not None
    assert len(fresh.index) == 2 and "a5" in fresh.index and "a0" not in fresh.index
