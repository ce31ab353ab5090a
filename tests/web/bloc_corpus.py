"""Invented articles for the bloc and map pages: Serbia and Kazakhstan courting BRICS, Norway
quarrelling with Russia, India with China, and Russia and China with North Korea.

Every sentence is our own; offsets are computed from the text, so the records stay consistent
when the wording is edited.
"""

from __future__ import annotations

from datetime import date

from blocwatch.records import Actor, Analysis, Article, Event, Evidence

HOSTILE = '<script>alert("bloc")</script>'

ACTORS = {a.id: a for a in (
    Actor("SRB", "Serbia", "state", country="SRB", cameo="SRB"),
    Actor("KAZ", "Kazakhstan", "state", country="KAZ", cameo="KAZ"),
    Actor("NOR", "Norway", "state", country="NOR", cameo="NOR"),
    Actor("RUS", "Russia", "state", country="RUS", cameo="RUS"),
    Actor("CHN", "China", "state", country="CHN", cameo="CHN"),
    Actor("IND", "India", "state", country="IND", cameo="IND"),
    Actor("BRA", "Brazil", "state", country="BRA", cameo="BRA"),
    Actor("PRK", "North Korea", "state", country="PRK", cameo="PRK"),
    Actor("BRICS", "BRICS", "bloc", cameo="IGOBRC"),
    Actor("person:milan-petrovic", "Milan Petrovic", "person", country="SRB", sector="GOV",
          role="Foreign Minister", cameo="SRBGOV"),
    Actor("org:danube-forum", "Danube Forum", "organisation", country="SRB"),
)}

# PLOVER type -> (CAMEO code, quad class, Goldstein intensity)
KINDS = {
    "CONSULT": ("040", 1, 1.0),
    "COOPERATE": ("050", 1, 3.5),
    "AID": ("070", 2, 7.0),
    "ACCUSE": ("110", 3, -2.0),
}

Act = tuple[str, str, str, str]  # sentence, source, target, PLOVER type


def article(article_id: str, published: date, acts: list[Act], title: str = "") -> Analysis:
    text = " ".join(act[0] for act in acts)
    events, at = [], 0
    for n, (sentence, source, target, plover) in enumerate(acts):
        start = text.index(sentence, at)
        at = start + len(sentence)
        cameo, quad, intensity = KINDS[plover]
        events.append(Event(source, target, plover, cameo, quad, intensity,
                            Evidence(sentence, start, at, article_id, n), date=published.isoformat(),
                            trigger=sentence.split()[1]))
    used = sorted({a for act in acts for a in act[1:3]})
    stored = Article(id=article_id, text=text, title=title or f"Report {article_id}", published=published,
                     url=f"https://news.example.org/{article_id}", language="en")
    return Analysis(stored, [], [ACTORS[a] for a in used], [], events)


def bloc_corpus() -> list[Analysis]:
    return [
        article("srb-apr", date(2025, 4, 15), [
            ("Serbia agreed with Russia on gas deliveries.", "SRB", "RUS", "COOPERATE"),
            ("Milan Petrovic met BRICS envoys in Belgrade.", "person:milan-petrovic", "BRICS", "CONSULT"),
            ("Serbia sent medical aid to Brazil.", "SRB", "BRA", "AID"),
            ("Norway accused Russia of cyber attacks.", "NOR", "RUS", "ACCUSE"),
        ], title="Serbia looks east"),
        article("members-may", date(2025, 5, 2), [
            ("India accused China of blocking a BRICS statement.", "IND", "CHN", "ACCUSE"),
            ("Kazakhstan consulted BRICS on trade rules.", "KAZ", "BRICS", "CONSULT"),
            ("The Danube Forum praised BRICS for its bank.", "org:danube-forum", "BRICS", "COOPERATE"),
        ], title=f"Rifts in the bloc {HOSTILE}"),
        article("prk-jun", date(2025, 6, 10), [
            ("Russia agreed with North Korea on a rail bridge.", "RUS", "PRK", "COOPERATE"),
            ("China accused North Korea of smuggling coal.", "CHN", "PRK", "ACCUSE"),
            ("North Korea agreed with Russia on arms shipments.", "PRK", "RUS", "COOPERATE"),
        ], title="Pyongyang between Moscow and Beijing"),
    ]
