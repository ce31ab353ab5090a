"""Fixtures for the analytics tests: a store holding the founding example, analysed for real.

The seed page is read from ``../shared`` at run time (never copied); tests that take
``seed_store`` skip with the reason when it is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from blocwatch.records import Article
from blocwatch.store import Store

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"


@pytest.fixture
def seed_store(backend_url: str) -> Iterator[tuple[Store, Article]]:
    """A store on this run's back end with the seed ingested through the real pipeline."""
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    with Store(backend_url) as store:
        store.save_analysis(get_pipeline().analyze(article))
        yield store, article
