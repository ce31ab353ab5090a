"""The source directory: add / list / show / remove, polling state, fetch log, health warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from blocwatch.records import Analysis, Article
from blocwatch.store import Store, migrate
from blocwatch.store.engine import make_engine
from blocwatch.store.models import ArticleRow
from blocwatch.store.sources import SourceDirectory, format_every, health_warnings, parse_every

NOW = datetime(2024, 6, 20, 12, 0, tzinfo=UTC)


def test_intervals() -> None:
    assert parse_every("15m") == 900 and parse_every("1h30m") == 5400 and parse_every("2d") == 172800
    assert parse_every("90s") == 90 and parse_every("600") == 600 and parse_every(3600) == 3600
    for bad in ("", "soon", "15x", "5s", "m15"):
        with pytest.raises(ValueError):
            parse_every(bad)
    assert format_every(900) == "15m" and format_every(5400) == "1h30m" and format_every(None) == "-"


def test_health_warnings() -> None:
    assert health_warnings(0, None, recent=10, prior=140) == []
    assert health_warnings(2, "HTTP 500", recent=10, prior=140) == []
    [failing] = health_warnings(3, "HTTP 500", recent=10, prior=140)
    assert "last 3 fetches failed" in failing and "HTTP 500" in failing
    [drop] = health_warnings(0, None, recent=2, prior=140)  # 0.67/day against 10/day
    assert drop.startswith("volume drop") and "10.0 a day" in drop
    assert health_warnings(0, None, recent=0, prior=10) == []  # under one a day: too quiet to judge


def test_add_list_show_remove(store: Store) -> None:
    sources = SourceDirectory(store)
    given = "HTTPS://News.Example.org/feed.xml?utm_source=x"
    added = sources.add(given, name="Example", every="30m", now=NOW)
    assert added["created"] and added["url"] == "https://news.example.org/feed.xml"
    assert added["every_seconds"] == 1800 and added["next_due_at"] == NOW.isoformat()
    again = sources.add("https://news.example.org/feed.xml", every="1h", now=NOW)
    assert not again["created"] and again["id"] == added["id"] and again["name"] == "Example"
    assert again["every"] == "1h"
    for bad in ("ftp://news.example.org/", "/srv/news", "not a url"):
        with pytest.raises(ValueError):
            sources.add(bad)
    with pytest.raises(ValueError):
        sources.add("https://news.example.org/", every="1s")
    # A source the writer made for an ingested page is listed only with polled_only=False.
    store.add_source("https://other.example.net/")
    assert [s["url"] for s in sources.list_sources()] == ["https://news.example.org/feed.xml",
                                                          "https://other.example.net/"]  # fmt: skip
    assert [s["id"] for s in sources.list_sources(polled_only=True)] == [added["id"]]
    shown = sources.show(added["id"], now=NOW)
    assert shown is not None and len(shown["per_day"]) == 14 and shown["recent_errors"] == []
    assert shown["per_day"][-1] == {"day": "2024-06-20", "articles": 0}
    assert sources.show(999) is None
    assert sources.remove(added["id"]) and not sources.remove(added["id"])
    assert sources.get(added["id"]) is None


def test_implicit_source_becomes_polled(store: Store) -> None:
    sources = SourceDirectory(store)
    implicit = store.add_source("https://news.example.org/")
    assert sources.due(now=NOW) == []  # never polled until added
    added = sources.add("https://news.example.org", now=NOW)
    assert added["id"] == implicit and not added["created"]
    assert [s.id for s in sources.due(now=NOW)] == [implicit]


def test_fetches_schedule_and_back_off(store: Store) -> None:
    sources = SourceDirectory(store)
    one = sources.add("https://one.example.org/feed", every="15m", now=NOW)["id"]
    two = sources.add("https://two.example.org/feed", every="15m", now=NOW - timedelta(minutes=5))["id"]
    assert [s.id for s in sources.due(now=NOW)] == [two, one]  # the longest overdue first
    assert sources.next_due_at() == NOW - timedelta(minutes=5)
    assert sources.next_due_at(exclude=[two]) == NOW
    due = sources.record_fetch(one, "ok", articles=4, etag='"v1"', last_modified="Mon, 17 Jun 2024", now=NOW)
    assert due == NOW + timedelta(minutes=15)
    [state] = [s for s in sources.due(now=NOW + timedelta(minutes=15)) if s.id == one]
    assert (state.etag, state.last_modified, state.consecutive_failures) == ('"v1"', "Mon, 17 Jun 2024", 0)
    # Failures back off exponentially and keep the validators; the third one warns.
    delays = []
    for i in range(3):
        at = NOW + timedelta(hours=i + 1)
        delays.append(sources.record_fetch(one, "error", error=f"HTTP 50{i}", now=at) - at)  # type: ignore[operator]
    assert delays == [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)]
    info = sources.show(one, now=NOW + timedelta(hours=4))
    assert info is not None and info["consecutive_failures"] == 3 and info["last_status"] == "error"
    assert info["etag"] == '"v1"' and any("last 3 fetches failed" in w for w in info["warnings"])
    assert [e["error"] for e in info["recent_errors"]] == ["HTTP 502", "HTTP 501", "HTTP 500"]
    assert [f["status"] for f in info["recent_fetches"]] == ["error", "error", "error", "ok"]
    # A success resets the streak; one that must not be cut short by a 304 keeps the old validators.
    sources.record_fetch(one, "ok", etag='"v2"', keep_validators=True, now=NOW + timedelta(hours=5))
    info = sources.get(one)
    assert info is not None and info["consecutive_failures"] == 0 and info["warnings"] == []
    assert info["etag"] == '"v1"'
    sources.record_fetch(one, "not_modified", etag='"v3"', now=NOW + timedelta(hours=6))
    assert sources.get(one)["etag"] == '"v3"'  # type: ignore[index]
    with pytest.raises(ValueError):
        sources.record_fetch(one, "fine")
    sources.remove(two)
    assert sources.record_fetch(two, "ok") is None  # removed while being polled: ignored
    assert sources.prune_log(keep_days=1, now=NOW + timedelta(days=3)) == 6


def test_articles_per_day_and_volume_drop(store: Store) -> None:
    sources = SourceDirectory(store)
    source = sources.add("https://news.example.org/feed", now=NOW)
    # 20 days of articles: 10 a day, then only one a day for the last three days.
    made = 0
    for day in range(20):
        for n in range(10 if day >= 3 else 1):
            article = Article(id=f"d{day}n{n}", text=f"Story {n} of day {day} about the river treaty.",
                              url=f"https://news.example.org/{day}/{n}", published=date(2024, 6, 1))
            store.save_analysis(Analysis(article=article), source=source["url"])
            with store.writing() as s:
                s.execute(update(ArticleRow).where(ArticleRow.id == article.id)
                          .values(ingested_at=NOW - timedelta(days=day, hours=1)))  # fmt: skip
            made += 1
    info = sources.show(source["id"], now=NOW)
    assert info is not None and info["articles"] == made
    assert info["articles_recent"] == 3 and info["articles_prior"] == 140
    assert [d["articles"] for d in info["per_day"]] == [10] * 11 + [1] * 3
    assert info["per_day"][-1]["day"] == "2024-06-20"
    assert any(w.startswith("volume drop") for w in info["warnings"])
    listed = sources.list_sources(now=NOW)[0]
    assert listed["warnings"] == info["warnings"]
    # Removing the source keeps its articles.
    sources.remove(source["id"])
    with store.session() as s:
        assert len(s.scalars(select(ArticleRow.id)).all()) == made


def test_migration_0002_keeps_existing_sources(database_url: str) -> None:
    migrate(database_url, revision="0001")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO sources (name, url, kind, created_at) "
                              "VALUES ('Old', 'https://old.example.org/', 'url', '2024-01-01 00:00:00')"))
    finally:
        engine.dispose()
    with Store(database_url) as store:  # migrates to head
        [old] = SourceDirectory(store).list_sources()
        assert (old["name"], old["consecutive_failures"], old["every_seconds"]) == ("Old", 0, None)
