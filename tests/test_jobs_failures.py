"""One article the pipeline breaks on must not end an ingest or a reprocess run.

The pipeline is the real one, with one extra spaCy component that raises on a marker word, as a
bug in any component would; everything else (the reading, the store, the other articles) is real.
The failing article is reported by name, its raw input kept for re-processing, the rest stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from blocwatch.jobs import ingest
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.settings import load_settings
from blocwatch.store import Store

MARKER = "Xyzzyquux"


@Language.component("blocwatch_test_breaks_on_marker")
def _breaks_on_marker(doc: Doc) -> Doc:
    if MARKER in doc.text:
        raise RuntimeError(f"component bug triggered by {MARKER}")
    return doc


@pytest.fixture(scope="module")
def breaking_pipeline() -> Pipeline:
    pipeline = Pipeline()  # a fresh one: the shared cached pipeline stays untouched
    pipeline.nlp.add_pipe("blocwatch_test_breaks_on_marker", first=True)
    return pipeline


@pytest.fixture
def store(backend_url: str) -> Iterator[Store]:
    opened = Store(backend_url)
    yield opened
    opened.close()


def _lines(path: Path, texts: list[str]) -> str:
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    return str(path)


TEXTS = [
    "Norway and Chile signed a fisheries accord in Oslo on Monday after two days of talks.",
    f"The {MARKER} delegation arrived in Lima to discuss a trade agreement with Peru.",
    "Brazil condemned the attack on a United Nations convoy near the border with Venezuela.",
]


def test_ingest_goes_on_past_an_article_the_pipeline_breaks_on(
    tmp_path: Path, store: Store, backend_url: str, breaking_pipeline: Pipeline
) -> None:
    settings = load_settings(database_url=backend_url, workers=1, batch_size=8)
    summary = ingest([_lines(tmp_path / "in.jsonl", TEXTS)], settings, store, breaking_pipeline)
    assert (summary.created, summary.failed) == (2, 1)
    [error] = summary.errors
    assert "n1" in error or "in.jsonl" in error
    assert "not analysed: RuntimeError: component bug" in error
    [kept] = store.list_bad_inputs()
    assert "not analysed" in kept["problem"]
