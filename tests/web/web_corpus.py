"""Analyses for the web tests, built from text we wrote ourselves (an invented fisheries accord).

Offsets are computed from the text with ``str.index`` so the records stay consistent when the
wording is edited.
"""

from __future__ import annotations

from datetime import date, timedelta

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote, Section

LEAD = "Norway and Chile agreed on Tuesday to share data on salmon farming, officials said."
HEAD_1 = "Talks in Valparaiso"
MEETING = "The Norwegian delegation met Chilean officials in Valparaiso."
QUOTE = "We want cleaner fjords and cleaner bays,"
PARA_1 = f"{MEETING} “{QUOTE}” said Ingrid Solberg, Norway's fisheries minister."
HEAD_2 = "Next Steps"
DENIAL = "Chile did not threaten to leave the talks."
PARA_2 = f"{DENIAL} Both sides will meet again in March."
# A closing section listed in the page's contents whose heading is not itself in the text.
HEAD_3 = "Outlook"
PARA_3 = "Observers expect a wider trade agreement within two years."

NORWAY = Actor("NOR", "Norway", "state", country="NOR", cameo="NOR")
CHILE = Actor("CHL", "Chile", "state", country="CHL", cameo="CHL")
SOLBERG = Actor(
    "person:ingrid-solberg",
    "Ingrid Solberg",
    "person",
    country="NOR",
    sector="GOV",
    role="fisheries minister",
    cameo="NORGOV",
)


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def accord_analysis(
    article_id: str = "a-accord",
    title: str = "Norway and Chile Sign Fisheries Accord",
    url: str = "https://news.example.org/2025/03/accord",
    coda: str = "",
) -> Analysis:
    """One article with three sections, a direct quote and two events (one negated).

    ``coda`` (a closing paragraph) makes a different text, hence a different stored article.
    """
    text = "\n\n".join([LEAD, HEAD_1, PARA_1, HEAD_2, PARA_2, PARA_3] + ([coda] if coda else []))
    h1, h2 = text.index(HEAD_1), text.index(HEAD_2)
    p3 = text.index(PARA_3)
    sections = [
        Section(HEAD_1, h1, h2 - 2),
        Section(HEAD_2, h2, p3 - 2),
        Section(HEAD_3, p3, len(text)),
    ]
    article = Article(
        id=article_id,
        text=text,
        title=title,
        url=url,
        canonical_url=url,
        source="news.example.org",
        published=date(2025, 3, 4),
        authors=["Maria Lindqvist"],
        language="en",
        sections=sections,
    )
    mentions = []
    for name, actor_id, label in (
        ("Norway", "NOR", "GPE"),
        ("Chile", "CHL", "GPE"),
        ("Ingrid Solberg", SOLBERG.id, "PERSON"),
    ):
        start, end = _span(text, name)
        mentions.append(Mention(name, start, end, label, actor_id))
    m_start, m_end = _span(text, MEETING)
    d_start, d_end = _span(text, DENIAL)
    q_start, q_end = _span(text, QUOTE)
    events = [
        Event(
            "NOR",
            "CHL",
            "CONSULT",
            "040",
            1,
            1.0,
            Evidence(MEETING, m_start, m_end, article_id, 2),
            source_cameo="NOR",
            target_cameo="CHL",
            date="2025-03-04",
            trigger="met",
        ),
        Event(
            "CHL",
            "NOR",
            "THREATEN",
            "130",
            3,
            -4.4,
            Evidence(DENIAL, d_start, d_end, article_id, 4),
            source_cameo="CHL",
            target_cameo="NOR",
            negated=True,
            date="2025-03-04",
            trigger="threaten",
        ),
    ]
    quotes = [
        Quote(
            "Ingrid Solberg",
            QUOTE,
            q_start,
            q_end,
            True,
            "said",
            speaker_actor=SOLBERG.id,
            affiliation="Norway",
            evidence=Evidence(PARA_1, m_start, m_start + len(PARA_1), article_id, 2),
        ),
    ]
    return Analysis(article, mentions, [NORWAY, CHILE, SOLBERG], quotes, events)


def numbered_analyses(count: int, start: date = date(2025, 1, 1)) -> list[Analysis]:
    """``count`` small distinct articles, one a day from ``start`` (the last is the newest)."""
    out = []
    for n in range(count):
        text = (
            f"Report number {n} on coastal patrols: Norway and Chile compared notes on "
            f"vessel number {n * 7 + 3}."
        )
        norway = _span(text, "Norway")
        chile = _span(text, "Chile")
        article = Article(
            id=f"a-report-{n:02d}",
            text=text,
            title=f"Patrol report {n:02d}",
            url=f"https://news.example.org/reports/{n}",
            published=start + timedelta(days=n),
            language="en",
        )
        out.append(
            Analysis(
                article,
                [Mention("Norway", *norway, "GPE", "NOR"), Mention("Chile", *chile, "GPE", "CHL")],
                [NORWAY, CHILE],
            )
        )
    return out
