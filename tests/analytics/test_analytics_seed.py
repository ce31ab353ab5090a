"""The founding example end to end: ingest, NLP pipeline, store, alignment.

The seed page is read from ``../shared`` at run time (never copied).  Its analysis: North Korea
moving toward BRICS and Russia while its relations with China are strained.
"""

from __future__ import annotations

import pytest

from blocwatch.analytics import alignment, partners, relations
from blocwatch.records import Article
from blocwatch.store import Store

pytestmark = pytest.mark.shared


def test_seed_alignment(seed_store: tuple[Store, Article]) -> None:
    store, article = seed_store
    with store.session() as session:
        brics = alignment(session, "PRK", "BRICS")
        russia = alignment(session, "PRK", "RUS")
        china = alignment(session, "PRK", "CHN")
        ranked = partners(session, "PRK")
        series = relations(session, "PRK", "BRICS", rollup=True)
    assert brics.score is not None and brics.score > 0.3, brics.to_json()
    assert russia.score is not None and russia.score > 0.3, russia.to_json()
    assert china.score is not None and china.score < 0, china.to_json()
    assert brics.label == russia.label == "cooperative"
    assert china.label in ("strained", "hostile")
    # Every figure comes with its sentences from the article.
    for result in (brics, russia, china):
        assert result.evidence
        assert all(e["article_id"] == article.id and e["sentence"] for e in result.evidence)
    assert any("China" in e["sentence"] or "Beijing" in e["sentence"] for e in china.evidence)
    assert {p["id"] for p in ranked["partners"]} >= {"BRICS", "RUS"}
    assert "CHN" in {r["id"] for r in ranked["rivals"]}
    # The foreign minister's 2023 trip counts for North Korea in the relations series.
    assert series.totals["events"] >= 1 and series.points[0].period.startswith("2023-09")
