"""Fixtures shared by the pipeline-level tests of tests/nlp."""

from __future__ import annotations

import pytest

from blocwatch.nlp.pipeline import Pipeline, get_pipeline


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The default pipeline, loaded once (``get_pipeline`` caches it per process)."""
    return get_pipeline()
