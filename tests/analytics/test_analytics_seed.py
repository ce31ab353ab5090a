"""The founding example end to end: ingest, NLP pipeline, store, alignment.

The seed page is read from ``../shared`` at run time (never copied).  Its analysis: North Korea
moving toward BRICS and Russia while its relations with China are strained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.analytics import alignment, partners, relations
from blocwatch.store import Store

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"

pytestmark = pytest.mark.shared


def test_seed_alignment(backend_url: str) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    with Store(backend_url) as store:
        store.save_analysis(get_pipeline().analyze(article))
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
