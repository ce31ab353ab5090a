"""Full-text search on SQLite (FTS5) and PostgreSQL: matching, filters, paging, hostile input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, event, text, update
from store_samples import brief_note, river_talks

from blocwatch.store import Store, migrate
from blocwatch.store.engine import make_engine
from blocwatch.store.models import ArticleRow
from blocwatch.store.search import Term, fts5_query, parse_query, search_articles


def _ids(result: dict[str, object]) -> list[str]:
    return [r["id"] for r in result["results"]]  # type: ignore[index, attr-defined]


def _filled(store: Store) -> Store:
    store.save_analysis(river_talks())  # RUR -> FRE CONSULT, SYL -> FRE ACCUSE; 2024-05-06
    store.save_analysis(brief_note("n-1", ["RUR"], published=date(2024, 1, 10), number=1))
    store.save_analysis(brief_note("n-2", ["SYL", "FRE"], published=date(2024, 7, 1), number=2))
    store.save_analysis(brief_note("n-3", ["FRE"], published=date(2024, 9, 9), number=3))
    return store


def test_parse_query_reads_words_phrases_and_prefixes() -> None:
    assert parse_query('River "grain  tariffs" trad* -x (y)') == [
        Term(("river",)),
        Term(("grain", "tariffs")),
        Term(("trad",), prefix=True),
        Term(("x",)),
        Term(("y",)),
    ]
    assert parse_query('"unclosed phrase') == [Term(("unclosed", "phrase"))]
    assert parse_query('*** "" ^:-') == []
    # Operators are words, and the FTS5 expression quotes every term.
    assert fts5_query(parse_query("NEAR AND col:x*")) == '"near" "and" "col" "x" *'


def test_search_finds_by_title_and_text_with_stemming(store: Store) -> None:
    _filled(store)
    with store.session() as session:
        river = search_articles(session, "river")
        assert _ids(river) == ["a-river"] and river["total"] == 1
        hit = river["results"][0]
        assert hit["title"] == "Ruritania and Freedonia Open River Talks"
        assert hit["published"] == "2024-05-06"
        assert {a["id"] for a in hit["actors"]} >= {"RUR", "FRE"}
        assert any(p["mark"] and p["text"].lower() == "river" for p in hit["snippet_parts"])
        assert "\x02" not in hit["snippet"] and "river" in hit["snippet"].lower()
        assert hit["snippet"] == "".join(p["text"] for p in hit["snippet_parts"])
        # English stemming on both back ends: "criticises" finds "criticised".
        assert _ids(search_articles(session, "criticises")) == ["a-river"]
        # Every word must occur.
        assert _ids(search_articles(session, "river grain")) == ["a-river"]
        assert search_articles(session, "river zanzibar")["total"] == 0


def test_phrases_and_prefixes(store: Store) -> None:
    _filled(store)
    with store.session() as session:
        assert _ids(search_articles(session, '"grain tariffs"')) == ["a-river"]
        assert search_articles(session, '"tariffs grain"')["total"] == 0
        # "Syldavia" and "Syldavian": the river article ranks first by term frequency.
        assert set(_ids(search_articles(session, "Sylda*"))) == {"a-river", "n-2"}
        assert search_articles(session, "Syldaz*")["total"] == 0


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', "'", "*", "a*b*", "NOT", "OR AND", "(", ")", "col:term", "NEAR(a b)", "^x", "-",
     "x & y | !z", "<script>", "\\", "%", "_", "'; DROP TABLE articles; --", "\x00", "ß" * 300],
)
def test_hostile_query_syntax_never_raises(store: Store, hostile: str) -> None:
    _filled(store)
    with store.session() as session:
        result = search_articles(session, hostile)
        assert result["total"] == len(result["results"])
    with store.session() as session:  # the table is still there
        assert search_articles(session, "river")["total"] == 1


def test_filters_by_actor_event_type_and_dates(store: Store) -> None:
    _filled(store)
    with store.session() as session:
        assert set(_ids(search_articles(session, "met"))) == {"n-1", "n-2", "n-3"}
        assert set(_ids(search_articles(session, "met", actor="FRE"))) == {"n-2", "n-3"}
        assert _ids(search_articles(session, "", actor="RUR")) == ["a-river", "n-1"]  # newest first
        assert _ids(search_articles(session, None, event_type="accuse")) == ["a-river"]
        assert _ids(search_articles(session, "", event_type="04")) == ["a-river"]  # CAMEO prefix
        assert search_articles(session, "met", event_type="ACCUSE")["total"] == 0
        window = search_articles(session, "", actor="FRE", since=date(2024, 5, 6), until=date(2024, 7, 1))
        assert _ids(window) == ["n-2", "a-river"]
        assert _ids(search_articles(session, "note", since=date(2024, 8, 1))) == ["n-3"]
        # Nothing to search for and nothing to filter by finds nothing.
        assert search_articles(session, "  ") == {"total": 0, "results": []}


def test_paging_counts_all_matches(store: Store) -> None:
    for n in range(7):
        store.save_analysis(brief_note(f"p-{n}", ["RUR"], published=date(2024, 3, 1 + n), number=n))
    with store.session() as session:
        first = search_articles(session, "note", limit=3)
        second = search_articles(session, "note", limit=3, offset=3)
        last = search_articles(session, "note", limit=3, offset=6)
    assert first["total"] == second["total"] == last["total"] == 7
    pages = _ids(first) + _ids(second) + _ids(last)
    assert sorted(pages) == [f"p-{n}" for n in range(7)]  # each once, none lost between pages


def test_index_follows_updates_and_deletes(store: Store) -> None:
    _filled(store)
    with store.writing() as session:
        session.execute(update(ArticleRow).where(ArticleRow.id == "n-3").values(title="Harbour dredging"))
    with store.session() as session:
        assert _ids(search_articles(session, "dredging")) == ["n-3"]
    with store.writing() as session:
        session.execute(delete(ArticleRow).where(ArticleRow.id == "a-river"))
    with store.session() as session:
        assert search_articles(session, "river")["total"] == 0
        assert search_articles(session, "dredging")["total"] == 1
    # Re-analysing an article (the writer's upsert path) keeps exactly one indexed copy.
    store.save_analysis(river_talks(extra=" Lighthouses were discussed."))
    store.save_analysis(river_talks(extra=" Lighthouses were discussed."))
    with store.session() as session:
        assert _ids(search_articles(session, "lighthouses")) == ["a-river"]


def test_migration_builds_the_native_index(database_url: str, store: Store) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
                assert {"articles_fts", "articles_fts_ai", "articles_fts_ad", "articles_fts_au"} <= names
            else:
                indexes = conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes"
                        " WHERE indexname = 'ix_articles_fts' AND schemaname = current_schema()"
                    )
                ).scalar_one()
                assert "gin" in indexes and "to_tsvector" in indexes
    finally:
        engine.dispose()


def test_articles_stored_before_the_migration_are_indexed(database_url: str) -> None:
    migrate(database_url, revision="0002")
    # Written with the 0002 schema's own columns: today's ORM knows columns added after 0003.
    article = river_talks().article
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO articles (id, title, text, content_hash, authors, ingested_at) "
                     "VALUES (:id, :title, :text, :hash, '[]', CURRENT_TIMESTAMP)"),
                {"id": article.id, "title": article.title, "text": article.text,
                 "hash": article.content_hash},
            )
    finally:
        engine.dispose()
    migrate(database_url)
    with Store(database_url) as store, store.session() as session:
        assert _ids(search_articles(session, "treaty")) == ["a-river"]


def test_filter_values_are_data_not_sql(store: Store) -> None:
    _filled(store)
    with store.session() as session:
        assert search_articles(session, "river", actor="RUR' OR '1'='1")["total"] == 0
        assert search_articles(session, "river", actor="RUR\x00")["total"] == 1
        assert search_articles(session, "", event_type="%")["total"] == 0


@pytest.mark.postgres
def test_postgresql_search_uses_the_gin_index(postgres_url: str) -> None:
    with Store(postgres_url) as store:
        _filled(store)
        seen: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "@@" in statement and "LIMIT" in statement:
                seen.append((statement, params))

        # Explain the very statement search_articles sends: it must repeat the indexed
        # expression exactly, or PostgreSQL never uses the index.
        event.listen(store.engine, "before_cursor_execute", capture)
        with store.session() as session:
            assert _ids(search_articles(session, "river")) == ["a-river"]
        event.remove(store.engine, "before_cursor_execute", capture)
        assert seen
        statement, params = seen[0]
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, params)]
    assert any("ix_articles_fts" in line for line in plan), plan


def test_stored_control_characters_do_not_confuse_the_highlights(store: Store) -> None:
    store.save_analysis(river_talks(extra=" Stray \x02 and \x03 bytes near the river."))
    with store.session() as session:
        parts = search_articles(session, "river")["results"][0]["snippet_parts"]
    assert all(p["text"].lower() == "river" for p in parts if p["mark"])
    assert any(p["mark"] for p in parts)
