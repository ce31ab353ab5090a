"""Quote attribution details measured on PolNeAR train: which verb attributes a quotation, who
the speaker is around descriptions and listeners, when reported words count as direct, and how
a split statement is scored — on sentences we wrote."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from blocwatch.evaluation.quotes import GoldAttribution, _content_match
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.nlp.quotes import _nearest_cue
from blocwatch.nlp.quotes_context import opens_quotation, subject_span
from blocwatch.nlp.quotes_marks import continued
from blocwatch.nlp.quotes_speakers import speaker_outside_quotes
from blocwatch.records import Article, Quote


def quotes_of(pipeline: Pipeline, text: str) -> list[Quote]:
    return pipeline.analyze(Article(id="t", text=text)).quotes


def quote_with(quotes: list[Quote], words: str) -> Quote:
    return next(q for q in quotes if words in q.content)


def speaker_text(text: str, quote: Quote) -> str | None:
    return text[quote.speaker_span[0] : quote.speaker_span[1]] if quote.speaker_span else None


# --- a statement split by its attribution ---------------------------------------------------


def test_split_statement_keeps_its_quoted_parts(pipeline: Pipeline) -> None:
    text = ('“The tunnel will open on time,” said Wendell Price, the engineer who has run the '
            'harbour works for the port authority since the floods. “Nobody here doubts it.”')
    quote = quote_with(quotes_of(pipeline, text), "tunnel")
    assert [text[s:e] for s, e in quote.parts] == ["The tunnel will open on time", "Nobody here doubts it."]
    assert "Wendell" not in " ".join(text[s:e] for s, e in quote.parts)


def test_scorer_matches_a_split_statement_by_its_parts_not_the_attribution() -> None:
    text = ('“The tunnel will open on time,” said Wendell Price, the engineer who has run the '
            'harbour works for the port authority since the floods. “Nobody here doubts it.”')
    first = (1, text.index(",”"))
    second = (text.index("Nobody"), text.rindex("”"))
    gold = GoldAttribution([first, second], [], True)
    joined = Quote("Wendell Price", "", first[0], second[1], True, "said", parts=(first, second))
    assert _content_match(gold, joined) > 0.9
    # The same span without its parts holds the long attribution and falls under half.
    assert _content_match(gold, Quote("Wendell Price", "", first[0], second[1], True, "said")) < 0.5


def test_finished_part_is_not_attributed_by_the_next_sentence(pipeline: Pipeline) -> None:
    text = ('“I have no plans to run for governor,” Ms. Ortiz said in a radio interview. '
            '“I want to finish the work I started in the Senate and nothing else.”\n'
            'She said she would back whoever wins the primary.')
    quote = quote_with(quotes_of(pipeline, text), "governor")
    assert "finish the work" in quote.content  # one statement, both parts
    assert speaker_text(text, quote) == "Ms. Ortiz"


def test_show_title_between_the_parts_does_not_split_the_statement(pipeline: Pipeline) -> None:
    text = ('“We are going to publish our tax returns,” Ms. Ortiz said on the program '
            '“Sunday Morning Talk” this week. “There is nothing to hide in them at all.”')
    quote = quote_with(quotes_of(pipeline, text), "tax returns")
    assert "nothing to hide" in quote.content
    assert "Sunday Morning" not in quote.content


def test_statement_goes_on_in_a_paragraph_after_a_long_attribution(pipeline: Pipeline) -> None:
    text = ('“We will rebuild the pier before the summer season,” Ms. Ortiz said on Tuesday at a crowded '
            'meeting of the harbour board in the old customs house near the ferry terminal.\n\n'
            '“The money is already set aside and the contractors are ready to start.”')
    quote = quote_with(quotes_of(pipeline, text), "rebuild the pier")
    assert "contractors are ready" in quote.content
    assert len(quote.parts) == 2


# --- the cue and the speaker ----------------------------------------------------------------


def test_verb_before_the_opening_mark_introduces_the_quotation(pipeline: Pipeline) -> None:
    text = ('On the morning show on Monday, she said, “I never promised to pay anyone’s fines.” '
            'Asked whether that was a reversal of her position, Ms. Ortiz replied, “Not at all.”')
    quote = quote_with(quotes_of(pipeline, text), "fines")
    assert quote.cue == "said"
    assert speaker_text(text, quote) == "she"


_ENGLISH = spacy.blank("en")  # English syntax iterators (noun chunks), no model


def parsed(rows: str) -> Doc:
    """A Doc with the parse given ("word head dep POS lemma | ..."): parses the model produces on
    some news sentences, fixed so that the fallbacks they reach are tested every time."""
    fields = [row.split() for row in rows.split(" | ")]
    words = [f[0] for f in fields]
    spaces = [i + 1 < len(words) and words[i + 1] not in {",", ".", "”"} and w != "“"
              for i, w in enumerate(words)]
    return Doc(_ENGLISH.vocab, words=words, spaces=spaces, heads=[int(f[1]) for f in fields],
               deps=[f[2] for f in fields], pos=[f[3] for f in fields], lemmas=[f[4] for f in fields])


def test_verb_handing_over_at_a_comma_beats_a_verb_the_parse_ties_the_quote_to() -> None:
    # 'he said, “I never said I would pay.” Asked if it helped, Trump replied.': the parse hangs
    # the quotation on "Asked"; "said," right before the opening mark introduces it.
    doc = parsed(
        "he 1 nsubj PRON he | said 6 parataxis VERB say | , 6 punct PUNCT , | “ 6 punct PUNCT “ | "
        "I 6 nsubj PRON I | never 6 neg ADV never | said 11 ccomp VERB say | I 8 nsubj PRON I | "
        "pay 6 ccomp VERB pay | . 6 punct PUNCT . | ” 6 punct PUNCT ” | Asked 16 advcl VERB ask | "
        "if 14 mark SCONJ if | it 14 nsubj PRON it | helped 11 ccomp VERB help | "
        "Trump 16 nsubj PROPN Trump | replied 16 ROOT VERB reply | . 16 punct PUNCT ."
    )
    cue, speaker = _nearest_cue(doc[:], doc[3].idx, doc[10].idx + 1)
    assert cue == "said"
    assert speaker is not None and doc.text[speaker[0] : speaker[1]] == "he"


def test_speaker_of_tells_is_not_the_one_told() -> None:
    # The parse hangs the speaker on the quoted words (an apposition of "Lopez") and gives
    # "tells" only its listener: the speaker is the name after the quotation.
    doc = parsed(
        "“ 4 punct PUNCT “ | Yes 4 intj INTJ yes | , 4 punct PUNCT , | I 4 nsubj PRON I | "
        "back 16 ccomp VERB back | Lopez 4 dobj PROPN Lopez | , 5 punct PUNCT , | "
        "” 5 punct PUNCT ” | Dan 9 compound PROPN Dan | Okafor 5 appos PROPN Okafor | "
        ", 9 punct PUNCT , | founder 9 appos NOUN founder | of 11 prep ADP of | "
        "the 14 det DET the | League 12 pobj PROPN League | , 9 punct PUNCT , | "
        "tells 16 ROOT VERB tell | Harbor 18 compound PROPN Harbor | Radio 16 dobj PROPN Radio | "
        ". 16 punct PUNCT ."
    )
    quoted = [(doc[1].idx, doc[7].idx)]
    span = speaker_outside_quotes(doc[:], doc[16], quoted)
    assert span is not None and doc.text[span[0] : span[1]] == "Dan Okafor"


def test_description_before_the_verb_stands_for_the_name_it_describes() -> None:
    # '“...,” Dan Okafor, founder of the League, said': the noun next to the verb is the
    # League; the speaker is the one the description is about.
    doc = parsed(
        "“ 2 punct PUNCT “ | We 2 nsubj PRON we | won 15 ccomp VERB win | it 2 dobj PRON it | "
        ", 2 punct PUNCT , | ” 2 punct PUNCT ” | Dan 7 compound PROPN Dan | "
        "Okafor 3 appos PROPN Okafor | , 7 punct PUNCT , | founder 7 appos NOUN founder | "
        "of 9 prep ADP of | the 13 det DET the | Civic 13 compound PROPN Civic | "
        "League 10 pobj PROPN League | , 7 punct PUNCT , | said 15 ROOT VERB say | "
        ". 15 punct PUNCT ."
    )
    quoted = [(doc[1].idx, doc[5].idx)]
    span = speaker_outside_quotes(doc[:], doc[15], quoted)
    assert span is not None and doc.text[span[0] : span[1]] == "Dan Okafor"


def test_subject_nearest_the_verb_speaks() -> None:
    # The parse takes the state in "Berea, OH" for a second subject of "said".
    doc = parsed(
        "In 8 prep ADP in | Berea 0 pobj PROPN Berea | , 8 punct PUNCT , | OH 8 nsubj PROPN OH | "
        ", 8 punct PUNCT , | Gov. 7 compound PROPN Gov. | Ann 7 compound PROPN Ann | "
        "Reyes 8 nsubj PROPN Reyes | said 8 ROOT VERB say | , 8 punct PUNCT , | “ 8 punct PUNCT “ | "
        "We 12 nsubj PRON we | won 8 ccomp VERB win | . 8 punct PUNCT . | ” 8 punct PUNCT ”"
    )
    span = subject_span(doc[8])
    assert span is not None and doc.text[span[0] : span[1]] == "Gov. Ann Reyes"


def test_as_x_put_it_names_the_speaker_and_a_title_in_the_description_is_not_said(
        pipeline: Pipeline) -> None:
    text = ("As Ann Lee, a professor of law at Bristol and author of ''The Quiet Harbor Papers,'' put "
            "it, ''The council should remember that a compromise today may serve it far better than a "
            "ruling later.''")
    quote = quote_with(quotes_of(pipeline, text), "compromise today")
    assert speaker_text(text, quote) == "Ann Lee"
    assert "Quiet Harbor" not in quote.content


# --- when reported words are direct ---------------------------------------------------------


def test_opens_quotation_reads_the_marks_around_reported_words() -> None:
    text = 'The mayor said “the harbour will reopen in the spring” after the repairs.'
    start = text.index("the harbour")
    assert opens_quotation(text, start, len(text) - 1)
    text = 'The mayor said that “the harbour will reopen in the spring.”'
    assert not opens_quotation(text, text.index("the harbour"), len(text) - 2)
    text = "The mayor said the harbour will reopen in the spring."
    assert not opens_quotation(text, text.index("the harbour"), len(text) - 1)


def test_reported_words_in_marks_are_a_direct_quote(pipeline: Pipeline) -> None:
    text = 'The mayor told the council on Friday “the harbour will reopen in the spring.”'
    quote = quote_with(quotes_of(pipeline, text), "harbour will reopen")
    assert quote.direct
    assert text[quote.start - 1] == "“"  # the content opens inside the marks, not on the mark


def test_headline_quotation_in_single_marks_is_direct(pipeline: Pipeline) -> None:
    text = "Ortiz: ‘We Will Win Back The Northern Districts This Fall.’\n\nThe senator spoke in Tulsa."
    quote = quote_with(quotes_of(pipeline, text), "Northern Districts")
    assert quote.direct
    assert quote.content.startswith("We Will") and "’" not in quote.content
    assert speaker_text(text, quote) == "Ortiz"


def test_headline_quoting_phrases_of_its_own_is_not_direct(pipeline: Pipeline) -> None:
    text = "Ortiz: ‘Reckless’ Tax Plan Has ‘No Future’ In Congress\n\nThe senator spoke in Tulsa."
    quotes = [q for q in quotes_of(pipeline, text) if "Tax Plan" in q.content]
    assert quotes and not any(q.direct for q in quotes)


# --- marks ----------------------------------------------------------------------------------


def test_paragraph_opened_curly_and_closed_straight_is_not_a_running_quote(pipeline: Pipeline) -> None:
    assert continued('“If the council does its job, our members will back the plan," Ms. Ortiz said.') is None
    assert continued("“The council has failed us for a decade and more") is not None
    text = ('The senator pressed the council to act.\n\n'
            '“If the council does its job, our members will back the plan," Ms. Ortiz said.')
    quote = quote_with(quotes_of(pipeline, text), "council does its job")
    assert speaker_text(text, quote) == "Ms. Ortiz"
