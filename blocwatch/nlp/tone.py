"""Tone of a sentence and of an article, on GDELT's scale: a float in [-10, 10].

Design
------
The score comes from VADER (``vaderSentiment`` on PyPI, MIT licence, lexicon shipped inside the
package, nothing fetched at run time): a rule-based lexicon of ~7,500 scored words with its own
handling of negation ("not good" flips and damps the valence), intensifiers ("very", "barely"),
"but" clauses, capitals and punctuation emphasis.  VADER's ``compound`` score is in [-1, 1]; we
multiply it by 10 so blocwatch's tone sits on the same scale as GDELT's AvgTone and the Goldstein
intensity, which makes the numbers comparable side by side in exports and on the pair page.

* :func:`sentence_tone` scores one sentence (an event's evidence sentence).
* :func:`article_tone` is the mean of the sentence scores of an article (sentences with no scored
  word count as 0, as GDELT's tone averages over the whole document) — the mean of compound
  scores, not VADER on the whole text, because ``compound`` saturates towards ±1 on long texts.

The analyser is built once per process (loading the lexicon costs ~20 ms) and is thread-safe for
reading.  Cost is a small fraction of spaCy's tokenizer alone; ``bench/bench_tone.py`` measures it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = ["TONE_SCALE", "article_tone", "sentence_tone", "sentences_tone"]

TONE_SCALE = 10.0  # VADER compound in [-1, 1] times this = tone in [-10, 10]


@lru_cache(maxsize=1)
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentence_tone(sentence: str) -> float:
    """The tone of one sentence in [-10, 10] (0.0 for empty or unscored text), 3 decimals."""
    if not isinstance(sentence, str):
        raise TypeError(f"sentence_tone: expected a str, got {type(sentence).__name__}")
    if not sentence.strip():
        return 0.0
    compound = float(_analyser().polarity_scores(sentence)["compound"])
    return round(compound * TONE_SCALE, 3)


def sentences_tone(sentences: Iterable[str]) -> float | None:
    """The mean tone of some sentences, or ``None`` when there are none with any text."""
    scores = [sentence_tone(s) for s in sentences if s.strip()]
    if not scores:
        return None
    return round(sum(scores) / len(scores), 3)


def article_tone(text: str, sentences: Iterable[tuple[int, int]] | None = None) -> float | None:
    """The tone of an article: mean tone of its sentences (``sentences`` are (start, end) spans of
    ``text``; without them the text is split on line breaks and full stops), ``None`` if empty."""
    if sentences is not None:
        parts = [text[start:end] for start, end in sentences]
    else:
        parts = [p for line in text.splitlines() for p in line.split(". ")]
    return sentences_tone(parts)
