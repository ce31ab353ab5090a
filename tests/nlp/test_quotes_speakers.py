"""Direct quotes: which marks pair, which verb is the cue and who speaks, on sentences we wrote."""

from __future__ import annotations

from blocwatch.nlp.pipeline import Pipeline
from blocwatch.nlp.quotes_marks import is_title, paired
from blocwatch.records import Article, Quote


def direct(pipeline: Pipeline, text: str) -> list[Quote]:
    return [q for q in pipeline.analyze(Article(id="t", text=text)).quotes if q.direct]


def speaker_of(quotes: list[Quote], words: str, text: str) -> str | None:
    quote = next(q for q in quotes if words in q.content)
    return text[quote.speaker_span[0] : quote.speaker_span[1]] if quote.speaker_span else None


def test_mixed_marks_pair_by_their_place() -> None:
    # Opened curly, closed straight, then a straight pair opened and a curly close: two quotes,
    # not one curly pair swallowing the attribution between them.
    paragraph = '“The bridges are falling apart," she said. "The ports are a mess as well.”'
    spans = sorted(paragraph[s:e] for s, e in paired(paragraph))
    assert spans == ["The bridges are falling apart,", "The ports are a mess as well."]


def test_mixed_marks_quote_is_direct_with_its_speaker(pipeline: Pipeline) -> None:
    text = '“Our harbours are silting up and our canals are leaking," Mayor Olsen said. ' \
           '"Families wait hours for a ferry that never comes.”'
    quotes = direct(pipeline, text)
    assert any("Families wait hours" in q.content for q in quotes)
    assert speaker_of(quotes, "harbours", text) == "Mayor Olsen"


def test_title_inside_the_attribution_is_not_more_of_the_statement(pipeline: Pipeline) -> None:
    text = '“Being a mother is my real job these days,” Dana Whitlow said last spring on the radio show ' \
           '“Morning Coffee With Rita.”'
    quotes = direct(pipeline, text)
    assert len(quotes) == 1
    assert "Morning Coffee" not in quotes[0].content
    assert speaker_of(quotes, "mother", text) == "Dana Whitlow"


def test_part_closed_by_a_full_stop_is_not_joined_to_the_next(pipeline: Pipeline) -> None:
    text = '“The fishing quota was never fair to the northern villages.” He added, ' \
           '“We will take the ministry to court before the winter season.”'
    quotes = direct(pipeline, text)
    court = next(q for q in quotes if "court" in q.content)
    assert "quota" not in court.content
    assert speaker_of(quotes, "court", text) == "He"


def test_colon_closing_the_paragraph_before_names_the_speaker(pipeline: Pipeline) -> None:
    text = "The harbour master Erik Lund called the council out on it:\n\n" \
           "“Nobody in this town has dredged the channel for eleven years.”"
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "dredged", text) == "The harbour master Erik Lund"


def test_digest_line_names_the_author_after_a_dash(pipeline: Pipeline) -> None:
    text = "FERRY DELAYS ARE NOT NEW - Maria Fenwick: “Ferries on the northern route have run late " \
           "for a decade, and the timetable has never been honest about it.”"
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "Ferries on the northern route", text) == "Maria Fenwick"


def test_as_someone_put_it(pipeline: Pipeline) -> None:
    text = "As the historian Carla Mendes put it, “Every port city eventually forgets why it was built.”"
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "port city", text) == "the historian Carla Mendes"


def test_verb_the_quote_hangs_on_beats_a_nearer_one(pipeline: Pipeline) -> None:
    text = "The tanker left Rotterdam on Sunday, the Harbour Gazette reported. “We called her just " \
           "before she sailed and everything was fine, she was excited to go home,” her brother Tomas added."
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "excited", text) == "her brother Tomas"


def test_went_so_far_as_to_say(pipeline: Pipeline) -> None:
    text = "The columnist Petra Holm went so far as to say: “The ferry company as we know it is finished.”"
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "ferry company", text) == "The columnist Petra Holm"


def test_titles_with_punctuation_inside_the_marks() -> None:
    assert is_title("The Long Road Home.", "He signed copies of his memoir ")
    assert is_title("Harbours: How to Save a Coastline,", "his new book, ")
    # A statement that opens its sentence keeps its full stop: not a title.
    assert not is_title("We Will Win.", "")
    assert not is_title("We will rebuild the harbour by spring,", "")


def test_finished_quote_does_not_borrow_the_next_ones_cue(pipeline: Pipeline) -> None:
    text = '“The fishing quota was never fair to the northern villages.” He added, ' \
           '“We will take the ministry to court before the winter season.”'
    quotes = direct(pipeline, text)
    assert all(speaker_of(quotes, "quota", text) != "He" for q in quotes if "quota" in q.content)


def test_name_the_parse_left_loose_beside_the_attribution(pipeline: Pipeline) -> None:
    text = '“We have had far better summers than this one,” Ohio farmer Dale Prewitt, wearing a straw hat ' \
           'and “Save the Creek” buttons, said matter-of-factly as the rain came down.'
    quotes = direct(pipeline, text)
    spoken = speaker_of(quotes, "summers", text)
    assert spoken is not None and "Dale Prewitt" in spoken


def test_opening_mark_typed_to_close() -> None:
    paragraph = "“Not this year,“ the mayor said. “The harbour can wait until the budget is passed.”"
    spans = sorted(paragraph[s:e] for s, e in paired(paragraph))
    assert spans == ["Not this year,", "The harbour can wait until the budget is passed."]


def test_any_verb_in_the_attribution_slot(pipeline: Pipeline) -> None:
    text = "The council met on Monday night.\n\n" \
           '“Would the new bridge really open before the next election?” Councillor Ruth Abney pressed.'
    quotes = direct(pipeline, text)
    assert speaker_of(quotes, "bridge", text) == "Councillor Ruth Abney"
    text = "“We are not finished with this harbour,” Mayor Olsen scoffed."
    assert speaker_of(direct(pipeline, text), "harbour", text) == "Mayor Olsen"
    # A quotation that ends its sentence with a full stop does not take the verb after it.
    plain = "“The bridge will open in May.” Workers painted the railings all week."
    assert not direct(pipeline, plain)
