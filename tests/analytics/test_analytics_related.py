"""Related articles: the ranking functions, and the cached vectors on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from blocwatch.analytics import related as rel
from blocwatch.records import Actor, Analysis, Article, Mention
from blocwatch.store import Store
from blocwatch.store.models import ArticleVectorRow

NOR = Actor("NOR", "Norway", "state", country="NOR", cameo="NOR")
CHL = Actor("CHL", "Chile", "state", country="CHL", cameo="CHL")
PER = Actor("PER", "Peru", "state", country="PER", cameo="PER")

# Invented articles: two on a salmon fisheries accord, two on a copper tariff dispute, one on
# a volcanic eruption.
TEXTS = {
    "fish-1": ("Norway and Chile sign salmon accord",
               "Norway and Chile signed an accord on salmon farming, fjord pollution and fishing quotas. "
               "The fisheries ministers said salmon farms would share data on sea lice."),
    "fish-2": ("Salmon farmers welcome fisheries deal",
               "Salmon farmers in Chile welcomed the fisheries deal with Norway, saying quotas and "
               "data on sea lice in the fjords would help salmon farming."),
    "copper-1": ("Peru threatens copper tariffs",
                 "Peru threatened tariffs on copper exports as the mining dispute with Chile deepened. "
                 "Copper smelters warned of losses."),
    "copper-2": ("Copper dispute escalates",
                 "The copper dispute escalated when Chile answered Peru's tariff threat with mining "
                 "levies; copper prices rose."),
    "volcano": ("Volcano erupts near village",
                "A volcano erupted overnight, covering a mountain village in ash; seismologists "
                "recorded tremors for hours."),
}
ACTORS = {"fish-1": [NOR, CHL], "fish-2": [NOR, CHL], "copper-1": [PER, CHL], "copper-2": [PER, CHL],
          "volcano": []}


def analysis(article_id: str, text: str | None = None) -> Analysis:
    title, body = TEXTS[article_id]
    body = text or body
    mentions = [Mention(a.name, body.index(a.name), body.index(a.name) + len(a.name), "GPE", a.id)
                for a in ACTORS[article_id] if a.name in body]
    article = Article(id=article_id, text=body, title=title, published=date(2025, 3, 1), language="en",
                      url=f"https://news.example.org/{article_id}")
    return Analysis(article, mentions, list(ACTORS[article_id]))


def fill(store: Store) -> None:
    for article_id in TEXTS:
        store.save_analysis(analysis(article_id))


def vector_rows(store: Store, method_key: str) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(ArticleVectorRow)
                            .where(ArticleVectorRow.method == method_key)) or 0)


def test_term_counts_and_tfidf_cosine() -> None:
    counts = rel.term_counts("Salmon talks", "The salmon and the SALMON quotas.")
    assert sorted(counts.values()) == [1.0, 1.0, 3.0]  # salmon ×3, talks, quotas; stop words out
    index = rel.TfidfIndex([rel.term_counts("", t) for t in
                            ("salmon quotas fjord", "salmon fjord farms", "copper tariffs mining")])
    scores = index.scores(0)
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert scores[1] > 0.2 and scores[2] == 0.0
    assert rel.cosine_top(scores, exclude=0, limit=5) == [(1, pytest.approx(scores[1])), (2, 0.0)]
    assert rel.cosine_top(np.array([0.5], dtype=np.float32), exclude=0, limit=3) == []


def test_jaccard_and_embedding_input() -> None:
    assert list(rel.jaccard_row({"NOR", "CHL"}, [{"NOR", "CHL"}, {"CHL", "PER"}, set()])) == \
        pytest.approx([1.0, 1 / 3, 0.0])
    text = "word " * 500
    made = rel.embedding_input("A title", text)
    assert made.startswith("A title. word") and len(made) <= rel.LEAD_CHARS + 10
    assert rel.embedding_input("", "Just a lead.") == "Just a lead."


@pytest.mark.parametrize("method", ["tfidf", "tfidf-actors"])
def test_related_ranks_the_same_story_first_and_caches_vectors(store: Store, method: str) -> None:
    fill(store)
    with store.session() as s:
        ranked = rel.related_articles(s, "fish-1", limit=3, method=method)
    assert [i for i, _ in ranked][:1] == ["fish-2"]
    assert "fish-1" not in [i for i, _ in ranked]
    assert ranked[0][1] > ranked[1][1] and len(ranked) == 3
    with store.session() as s:
        assert [i for i, _ in rel.related_articles(s, "copper-2", limit=1, method=method)] == ["copper-1"]
        assert rel.related_articles(s, "no-such-article", method=method) == []
    # One vector per article, computed once: a second call adds none.
    assert vector_rows(store, rel.METHOD_KEYS["tfidf"]) == len(TEXTS)


def test_vectors_follow_content_changes_and_deletions(store: Store) -> None:
    fill(store)
    key = rel.METHOD_KEYS["tfidf"]
    with store.session() as s:
        assert rel.related_articles(s, "volcano", limit=1)[0][1] == 0.0
    # The volcano article is rewritten about salmon: its cached vector is stale and recomputed.
    store.save_analysis(analysis("volcano", "Salmon farming and sea lice in the fjords: fisheries quotas."))
    with store.session() as s:
        best, score = rel.related_articles(s, "volcano", limit=1)[0]
    assert best in {"fish-1", "fish-2"} and score > 0.2
    with store.session() as s:
        stored = s.scalars(select(ArticleVectorRow).where(ArticleVectorRow.article_id == "volcano")).one()
        assert stored.method == key
    with store.writing() as s:
        from blocwatch.store.models import ArticleRow

        s.delete(s.get(ArticleRow, "fish-2"))
    assert vector_rows(store, key) == len(TEXTS) - 1  # the vector went with its article
    with store.session() as s:
        assert "fish-2" not in [i for i, _ in rel.related_articles(s, "fish-1", limit=5)]


def test_summaries_carry_similarity_and_shared_actors(store: Store) -> None:
    fill(store)
    with store.session() as s:
        items = rel.related_summaries(s, "fish-1", limit=2)
    assert items[0]["id"] == "fish-2" and items[0]["shared"] == 2
    assert 0 < items[0]["similarity"] <= 1 and items[0]["title"] == TEXTS["fish-2"][0]
    assert items[0]["similarity"] >= items[1]["similarity"]


def test_unknown_method_is_refused(store: Store) -> None:
    with store.session() as s, pytest.raises(ValueError, match="unknown related-articles method 'bm25'"):
        rel.related_articles(s, "fish-1", method="bm25")


def test_embedding_method_on_the_store(store: Store) -> None:
    from blocwatch.analytics.embeddings import ModelMissingError

    fill(store)
    try:
        with store.session() as s:
            ranked = rel.related_articles(s, "copper-1", limit=2, method="embedding")
    except ModelMissingError as exc:
        pytest.skip(str(exc))
    assert ranked[0][0] == "copper-2"
    assert vector_rows(store, rel.METHOD_KEYS["embedding"]) == len(TEXTS)
    with store.session() as s:  # served from the cache the second time, same answer
        assert rel.related_articles(s, "copper-1", limit=2, method="embedding") == ranked


def test_article_page_and_json_twin_show_related_with_similarity(store: Store, database_url: str) -> None:
    import re

    from fastapi.testclient import TestClient

    from blocwatch.settings import load_settings
    from blocwatch.web import create_app

    fill(store)
    with TestClient(create_app(load_settings(database_url=database_url), store)) as client:
        data = client.get("/articles/fish-1.json").json()
        html = client.get("/articles/fish-1").text
    related = data["related"]
    assert [r["id"] for r in related][:1] == ["fish-2"] and len(related) == 4  # every other article
    assert related[0]["similarity"] > related[-1]["similarity"] and related[0]["shared"] == 2
    section = html[html.index("You may also like"):]
    assert section.index('href="/articles/fish-2"') < section.index('href="/articles/volcano"')
    shown = re.findall(r'<span class="similarity"[^>]*>similarity (\d\.\d\d)</span>', section)
    assert shown[0] == f"{related[0]['similarity']:.2f}" and len(shown) == 4
    assert "2 actors in common" in section


def test_vectors_can_be_computed_ahead_of_the_first_page_view(store: Store) -> None:
    fill(store)
    with store.session() as s:
        assert rel.compute_missing_vectors(s) == len(TEXTS)
    with store.session() as s:
        assert rel.compute_missing_vectors(s, "tfidf-actors") == 0  # the TF-IDF methods share vectors
    assert vector_rows(store, rel.METHOD_KEYS["tfidf"]) == len(TEXTS)
