"""Analyses for the export tests, built from short texts we wrote ourselves.

Invented states (Ruritania RUR, Freedonia FRE, Syldavia SYL) and one invented bloc (the River
League, CAMEO ``IGORIV``) keep the tests away from real articles.  Offsets are computed from
the text, so editing a sentence cannot leave a span pointing at the wrong words.
"""

from __future__ import annotations

from datetime import date

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote, Section

ACTORS = {
    "RUR": Actor("RUR", "Ruritania", "state", country="RUR", cameo="RUR"),
    "FRE": Actor("FRE", "Freedonia", "state", country="FRE", cameo="FRE"),
    "SYL": Actor("SYL", "Syldavia", "state", country="SYL", cameo="SYL"),
    "RIVL": Actor("RIVL", "River League", "bloc", cameo="IGORIV"),
    "person:ada-vex": Actor(
        "person:ada-vex",
        "Ada Vex",
        "person",
        country="SYL",
        sector="GOV",
        role="Foreign Minister",
        cameo="SYLGOV",
    ),
}


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _mention(text: str, words: str, label: str, actor: str | None) -> Mention:
    start, end = _span(text, words)
    return Mention(words, start, end, label, actor)


def summit(article_id: str = "a-summit", *, published: date | None = date(2024, 5, 6)) -> Analysis:
    """Three events (one negated, one with a partial date and a hostile place name), a quote."""
    sentences = [
        "Ruritania and Freedonia opened talks on a river treaty on Monday.",
        "Syldavia accused Freedonia of dumping grain.",
        "Ruritania did not sanction the River League.",
        "\u201cWe want a fair deal,\u201d said Ada Vex, the Syldavian foreign minister.",
    ]
    text = "River Summit\n\n" + "\n\n".join(sentences)
    article = Article(
        id=article_id,
        text=text,
        title="River Summit\tOpens",
        url=f"https://news.example.org/{article_id}",
        canonical_url=f"https://news.example.org/{article_id}",
        published=published,
        authors=["Ana Tester"],
        language="en",
        sections=[Section("River Summit", 0, len(text))],
        raw=text.encode(),
        raw_type="text",
        input_name=f"{article_id}.txt",
    )
    ev = [Evidence(s, *_span(text, s), article_id, i + 1) for i, s in enumerate(sentences)]
    q_start, q_end = _span(text, "We want a fair deal,")
    return Analysis(
        article=article,
        mentions=[
            _mention(text, "Ruritania", "GPE", "RUR"),
            _mention(text, "Freedonia", "GPE", "FRE"),
            _mention(text, "Syldavia", "GPE", "SYL"),
            _mention(text, "River League", "ORG", "RIVL"),
            _mention(text, "Ada Vex", "PERSON", "person:ada-vex"),
        ],
        actors=list(ACTORS.values()),
        quotes=[
            Quote(
                "Ada Vex",
                "We want a fair deal,",
                q_start,
                q_end,
                True,
                "said",
                speaker_actor="person:ada-vex",
                affiliation="SYL",
                evidence=ev[3],
            )
        ],
        events=[
            Event(
                "RUR",
                "FRE",
                "CONSULT",
                "043",
                1,
                2.8,
                ev[0],
                source_cameo="RUR",
                target_cameo="FRE",
                date="2024-05-06",
                trigger="opened talks",
            ),
            Event(
                "person:ada-vex",
                "FRE",
                "ACCUSE",
                "112",
                3,
                -2.0,
                ev[1],
                source_cameo="SYLGOV",
                target_cameo="FRE",
                date="2024-04",
                location="Klow\tOld Town\nEast",
                trigger="accused",
            ),
            Event(
                "RUR",
                "RIVL",
                "SANCTION",
                "163",
                4,
                -8.0,
                ev[2],
                source_cameo="RUR",
                target_cameo="IGORIV",
                negated=True,
                date="2024-05-06",
                trigger="sanction",
            ),
        ],
    )


def note(article_id: str, number: int, *, published: date | None, actor: str = "SYL") -> Analysis:
    """A one-sentence article with one event of ``actor`` towards Ruritania."""
    sentence = f"{ACTORS[actor].name} praised Ruritania in report {number}."
    text = sentence
    evidence = Evidence(sentence, 0, len(sentence), article_id, 0)
    return Analysis(
        article=Article(
            id=article_id,
            text=text,
            title=f"Report {number}",
            published=published,
            url=f"https://notes.example.net/{article_id}",
        ),
        mentions=[
            _mention(text, ACTORS[actor].name, "GPE", actor),
            _mention(text, "Ruritania", "GPE", "RUR"),
        ],
        actors=[ACTORS[actor], ACTORS["RUR"]],
        events=[
            Event(
                actor,
                "RUR",
                "ENDORSE",
                "051",
                1,
                3.4,
                evidence,
                source_cameo=ACTORS[actor].cameo,
                target_cameo="RUR",
                date=None,
                trigger="praised",
            )
        ],
    )
