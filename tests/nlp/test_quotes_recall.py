"""Recall rules of the quote readers (issue 5), on sentences written for these tests."""

from __future__ import annotations

import pytest

from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Article, Quote


def quotes_of(pipeline: Pipeline, text: str) -> list[Quote]:
    return pipeline.analyze(Article(id="t", text=text)).quotes


def content_with(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if words in q.content]
    assert found, [q.content for q in quotes]
    return found[0]


def test_a_statement_split_around_its_cue_with_doubled_apostrophes_is_one_quote(pipeline: Pipeline) -> None:
    text = ("The mayor spoke after the vote.\n\n''Our harbour has been neglected for years,'' "
            "Ms. Varga said, ''and the dockworkers are paying for it now.''\n\nThe council adjourned.")
    quote = content_with(quotes_of(pipeline, text), "harbour has been neglected")
    assert "dockworkers are paying" in quote.content and quote.direct


def test_complement_after_the_verb_not_a_clause_before_it(pipeline: Pipeline) -> None:
    # The parser may hang the opening clause ("after the governor resigned") on "said" too.
    text = ("In a statement issued shortly after the governor resigned his office, Okafor said he is "
            "confident the province will recover from the floods.")
    quote = content_with(quotes_of(pipeline, text), "the province will recover")
    assert "Okafor" in quote.speaker
    assert "resigned" not in quote.content


def test_complement_split_by_the_parser_is_read_whole(pipeline: Pipeline) -> None:
    text = ("But 20 percent of the farmers surveyed still say they don’t know enough about "
            "the new subsidy rules.")
    quote = content_with(quotes_of(pipeline, text), "enough about the new subsidy rules")
    assert quote.content.startswith("they")


def test_a_second_reporting_verb_of_the_speaker_starts_its_own_quote(pipeline: Pipeline) -> None:
    text = ("The senator said her recent visits to the border have changed her mind and added that the "
            "fence would cost far more than planned.")
    quotes = quotes_of(pipeline, text)
    first = content_with(quotes, "changed her mind")
    assert "fence" not in first.content


def test_a_speaker_the_parser_left_hanging_still_speaks(pipeline: Pipeline) -> None:
    text = ("Tuesday in Lagos, while touring the port with his brother, the shipping magnate Emeka "
            "Obi, former minister Tunde Bello said the new terminal was badly overdue.")
    quote = content_with(quotes_of(pipeline, text), "terminal was badly overdue")
    assert "Bello" in quote.speaker


@pytest.mark.parametrize(
    ("headline", "speaker", "words"),
    [
        ("Senator Alvarez: Farm Subsidies Will Not Survive Another Budget", "Senator Alvarez",
         "Farm Subsidies"),
        ("Poll: Voters Split Evenly on the Harbour Referendum", "Poll", "Voters Split"),
        ("BRANDT: I think the committee was misled from the start.", "BRANDT", "committee was misled"),
    ],
)
def test_a_labelled_line_is_a_statement_of_its_label(
    pipeline: Pipeline, headline: str, speaker: str, words: str
) -> None:
    quote = content_with(quotes_of(pipeline, headline + "\n\nThe story continues here."), words)
    assert quote.speaker == speaker and quote.cue == ":"


@pytest.mark.parametrize(
    "line",
    [
        "Editor’s Note: The following is an excerpt from a forthcoming book about the harbour.",
        "UPDATE: The council has postponed the vote until next month.",
        "Follow Dana Reyes on Twitter: @danareyes and on her blog.",
        "The meeting starts at 10:30 and ends at noon on Friday.",
    ],
)
def test_section_labels_and_times_are_not_speakers(pipeline: Pipeline, line: str) -> None:
    assert not [q for q in quotes_of(pipeline, line + "\n\nMore text follows.") if q.cue == ":"]


def test_a_quotation_introduced_by_a_name_and_a_colon(pipeline: Pipeline) -> None:
    text = ("HARBOUR TRAFFIC FALLS - Marta Lindqvist: “Our figures for the third quarter show the "
            "lowest tonnage in a decade, and the trend is not reversing.”\n\n"
            "The port authority declined to comment.")
    quote = content_with(quotes_of(pipeline, text), "lowest tonnage in a decade")
    assert quote.direct and "Lindqvist" in quote.speaker


def test_the_clause_before_a_colon_names_who_speaks(pipeline: Pipeline) -> None:
    text = ("The regional council was blunt in its findings: “The contractor ignored every safety "
            "warning it received during the works.”\n\nThe contractor has appealed.")
    quote = content_with(quotes_of(pipeline, text), "ignored every safety warning")
    assert "council" in quote.speaker


def test_a_quotation_paragraph_goes_on_with_the_speaker_before_it(pipeline: Pipeline) -> None:
    text = ("“We are not leaving the coalition,” Halvorsen said.\n\n"
            "“We have obligations to our partners and to the voters who sent us here. Nobody should "
            "doubt that we will keep them.”\n\nThe opposition called the statement empty.")
    quote = content_with(quotes_of(pipeline, text), "not leaving the coalition")
    assert "obligations to our partners" in quote.content and quote.speaker == "Halvorsen"


def test_a_subject_holding_quoted_words_still_names_the_speaker(pipeline: Pipeline) -> None:
    text = ("Texas delegate Ruth Amsel, wearing a cowboy hat and “Vote Early” pins, said: “We "
            "expected a much better turnout tonight.”")
    quote = content_with(quotes_of(pipeline, text), "much better turnout")
    assert quote.speaker == "Texas delegate Ruth Amsel"
    assert "Vote Early" not in quote.content  # a two-word label is not the first part of the statement


@pytest.mark.parametrize(
    ("text", "speaker", "words"),
    [
        ("The finance minister denounced the central bank's decision to raise interest rates again.",
         "minister", "the central bank's decision"),
        ("Senator Okonkwo accused the governor of hiding the audit from the legislature.",
         "Okonkwo", "the governor of hiding the audit"),
        ("The mayor described the new stadium deal as a gift to the developers.",
         "mayor", "the new stadium deal as a gift"),
        ("The union leader warned of strikes across the rail network next month.",
         "union leader", "strikes across the rail network"),
        ("Prime Minister Dalca spoke about the ceasefire talks with the rebel commanders.",
         "Dalca", "the ceasefire talks"),
        ("The foreign minister refused to condemn the border incursion by the army.",
         "minister", "condemn the border incursion"),
    ],
)
def test_speech_acts_with_a_phrase_for_content(
    pipeline: Pipeline, text: str, speaker: str, words: str
) -> None:
    quote = content_with(quotes_of(pipeline, text), words)
    assert speaker in quote.speaker and not quote.direct


def test_a_stance_is_not_a_speech_act(pipeline: Pipeline) -> None:
    quotes = quotes_of(pipeline, "The governor supports the new harbour tax on cruise ships.")
    assert not [q for q in quotes if "harbour tax" in q.content]


@pytest.mark.parametrize(
    "text",
    [
        "The bridge was the longest in Europe when it opened,'' according to the city's archives.",
        "Turnout fell sharply this year, according to\u00a0the electoral commission of the province.",
        "It did not go unnoticed: According to recent polls, the mayor has lost a third of her support.",
    ],
)
def test_according_to_after_a_mark_a_no_break_space_or_a_colon(pipeline: Pipeline, text: str) -> None:
    assert [q for q in quotes_of(pipeline, text) if q.cue == "according to"]


def test_a_participle_of_saying_after_a_comma_is_not_the_speakers_words(pipeline: Pipeline) -> None:
    text = ("The minister said the new tax would be collected from January, adding that small "
            "businesses would be exempt for a year.")
    quote = content_with(quotes_of(pipeline, text), "collected from January")
    assert "small businesses" not in quote.content


def test_a_straight_mark_closed_by_a_curly_one_still_pairs(pipeline: Pipeline) -> None:
    text = ("The ministry was asked about the leaked memo.\n\n"
            "In a statement, a ministry spokeswoman said, \"We will not comment on documents of "
            "uncertain origin while the inquiry is running.”\n\nThe inquiry reports in May.")
    quote = content_with(quotes_of(pipeline, text), "documents of uncertain origin")
    assert quote.direct and "spokeswoman" in quote.speaker


def test_a_paragraph_opened_straight_and_closed_curly_is_not_a_running_quote(pipeline: Pipeline) -> None:
    text = ("\"I know. That is why I think this is a dangerous moment for the party,” Lindqvist "
            "said.\n\nShe left the hall early.")
    quote = content_with(quotes_of(pipeline, text), "dangerous moment for the party")
    assert quote.direct and quote.speaker == "Lindqvist"


def test_a_sentence_opening_with_since_is_not_a_signed_pull_quote(pipeline: Pipeline) -> None:
    text = ("Senator Moreau spoke at length.\n\n“There were four wings of the old coalition. Since "
            "Moreau, we have added the farmers and the students,” he says.\n\nThe rally ended.")
    assert not [q for q in quotes_of(pipeline, text) if q.cue == "pull quote"]


def test_a_last_sentence_opening_with_a_name_is_not_a_glued_signature(pipeline: Pipeline) -> None:
    # Glued signatures have no space ("...isolation.Lim Eul-chul, a specialist") or a dash.
    text = ("The harbour board met on Monday.\n\nThe vote went against the plan after a long "
            "debate. Marta Lindqvist, the board's chair since the spring and a former dockworker\n\n"
            "The plan returns next year.")
    assert not [q for q in quotes_of(pipeline, text) if q.cue == "pull quote"]
