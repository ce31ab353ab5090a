"""Tone scores of our own sentences: sign, negation, intensifiers, the scale, articles, and the
pipeline step that puts tone on events and on the analysis."""

from __future__ import annotations

import pytest

from blocwatch.nlp.tone import TONE_SCALE, article_tone, sentence_tone, sentences_tone
from blocwatch.records import Article


def test_clear_positive_negative_and_neutral() -> None:
    assert sentence_tone("The two ministers praised a warm and friendly partnership.") > 3.0
    assert sentence_tone("The army killed dozens and the attack was condemned as a massacre.") < -3.0
    assert abs(sentence_tone("The delegation travelled to Ulaanbaatar on Tuesday.")) < 0.5


def test_negation_flips_and_intensifier_strengthens() -> None:
    plain = sentence_tone("The talks were good.")
    assert plain > 0
    assert sentence_tone("The talks were not good.") < 0
    assert sentence_tone("The talks were very good.") > plain


def test_scale_is_minus_ten_to_ten() -> None:
    assert TONE_SCALE == 10.0
    furious = "Terrible, horrible, disgusting, evil, murderous war crimes and atrocities!!!"
    assert -10.0 <= sentence_tone(furious) < -8.0
    assert sentence_tone("") == 0.0 and sentence_tone("   ") == 0.0


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="sentence_tone: expected a str, got int"):
        sentence_tone(3)  # type: ignore[arg-type]


def test_article_tone_is_mean_of_sentences() -> None:
    text = "Leaders hailed the great agreement. Rebels attacked and killed soldiers."
    first, second = text.split(". ")
    spans = [(0, len(first) + 1), (len(first) + 2, len(text))]
    expected = round((sentence_tone(text[slice(*spans[0])]) + sentence_tone(text[slice(*spans[1])])) / 2, 3)
    assert article_tone(text, spans) == expected
    assert article_tone(text) == sentences_tone([first, second])
    assert article_tone("   ") is None and sentences_tone([]) is None


@pytest.mark.slow
def test_pipeline_sets_event_and_article_tone() -> None:
    from blocwatch.nlp.pipeline import get_pipeline

    text = (
        "Mongolia and Japan signed a friendly cooperation agreement on Monday. "
        "China condemned Mongolia and threatened it with sanctions."
    )
    analysis = get_pipeline().analyze(Article(id="tone-1", text=text))
    assert analysis.events, "the sample should code events"
    for event in analysis.events:
        assert event.tone == sentence_tone(event.evidence.sentence)
        assert event.contract()["tone"] == event.tone
    tones = {e.evidence.sentence.split()[0]: e.tone for e in analysis.events}
    assert tones.get("China", 0.0) < 0
    assert analysis.tone is not None and analysis.contract()["tone"] == analysis.tone
    assert analysis.tone == article_tone(text, analysis.sentences)
