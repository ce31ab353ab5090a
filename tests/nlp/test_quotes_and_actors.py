"""Actors and quotes through the real pipeline, on text we wrote for these tests."""

from __future__ import annotations

from datetime import date

from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Analysis, Article


def analyse(pipeline: Pipeline, text: str, published: date | None = date(2024, 5, 1)) -> Analysis:
    return pipeline.analyze(Article(id="t", text=text, published=published))


def test_metonyms_and_demonyms(pipeline: Pipeline) -> None:
    a = analyse(
        pipeline,
        "Moscow and Beijing signed a grain deal. Japanese officials were not consulted, "
        "and the Kremlin said nothing.",
    )
    by_text = {m.text: m.actor for m in a.mentions}
    assert by_text["Moscow"] == "RUS" and by_text["Beijing"] == "CHN"
    assert by_text["Japanese"] == "JPN"
    assert by_text.get("the Kremlin", by_text.get("Kremlin")) == "RUS"


def test_mention_offsets_point_at_their_text(pipeline: Pipeline) -> None:
    text = "On Tuesday, South Korea’s president spoke with the European Union about NATO."
    a = analyse(pipeline, text)
    assert a.mentions
    for m in a.mentions:
        assert text[m.start : m.end] == m.text
    assert {"KOR", "EU", "NATO"} <= {m.actor for m in a.mentions}


def test_direct_quote_with_said_and_pronoun(pipeline: Pipeline) -> None:
    text = (
        "Choe Son-hui met the Russian envoy in Pyongyang. "
        "“Our friendship with Moscow grows stronger every year,” she said after the talks."
    )
    a = analyse(pipeline, text)
    [quote] = [q for q in a.quotes if q.direct]
    assert quote.content == "Our friendship with Moscow grows stronger every year"
    assert quote.speaker_actor == "person:choe-son-hui"
    assert quote.cue == "said"
    assert text[quote.start : quote.end] == quote.content
    assert quote.evidence is not None and quote.evidence.sentence in text


def test_straight_quotes_and_named_speaker(pipeline: Pipeline) -> None:
    text = '"We will not accept new sanctions on our people," Kim Jong-un told party delegates on Monday.'
    a = analyse(pipeline, text)
    [quote] = a.quotes
    assert quote.direct and quote.speaker_actor == "person:kim-jong-un" and quote.cue == "told"


def test_indirect_said_that(pipeline: Pipeline) -> None:
    text = "Brazil's foreign ministry said that the summit would take place in Rio de Janeiro in July."
    a = analyse(pipeline, text)
    [quote] = a.quotes
    assert not quote.direct
    assert quote.content.startswith("the summit would take place")
    assert quote.cue == "said"


def test_according_to_after_the_statement(pipeline: Pipeline) -> None:
    text = "Talks between Iran and Saudi Arabia will resume next week, according to Chinese diplomats."
    a = analyse(pipeline, text)
    [quote] = a.quotes
    assert quote.cue == "according to" and quote.content.startswith("Talks between Iran")
    assert quote.speaker.startswith("Chinese diplomats")


def test_pull_quote_needs_a_person(pipeline: Pipeline) -> None:
    text = (
        "The bloc is changing faster than its founders expected.Maria Gomez, a researcher at a "
        "university in Madrid\n\nThe summit closed with a statement.Reuters, a news agency"
    )
    a = analyse(pipeline, text)
    speakers = [q.speaker for q in a.quotes]
    assert speakers == ["Maria Gomez"]
    assert a.quotes[0].cue == "pull quote"


def test_scare_quotes_are_not_direct_quotes(pipeline: Pipeline) -> None:
    a = analyse(pipeline, 'Washington called the plan a "strategic mistake" on Friday.')
    assert not [q for q in a.quotes if q.direct]
    # Calling something a name is a claim, reported as an indirect attribution (as PolNeAR has it).
    [quote] = a.quotes
    assert quote.cue == "called" and quote.speaker == "Washington"
    assert quote.content == 'the plan a "strategic mistake"'


def test_a_statement_split_around_its_cue_is_one_quote(pipeline: Pipeline) -> None:
    text = (
        "Ana Duarte, Brazil's foreign minister, spoke after the summit. "
        "\u201cWe will not be pushed around,\u201d she said. \u201cNot now, not ever.\u201d"
    )
    [quote] = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert quote.content == "We will not be pushed around Not now, not ever."
    assert text[quote.start :].startswith("We will") and text[: quote.end].endswith("not ever.")
    assert quote.speaker == "Ana Duarte"


def test_two_quotes_with_their_own_cues_stay_apart(pipeline: Pipeline) -> None:
    text = (
        "\u201cThe talks went well,\u201d said Ana Duarte. Later, her deputy Paulo Reis told "
        "reporters: \u201cWe expect a deal next week.\u201d"
    )
    quotes = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert [q.content for q in quotes] == ["The talks went well", "We expect a deal next week."]


def test_doubled_apostrophes_mark_a_quote(pipeline: Pipeline) -> None:
    text = "''This isn't a reform at all,'' said Ana Duarte, a senator from Brazil."
    [quote] = analyse(pipeline, text).quotes
    assert quote.direct and quote.content == "This isn't a reform at all"
    assert quote.speaker.startswith("Ana Duarte")  # with her apposition, as the speaker span runs


def test_called_for_is_a_demand_attributed_to_its_subject(pipeline: Pipeline) -> None:
    text = "In July, the African Union called for a ceasefire in Sudan."
    [quote] = analyse(pipeline, text).quotes
    assert quote.cue == "called for" and quote.content == "a ceasefire in Sudan"
    assert quote.speaker_actor == "AU"


def test_a_parenthetical_attribution_quotes_the_words_around_it(pipeline: Pipeline) -> None:
    text = "The sanctions have hurt the economy badly, the minister said, since exports fell by half."
    [quote] = analyse(pipeline, text).quotes
    assert not quote.direct and quote.speaker == "the minister"
    assert quote.content == "The sanctions have hurt the economy badly since exports fell by half"


def test_unknown_person_gets_affiliation_from_of(pipeline: Pipeline) -> None:
    text = (
        "According to Anna Berg of the Stockholm International Peace Research Institute, "
        "arms imports to Europe doubled."
    )
    a = analyse(pipeline, text)
    [quote] = a.quotes
    assert quote.speaker == "Anna Berg"
    assert quote.speaker_actor == "person:anna-berg"
    assert quote.affiliation and quote.affiliation.startswith("org:")


def test_unknown_official_takes_the_country_named_before_the_title(pipeline: Pipeline) -> None:
    a = analyse(pipeline, "Malian Defence Minister Oumar Traorinho met Russian officials in Moscow.")
    person = next(x for x in a.actors if x.kind == "person")
    assert (person.country, person.sector, person.cameo) == ("MLI", "GOV", "MLIGOV")
    [event, *_] = [e for e in a.events if e.source == person.id]
    assert event.source_cameo == "MLIGOV"


def test_a_list_glued_into_one_entity_is_split_into_known_names() -> None:
    import spacy

    from blocwatch.nlp.actors import _is_list_of_known

    doc = spacy.blank("en")("Envoys of Russia, China and the Iran came.")
    known = {(2, 3), (4, 5), (7, 8)}
    assert _is_list_of_known(doc[2:8], known)
    assert not _is_list_of_known(doc[2:8], {(2, 3), (4, 5)})  # one part unknown: keep the entity
    assert not _is_list_of_known(doc[2:3], known)  # not a list


def test_quotations_signed_after_a_dash_line_by_line(pipeline: Pipeline) -> None:
    text = (
        "What readers told us about the summit.\n\n"
        "\u201cThe summit changed nothing for people like us in Lagos.\u201d \u2015 Amaka Obi.\n"
        "\u201cFinally someone is talking about debt relief for Africa.\u201d\u2015 Jomo K. Mwangi\n"
    )
    quotes = analyse(pipeline, text).quotes
    assert [(q.speaker, q.content) for q in quotes] == [
        ("Amaka Obi", "The summit changed nothing for people like us in Lagos."),
        ("Jomo K. Mwangi", "Finally someone is talking about debt relief for Africa."),
    ]
    assert all(q.direct for q in quotes)


def test_quoted_titles_are_not_statements(pipeline: Pipeline) -> None:
    text = "Ana Duarte told the show \u201cThe Morning Hour With Paulo Reis\u201d about the summit."
    assert not [q for q in analyse(pipeline, text).quotes if q.direct]


def test_a_pronoun_after_a_quote_is_someone_named_before_it(pipeline: Pipeline) -> None:
    text = (
        "Ana Duarte spoke about her rival. "
        "\u201cYou know, I respect Paulo Reis a great deal,\u201d she said."
    )
    [quote] = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert quote.speaker == "Ana Duarte"


def test_the_speaker_is_never_inside_the_quotation_marks(pipeline: Pipeline) -> None:
    text = "\u201cThe alliance is in panic mode. Full panic mode,\u201d said Ana Duarte, a senator."
    [quote] = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert quote.speaker.startswith("Ana Duarte")
    assert quote.speaker_span is not None and quote.speaker_span[0] > quote.end


def test_findings_and_that_clauses_are_attributed(pipeline: Pipeline) -> None:
    text = "A new poll by the Levada Center shows that most Russians oppose the war."
    [quote] = analyse(pipeline, text).quotes
    assert quote.cue == "shows" and quote.content == "most Russians oppose the war"
    assert quote.speaker.startswith("A new poll")


def test_a_vow_is_a_quote_but_a_plan_is_not(pipeline: Pipeline) -> None:
    vow = analyse(pipeline, "Ana Duarte vowed to veto the treaty.").quotes
    assert [(q.cue, q.content) for q in vow] == [("vowed", "to veto the treaty")]
    assert analyse(pipeline, "Ana Duarte plans to visit Lisbon in May.").quotes == []


def test_according_to_in_the_middle_of_a_sentence(pipeline: Pipeline) -> None:
    text = (
        "Exports to China fell by a third in 2023, according to the Korea Development Institute, "
        "and imports from Russia doubled over the same year."
    )
    [quote] = analyse(pipeline, text).quotes
    assert quote.cue == "according to" and quote.speaker == "the Korea Development Institute"
    assert quote.content == (
        "Exports to China fell by a third in 2023 imports from Russia doubled over the same year"
    )


def test_a_speaker_found_through_by_saying(pipeline: Pipeline) -> None:
    text = "Ana Duarte opened the session by saying that the treaty was dead."
    [quote] = analyse(pipeline, text).quotes
    assert quote.speaker == "Ana Duarte" and quote.content == "the treaty was dead"


def test_a_quote_goes_on_after_a_long_attribution(pipeline: Pipeline) -> None:
    text = (
        "\u201cThis is not a reform at all,\u201d said Ana Duarte, an economist who ran the budget "
        "office for a decade and now chairs a think tank in Brasilia that advises the senate "
        "on trade and tax policy. \u201cIt is a retreat dressed up as progress.\u201d"
    )
    [quote] = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert quote.content == "This is not a reform at all It is a retreat dressed up as progress."


def test_a_day_next_to_the_verb_is_not_the_speaker(pipeline: Pipeline) -> None:
    text = "\u201cWe will achieve justice in this case,\u201d the police chief said on Monday."
    [quote] = [q for q in analyse(pipeline, text).quotes if q.direct]
    assert quote.speaker == "the police chief"


def test_an_ethnic_group_is_not_its_namesake_state(pipeline: Pipeline) -> None:
    text = "Ethnic Albanians in south Serbia demanded autonomy. Albanian officials said nothing."
    a = analyse(pipeline, text)
    by_text = {m.text: m.actor for m in a.mentions}
    assert by_text["Albanians"] is None and by_text["Albanian"] == "ALB" and by_text["Serbia"] == "SRB"
