"""Invented articles for the analytics tests: Mongolia's dealings with Russia, China and BRICS.

Every sentence is our own.  :func:`story` turns a list of :class:`Act` into one stored-ready
:class:`Analysis` whose events point at their sentences by offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention

MONGOLIA = Actor("MNG", "Mongolia", "state", country="MNG", cameo="MNG")
RUSSIA = Actor("RUS", "Russia", "state", country="RUS", cameo="RUS")
CHINA = Actor("CHN", "China", "state", country="CHN", cameo="CHN")
IRAN = Actor("IRN", "Iran", "state", country="IRN", cameo="IRN")
BRICS = Actor("BRICS", "BRICS", "bloc", cameo="BRI")
MINISTER = Actor("person:oyun-batbayar", "Oyun Batbayar", "person", country="MNG", sector="GOV",
                 role="Foreign Minister", cameo="MNGGOV")
INSTITUTE = Actor("org:steppe-institute", "Steppe Institute", "organisation", country="MNG")
ACTORS = {a.id: a for a in (MONGOLIA, RUSSIA, CHINA, IRAN, BRICS, MINISTER, INSTITUTE)}

# PLOVER type -> (CAMEO code, quad class, Goldstein intensity)
KINDS = {
    "CONSULT": ("040", 1, 1.0),
    "COOPERATE": ("050", 1, 3.5),
    "AID": ("070", 2, 7.0),
    "ACCUSE": ("110", 3, -2.0),
    "THREATEN": ("130", 3, -4.4),
    "SANCTION": ("163", 4, -8.0),
}


@dataclass(frozen=True)
class Act:
    sentence: str
    source: str | None
    target: str | None
    plover: str
    date: str | None = None
    negated: bool = False
    hypothetical: bool = False


def story(article_id: str, published: date | None, acts: list[Act], title: str = "") -> Analysis:
    text = " ".join(act.sentence for act in acts)
    article = Article(id=article_id, text=text, title=title or f"Report {article_id}",
                      url=f"https://news.example.org/{article_id}", published=published, language="en")
    events, mentions, at = [], [], 0
    used: set[str] = set()
    for n, act in enumerate(acts):
        start = text.index(act.sentence, at)
        end = at = start + len(act.sentence)
        cameo, quad, intensity = KINDS[act.plover]
        events.append(Event(act.source, act.target, act.plover, cameo, quad, intensity,
                            Evidence(act.sentence, start, end, article_id, n), negated=act.negated,
                            hypothetical=act.hypothetical, date=act.date, trigger=act.sentence.split()[1]))
        for actor_id in (act.source, act.target):
            if not actor_id:
                continue
            used.add(actor_id)
            name = ACTORS[actor_id].name
            if name in act.sentence:  # a mention only where the name is really written
                m = start + act.sentence.index(name)
                mentions.append(Mention(name, m, m + len(name), "GPE", actor_id, n))
    actors = [ACTORS[a] for a in sorted(used)]
    return Analysis(article, mentions, actors, [], events)


def mongolia_corpus() -> list[Analysis]:
    """Four articles over 2024: warm toward Russia and BRICS, cold toward China."""
    return [
        story("mn-jan", date(2024, 1, 12), [
            Act("Mongolia agreed with Russia on a new rail corridor.", "MNG", "RUS", "COOPERATE",
                "2024-01-10"),
            Act("Mongolia accused China of dumping steel.", "MNG", "CHN", "ACCUSE", "2024-01-11"),
            Act("China did not threaten Mongolia with tariffs.", "CHN", "MNG", "THREATEN", "2024-01-11",
                negated=True),
        ]),
        story("mn-feb", date(2024, 2, 20), [
            Act("Oyun Batbayar met BRICS envoys in Kazan this month.", "person:oyun-batbayar", "BRICS",
                "CONSULT", "2024-02"),
            Act("Mongolia could join the BRICS bank next year.", "MNG", "BRICS", "COOPERATE", None,
                hypothetical=True),
            Act("Mongolia signed an energy accord with Iran.", "MNG", "IRN", "COOPERATE", "2024-02-19"),
        ]),
        story("mn-mar", date(2024, 3, 5), [
            Act("China accused Mongolia of harbouring critics.", "CHN", "MNG", "ACCUSE", "2024-03-04"),
            Act("Mongolia sent flood aid to Russia.", "MNG", "RUS", "AID", "2024-03-04"),
            Act("The Steppe Institute accused China of pressure.", "org:steppe-institute", "CHN", "ACCUSE",
                "2024-03-04"),
        ]),
        story("mn-undated", None, [
            Act("Mongolia consulted Russia on grain.", "MNG", "RUS", "CONSULT", None),
        ]),
    ]
