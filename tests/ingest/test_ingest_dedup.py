"""De-duplication: canonical URLs, MinHash fingerprints, and syndication clusters in a real store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from blocwatch.ingest.dedup import (
    METHOD,
    NearDuplicateIndex,
    canonical_url,
    fingerprint,
    fingerprint_from_bytes,
    fingerprint_to_bytes,
    shingles,
)
from blocwatch.records import Analysis, Article
from blocwatch.store import Store, url_key
from blocwatch.store.models import ArticleFingerprintRow, ArticleRow, SyndicationClusterRow
from blocwatch.store.syndication import Syndication, cluster_of, list_clusters

# Our own invented story and two outlets' versions of it.
STORY = (
    "Ruritania and Freedonia signed a river treaty in the capital on Monday after three years of "
    "talks. The agreement sets quotas for water drawn from the Vltava basin and creates a joint "
    "commission that will meet twice a year. Ministers from both states said the deal would end a "
    "long dispute over dams built upstream. Syldavia, which shares the basin, was not a party to "
    "the treaty and said it would study the text before deciding whether to join."
)
REEDITED = STORY.replace("on Monday", "on Monday, officials said,") + " Markets rose on the news."
OTHER = (
    "Syldavia opened a new port on its northern coast on Tuesday. The port can handle container "
    "ships of any size and is linked to the capital by a new railway line. The transport minister "
    "said trade through the port should double within five years, and that a second terminal is "
    "planned. Local fishermen protested against the loss of their harbour during the ceremony."
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://News.Example.ORG:443/World/Story.html", "https://news.example.org/World/Story.html"),
        ("http://news.example.org:80/a", "http://news.example.org/a"),
        ("http://news.example.org:8080/a", "http://news.example.org:8080/a"),
        ("https://news.example.org/a?utm_source=feed&utm_medium=rss", "https://news.example.org/a"),
        ("https://news.example.org/a?fbclid=XYZ&gclid=1&id=7", "https://news.example.org/a?id=7"),
        ("https://news.example.org/a?b=2&a=1", "https://news.example.org/a?a=1&b=2"),
        ("https://news.example.org/a?id=3&ocid=rss", "https://news.example.org/a?id=3"),
        ("https://news.example.org/a#comments", "https://news.example.org/a"),
        ("https://news.example.org/#!/story/12", "https://news.example.org/#!/story/12"),
        ("https://news.example.org", "https://news.example.org/"),
        ("https://news.example.org/x/../a/./b", "https://news.example.org/a/b"),
        ("  https://news.example.org/Mixed/Case  ", "https://news.example.org/Mixed/Case"),
        ("/srv/pages/a.html", "/srv/pages/a.html"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(given: str | None, expected: str | None) -> None:
    assert canonical_url(given) == expected
    assert url_key(given) == expected  # the store's identity key is the same form
    if expected and expected.startswith("http"):
        assert canonical_url(expected) == expected  # idempotent


def test_shingles_and_fingerprints() -> None:
    assert shingles("One two three four five six") == {b"one two three four five", b"two three four five six"}
    assert shingles("Too short") == {b"too short"} and shingles("") == set()
    assert fingerprint("A one-line brief about nothing.") is None  # too short to compare
    story, reedited, other = fingerprint(STORY), fingerprint(REEDITED), fingerprint(OTHER)
    assert story is not None and reedited is not None and other is not None
    assert story.jaccard(reedited) >= 0.8 > 0.2 > story.jaccard(other)
    assert fingerprint(STORY.upper()).jaccard(story) == 1.0  # type: ignore[union-attr]
    data = fingerprint_to_bytes(story)
    assert len(data) == 512 and fingerprint_from_bytes(data).jaccard(story) == 1.0
    with pytest.raises(ValueError):
        fingerprint_from_bytes(data[:100])
    assert METHOD.startswith("minhash-")


def test_near_duplicate_index() -> None:
    index = NearDuplicateIndex()
    index.add("story", fingerprint(STORY))  # type: ignore[arg-type]
    index.add("other", fingerprint(OTHER))  # type: ignore[arg-type]
    index.add("story", fingerprint(STORY))  # type: ignore[arg-type]  # re-adding replaces
    assert len(index) == 2 and "story" in index
    found = index.matches(fingerprint(REEDITED))  # type: ignore[arg-type]
    assert [key for key, _ in found] == ["story"] and found[0][1] >= 0.8
    assert index.matches(fingerprint(STORY), exclude={"story"}) == []  # type: ignore[arg-type]
    index.discard("story")
    index.discard("never-added")
    assert index.matches(fingerprint(REEDITED)) == []  # type: ignore[arg-type]


def save(store: Store, article_id: str, text: str, url: str, source: str) -> str:
    article = Article(id=article_id, text=text, title=article_id, url=url, canonical_url=url,
                      published=date(2024, 5, 6), raw=text.encode(), raw_type="text")  # fmt: skip
    return store.save_analysis(Analysis(article=article), source=source).article_id


def clustered(store: Store) -> dict[str, int | None]:
    with store.session() as s:
        rows = s.execute(select(ArticleFingerprintRow.article_id, ArticleFingerprintRow.cluster_id))
        return {article_id: cluster for article_id, cluster in rows}


def test_same_article_under_tracking_urls_is_stored_once(store: Store) -> None:
    first = save(store, "a1", STORY, "https://News.Example.org/2024/treaty?utm_source=rss#top", "https://news.example.org/")
    again = save(store, "a2", STORY + " Updated.", "https://news.example.org/2024/treaty", "https://news.example.org/")
    assert first == again == "a1"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert s.scalar(select(ArticleRow.canonical_url)) == "https://news.example.org/2024/treaty"


def test_syndication_clusters(store: Store) -> None:
    save(store, "wire", STORY, "https://wire.example.com/treaty", "https://wire.example.com/")
    save(store, "daily", REEDITED, "https://daily.example.net/world/treaty", "https://daily.example.net/")
    save(store, "port", OTHER, "https://daily.example.net/port", "https://daily.example.net/")
    save(store, "brief", "Talks went on.", "https://daily.example.net/brief", "https://daily.example.net/")
    syndication = Syndication(store)
    result = syndication.assign(["wire", "daily", "port", "brief", "no-such-article"])
    assert result["wire"] is not None and result["wire"] == result["daily"]
    assert result["port"] is None and result["brief"] is None and result["no-such-article"] is None
    before = clustered(store)
    assert syndication.assign(["wire", "daily", "port"]) == {k: result[k] for k in ("wire", "daily", "port")}
    assert Syndication(store).assign(["daily", "wire"]) == {"daily": result["daily"], "wire": result["wire"]}
    assert clustered(store) == before  # idempotent, also for a fresh process's index
    info = cluster_of(store, "daily")
    # Members come first ingested first.
    assert info is not None and [m["id"] for m in info["members"]] == ["wire", "daily"]
    assert cluster_of(store, "port") is None
    [listed] = list_clusters(store)
    assert listed["size"] == 2 and listed["sources"] == ["daily.example.net", "wire.example.com"]
    # Nothing was dropped: every article is still stored.
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleRow)) == 4


def test_clusters_merge_and_dissolve(store: Store) -> None:
    part_a = STORY
    part_b = OTHER
    bridge = STORY + " " + OTHER  # too far from either alone at 0.8
    assert fingerprint(bridge).jaccard(fingerprint(part_a)) < 0.8  # type: ignore[union-attr,arg-type]
    save(store, "a", part_a, "https://one.example/a", "https://one.example/")
    save(store, "a2", part_a + " Officials confirmed.", "https://two.example/a", "https://two.example/")
    save(store, "b", part_b, "https://one.example/b", "https://one.example/")
    save(store, "b2", part_b + " Officials confirmed.", "https://two.example/b", "https://two.example/")
    syndication = Syndication(store)
    got = syndication.assign(["a", "a2", "b", "b2"])
    assert got["a"] == got["a2"] and got["b"] == got["b2"] and got["a"] != got["b"]
    # a2 is re-extracted and now reads like b: it leaves the a-cluster, which is dissolved
    # (one member left), and joins b's.
    save(store, "a2", part_b + " Officials confirmed it on Friday.", "https://two.example/a", "https://two.example/")
    after = syndication.assign(["a2"])
    assert after["a2"] == got["b"]
    assert clustered(store)["a"] is None
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SyndicationClusterRow)) == 1
        sizes = s.execute(
            select(ArticleFingerprintRow.cluster_id, func.count()).group_by(ArticleFingerprintRow.cluster_id)
        ).all()
    assert dict(sizes)[got["b"]] == 3
    # A new copy of "a" brings "a" back into a cluster of its own.
    save(store, "a3", part_a + " Officials denied it.", "https://three.example/a", "https://three.example/")
    third = syndication.assign(["a3"])
    assert third["a3"] is not None and third["a3"] != got["b"] and clustered(store)["a"] == third["a3"]


def test_clusters_bridged_by_a_new_article_are_merged(store: Store) -> None:
    words = (STORY + " " + OTHER).split()
    bridge = " ".join(words)
    # Two versions of the story, each cut differently from the full one: each is near the full
    # text, but not near enough each other to be clustered before the full text arrives.
    head = " ".join(["Earlier", "reports", "from", "the", "border", "region", "said"] + words[7:])
    tail = " ".join(words[:-10] + "Police later cleared the square without any arrests being made".split())
    fh, ft, fb = fingerprint(head), fingerprint(tail), fingerprint(bridge)
    assert fh and ft and fb and fh.jaccard(ft) < 0.8 <= min(fh.jaccard(fb), ft.jaccard(fb))
    save(store, "h1", head, "https://one.example/h", "https://one.example/")
    save(store, "h2", head + " Officials confirmed.", "https://two.example/h", "https://two.example/")
    save(store, "t1", tail, "https://three.example/t", "https://three.example/")
    save(store, "t2", tail + " Officials confirmed.", "https://four.example/t", "https://four.example/")
    syndication = Syndication(store)
    got = syndication.assign(["h1", "h2", "t1", "t2"])
    assert got["h1"] == got["h2"] and got["t1"] == got["t2"] and got["h1"] != got["t1"]
    save(store, "full", bridge, "https://five.example/f", "https://five.example/")
    merged = syndication.assign(["full"])["full"]
    assert merged == min(got["h1"], got["t1"])  # type: ignore[type-var]  # the oldest cluster wins
    assert set(clustered(store).values()) == {merged}
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SyndicationClusterRow)) == 1
