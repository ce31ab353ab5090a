"""An article's modification date is stored and read back, and a re-save updates it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from store_samples import brief_note

from blocwatch.store import Store, queries


def test_modified_round_trip_and_update(store: Store) -> None:
    analysis = brief_note("mod-1", ["RUR"], published=date(2025, 3, 1))
    analysis.article.modified = date(2025, 3, 3)
    saved = store.save_analysis(analysis)
    with store.session() as session:
        article = queries.get_article(session, saved.article_id)
    assert article is not None and article["modified"] == "2025-03-03"
    analysis.article = replace(analysis.article, modified=date(2025, 3, 9))
    assert store.save_analysis(analysis).created is False
    with store.session() as session:
        article = queries.get_article(session, saved.article_id)
    assert article is not None and article["modified"] == "2025-03-09"
