"""CI gates: accuracy on the gold data in ../shared/eval may not silently regress.

Floors sit a little under the figures measured when they were set (see the closing notes); a
change that lowers one must say why.  Each gate skips with a reason when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.nlp.pipeline import get_pipeline

EVAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval"

pytestmark = pytest.mark.shared


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"gold data not found at {path}")
    return path


def test_quotes_gate() -> None:
    from blocwatch.evaluation import quotes

    report = quotes.evaluate(_need(EVAL / "quotes" / "polnear" / "data" / "dev"), get_pipeline())
    assert report.categories["direct+speaker"].f1 >= 0.85  # issue #5's goal (0.867 measured)
    assert report.overall.f1 >= 0.65


def test_ner_gate() -> None:
    from blocwatch.evaluation import ner

    report = ner.evaluate(_need(EVAL / "ner" / "conll2003" / "dev.txt"), get_pipeline())
    assert report.overall.f1 >= 0.63
    assert report.categories["LOC"].f1 >= 0.76


def test_ner_gate_with_a_trained_names_model(tmp_path: Path) -> None:
    """CoNLL-2003: one epoch of `blocwatch train ner` on train lifts PER/ORG/LOC F1 on dev past 0.85
    (three epochs, as in the README, give 0.90; one keeps CI under two minutes here)."""
    from blocwatch.evaluation import ner
    from blocwatch.nlp.names_training import train_names
    from blocwatch.nlp.pipeline import Pipeline

    train = _need(EVAL / "ner" / "conll2003" / "train.txt")
    dev = _need(EVAL / "ner" / "conll2003" / "dev.txt")
    train_names(train, tmp_path / "conll", epochs=1)
    report = ner.evaluate(dev, Pipeline(ner_model=str(tmp_path / "conll")))
    assert report.overall.f1 >= 0.85
    assert min(report.categories[k].f1 for k in ("PER", "ORG", "LOC")) >= 0.78
