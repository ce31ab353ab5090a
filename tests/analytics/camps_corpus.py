"""Invented articles for the camps and shifts tests (every sentence is our own).

:func:`camps_corpus`: two clear camps in 2025 — a western one (United States, Britain, France,
Germany) and an eastern one (Russia, China, Iran, North Korea) — that cooperate inside and
quarrel across, with Turkey a NATO member siding with the east; a Russian minister whose acts
count for Russia; negated sanctions between Russia and China that must not count.

:func:`shift_corpus`: Armenia and Russia, warm from January to June 2024 and hostile from July
(the rupture starts with a Russian gas cut-off); Georgia and Turkey steadily cooperative all year;
Chile and Peru with two months only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from blocwatch.records import Actor, Analysis, Article, Event, Evidence

ACTORS = {a.id: a for a in (
    Actor("USA", "United States", "state", country="USA", cameo="USA"),
    Actor("GBR", "Britain", "state", country="GBR", cameo="GBR"),
    Actor("FRA", "France", "state", country="FRA", cameo="FRA"),
    Actor("DEU", "Germany", "state", country="DEU", cameo="DEU"),
    Actor("TUR", "Turkey", "state", country="TUR", cameo="TUR"),
    Actor("RUS", "Russia", "state", country="RUS", cameo="RUS"),
    Actor("CHN", "China", "state", country="CHN", cameo="CHN"),
    Actor("IRN", "Iran", "state", country="IRN", cameo="IRN"),
    Actor("PRK", "North Korea", "state", country="PRK", cameo="PRK"),
    Actor("ARM", "Armenia", "state", country="ARM", cameo="ARM"),
    Actor("GEO", "Georgia", "state", country="GEO", cameo="GEO"),
    Actor("CHL", "Chile", "state", country="CHL", cameo="CHL"),
    Actor("PER", "Peru", "state", country="PER", cameo="PER"),
    Actor("person:ivan-sokolov", "Ivan Sokolov", "person", country="RUS", sector="GOV",
          role="Foreign Minister", cameo="RUSGOV"),
)}

# PLOVER type -> (CAMEO code, quad class, Goldstein intensity, verb phrase)
KINDS = {
    "CONSULT": ("040", 1, 1.0, "held talks with"),
    "COOPERATE": ("050", 1, 3.5, "signed a pact with"),
    "AID": ("070", 2, 7.0, "sent aid to"),
    "ACCUSE": ("110", 3, -2.0, "accused"),
    "THREATEN": ("130", 3, -4.4, "threatened"),
    "SANCTION": ("163", 4, -8.0, "imposed sanctions on"),
}


@dataclass(frozen=True)
class Act:
    source: str
    target: str
    plover: str
    topic: str
    negated: bool = False
    hypothetical: bool = False


def sentence(act: Act) -> str:
    verb = KINDS[act.plover][3]
    if act.negated:
        verb = "did not " + {"imposed sanctions on": "impose sanctions on"}.get(verb, verb.split()[0])
    elif act.hypothetical:
        verb = "could soon sign a pact with"
    return f"{ACTORS[act.source].name} {verb} {ACTORS[act.target].name} over {act.topic}."


def article(article_id: str, published: date, acts: list[Act], title: str = "") -> Analysis:
    sentences = [sentence(act) for act in acts]
    text = " ".join(sentences)
    events, at = [], 0
    for n, (act, said) in enumerate(zip(acts, sentences, strict=True)):
        start = text.index(said, at)
        at = start + len(said)
        cameo, quad, intensity, _ = KINDS[act.plover]
        events.append(Event(act.source, act.target, act.plover, cameo, quad, intensity,
                            Evidence(said, start, at, article_id, n), negated=act.negated,
                            hypothetical=act.hypothetical, date=published.isoformat(),
                            trigger=said.split()[1]))
    used = sorted({a for act in acts for a in (act.source, act.target)})
    return Analysis(Article(id=article_id, text=text, title=title or f"Report {article_id}",
                            published=published, url=f"https://news.example.org/{article_id}",
                            language="en"), [], [ACTORS[a] for a in used], [], events)


WEST = ("USA", "GBR", "FRA", "DEU")
EAST = ("RUS", "CHN", "IRN", "PRK")


def _friends(members: tuple[str, ...], topic: str) -> list[Act]:
    return [Act(a, b, "COOPERATE", f"{topic} {i}{j}") for i, a in enumerate(members)
            for j, b in enumerate(members) if i < j]


def camps_corpus() -> list[Analysis]:
    """Two camps over three months of 2025 (see module doc)."""
    quarrels = [
        Act("USA", "RUS", "ACCUSE", "cyber attacks"), Act("GBR", "RUS", "THREATEN", "spy ships"),
        Act("FRA", "IRN", "SANCTION", "drones"), Act("DEU", "CHN", "ACCUSE", "car subsidies"),
        Act("USA", "PRK", "SANCTION", "missiles"), Act("CHN", "USA", "ACCUSE", "chip bans"),
    ]
    return [
        article("camp-jan", date(2025, 1, 20), _friends(WEST, "defence spending")
                + _friends(EAST, "energy supplies") + quarrels[:3], title="Winter of pacts"),
        article("camp-feb", date(2025, 2, 18), _friends(WEST, "shipbuilding")
                + _friends(EAST, "rail freight") + quarrels[3:] + [
                    Act("TUR", "RUS", "COOPERATE", "a gas hub"),
                    Act("TUR", "IRN", "COOPERATE", "border trade"),
                    Act("FRA", "USA", "ACCUSE", "steel tariffs"),
                    Act("RUS", "CHN", "SANCTION", "grain", negated=True),
                    Act("CHN", "RUS", "SANCTION", "timber", negated=True),
                ], title="Blocs harden"),
        article("camp-mar", date(2025, 3, 12), [
            *quarrels,
            Act("person:ivan-sokolov", "CHN", "CONSULT", "the Arctic route"),
            Act("TUR", "RUS", "AID", "earthquake relief"), Act("TUR", "IRN", "COOPERATE", "a pipeline"),
            Act("TUR", "USA", "ACCUSE", "a fighter jet deal"),
            Act("IRN", "CHN", "COOPERATE", "a port", hypothetical=True),
            Act("RUS", "CHN", "SANCTION", "fertiliser", negated=True),
        ], title="Spring quarrels"),
    ]


def shift_corpus() -> list[Analysis]:
    """Armenia-Russia breaks in July 2024; Georgia-Turkey is steady; Chile-Peru is short."""
    out = []
    for month in range(1, 13):
        day = date(2024, month, 14)
        if month < 7:
            acts = [Act("ARM", "RUS", "COOPERATE", f"rail tariffs {month}"),
                    Act("RUS", "ARM", "AID", f"wheat deliveries {month}")]
        elif month == 7:
            acts = [Act("RUS", "ARM", "SANCTION", "the gas cut-off"),
                    Act("ARM", "RUS", "THREATEN", "leaving the alliance")]
        else:
            acts = [Act("ARM", "RUS", "ACCUSE", f"border guards {month}"),
                    Act("RUS", "ARM", "THREATEN", f"troop moves {month}")]
        acts.append(Act("GEO", "TUR", "COOPERATE", f"a road corridor {month}"))
        if month in (3, 4):
            acts.append(Act("CHL", "PER", "CONSULT", f"fishing quotas {month}"))
        out.append(article(f"shift-{month:02d}", day, acts, title=f"Caucasus letter {month}"))
    return out
