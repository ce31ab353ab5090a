"""Analyses built by hand for the store tests, from short texts we wrote ourselves.

The invented states Ruritania (RUR), Freedonia (FRE) and Syldavia (SYL) keep the tests away from
any real article text.  Offsets are computed from the text, so an edit of a sentence cannot leave
a span pointing at the wrong words.
"""

from __future__ import annotations

from datetime import date

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote, Section

ACTORS = {
    "RUR": Actor("RUR", "Ruritania", "state", country="RUR", cameo="RUR"),
    "FRE": Actor("FRE", "Freedonia", "state", country="FRE", cameo="FRE"),
    "SYL": Actor("SYL", "Syldavia", "state", country="SYL", cameo="SYL"),
    "person:ottokar-brun": Actor(
        "person:ottokar-brun",
        "Ottokar Brun",
        "person",
        country="SYL",
        sector="GOV",
        role="Foreign Minister",
        cameo="SYLGOV",
    ),
}

HEADINGS = ("Talks in the Capital", "Trade First", "What Comes Next")
PARAGRAPHS = (
    "Ruritania and Freedonia opened talks on a new river treaty on Monday.",
    "Officials said the first round went well.",
    "Syldavia criticised Freedonia over grain tariffs.",
    "\u201cWe will not accept new tariffs,\u201d said Ottokar Brun, the Syldavian foreign minister.",
    "A second round is planned for the spring.",
)


def sentence_span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def make_text(extra: str = "") -> tuple[str, list[Section]]:
    """Body with three headed sections (heading paragraphs included, as ingest writes them)."""
    blocks = [
        [HEADINGS[0], PARAGRAPHS[0], PARAGRAPHS[1]],
        [HEADINGS[1], PARAGRAPHS[2], PARAGRAPHS[3]],
        [HEADINGS[2], PARAGRAPHS[4] + extra],
    ]
    text, sections = "", []
    for block in blocks:
        if text:
            text += "\n\n"
        start = len(text)
        text += "\n\n".join(block)
        sections.append(Section(block[0], start, len(text)))
    return text, sections


def mention(text: str, words: str, label: str, actor: str | None, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Mention(words, start, start + len(words), label, actor, sentence_index=None)


def river_talks(
    article_id: str = "a-river",
    *,
    url: str | None = "https://news.example.org/2024/05/river-talks",
    published: date | None = date(2024, 5, 6),
    extra: str = "",
    raw: bytes | None = None,
) -> Analysis:
    """The full sample: sections, mentions, actors, a quote and two events."""
    text, sections = make_text(extra)
    article = Article(
        id=article_id,
        text=text,
        title="Ruritania and Freedonia Open River Talks",
        url=url,
        canonical_url=url,
        published=published,
        authors=["Ana Tester", "Bo Writer"],
        language="en",
        sections=sections,
        raw=raw if raw is not None else ("<html><body>" + text + "</body></html>").encode(),
        raw_type="html",
        input_name=url or "river.html",
    )
    s0 = PARAGRAPHS[0]
    s2 = PARAGRAPHS[2]
    q_start = text.index("We will")
    quote_sentence = PARAGRAPHS[3]
    qs, qe = sentence_span(text, quote_sentence)
    mentions = [
        mention(text, "Ruritania", "GPE", "RUR"),
        mention(text, "Freedonia", "GPE", "FRE"),
        mention(text, "Syldavia", "GPE", "SYL"),
        mention(text, "Freedonia", "GPE", "FRE", nth=1),
        mention(text, "Ottokar Brun", "PERSON", "person:ottokar-brun"),
        mention(text, "Officials", "NORP", None),
    ]
    return Analysis(
        article=article,
        mentions=mentions,
        actors=list(ACTORS.values()),
        quotes=[
            Quote(
                speaker="Ottokar Brun",
                content="We will not accept new tariffs,",
                start=q_start,
                end=q_start + len("We will not accept new tariffs,"),
                direct=True,
                cue="said",
                speaker_actor="person:ottokar-brun",
                affiliation="SYL",
                evidence=Evidence(quote_sentence, qs, qe, article_id, 3),
            )
        ],
        events=[
            Event(
                source="RUR",
                target="FRE",
                plover="CONSULT",
                cameo="043",
                quad_class=1,
                intensity=2.8,
                evidence=Evidence(s0, *sentence_span(text, s0), article_id, 0),
                source_cameo="RUR",
                target_cameo="FRE",
                date="2024-05-06",
                trigger="opened talks",
            ),
            Event(
                source="SYL",
                target="FRE",
                plover="ACCUSE",
                cameo="111",
                quad_class=3,
                intensity=-2.0,
                evidence=Evidence(s2, *sentence_span(text, s2), article_id, 2),
                source_cameo="SYL",
                target_cameo="FRE",
                date="2024-05",
                trigger="criticised",
                location="Klow",
            ),
        ],
    )


def brief_note(article_id: str, actors: list[str], *, published: date | None, number: int = 0) -> Analysis:
    """A one-sentence article mentioning ``actors`` (ids from ACTORS), for query tests."""
    names = [ACTORS[a].name for a in actors]
    text = f"Note {number}: " + (" and ".join(names) or "Nobody") + f" met again, report number {number}."
    mentions = [mention(text, ACTORS[a].name, "GPE", a) for a in actors]
    return Analysis(
        article=Article(
            id=article_id,
            text=text,
            title=f"Note {number}",
            url=f"https://notes.example.net/{article_id}",
            published=published,
        ),
        mentions=mentions,
        actors=[ACTORS[a] for a in actors],
    )
