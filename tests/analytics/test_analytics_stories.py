"""Stories and deduplicated events on real stores, from articles we wrote ourselves.

The corpus: three outlets report the same happening (Mongolia and Russia sign a rail corridor
pact, week 10 of 2024) on three days with their own wording, one through the foreign minister,
one with a hypothetical follow-up and a denied threat; two unrelated articles of the same days;
and the same act repeated two weeks later.  Every sentence is our own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from blocwatch.analytics import stories as stories_module
from blocwatch.analytics import story_clusters
from blocwatch.analytics.stories import (
    dedup_events,
    event_id,
    event_key,
    find_event,
    find_story,
    rolled_up,
    stories,
    watermark,
)
from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention
from blocwatch.store import Store
from blocwatch.store.models import EventRow
from blocwatch.store.syndication import Syndication, cluster_of

MONGOLIA = Actor("MNG", "Mongolia", "state", country="MNG", cameo="MNG")
RUSSIA = Actor("RUS", "Russia", "state", country="RUS", cameo="RUS")
CHINA = Actor("CHN", "China", "state", country="CHN", cameo="CHN")
IRAN = Actor("IRN", "Iran", "state", country="IRN", cameo="IRN")
MINISTER = Actor("person:oyun-batbayar", "Oyun Batbayar", "person", country="MNG", sector="GOV",
                 role="Foreign Minister", cameo="MNGGOV")
ACTORS = (MONGOLIA, RUSSIA, CHINA, IRAN, MINISTER)

# PLOVER type -> (CAMEO code, quad class, Goldstein intensity)
KINDS = {
    "COOPERATE": ("057", 2, 8.0),
    "ACCUSE": ("112", 3, -2.0),
    "THREATEN": ("130", 3, -4.4),
}


@dataclass(frozen=True)
class Line:
    """One sentence; an event when ``plover`` is set."""

    text: str
    source: str | None = None
    target: str | None = None
    plover: str | None = None
    date: str | None = None
    negated: bool = False
    hypothetical: bool = False


def article(article_id: str, site: str, published: date | None, title: str, lines: list[Line]) -> Analysis:
    text = " ".join(line.text for line in lines)
    record = Article(id=article_id, text=text, title=title, url=f"https://{site}/{article_id}",
                     source=f"https://{site}/", published=published, language="en")
    events, at = [], 0
    for n, line in enumerate(lines):
        start = text.index(line.text, at)
        at = start + len(line.text)
        if line.plover:
            cameo, quad, intensity = KINDS[line.plover]
            events.append(Event(line.source, line.target, line.plover, cameo, quad, intensity,
                                Evidence(line.text, start, at, article_id, n), negated=line.negated,
                                hypothetical=line.hypothetical, date=line.date, trigger=line.text.split()[1]))
    mentions, used = [], []
    for actor in ACTORS:  # a mention wherever the name is really written
        found = text.find(actor.name)
        if found >= 0:
            mentions.append(Mention(actor.name, found, found + len(actor.name), "GPE", actor.id, None))
            used.append(actor)
    return Analysis(record, mentions, used, [], events)


PACT_A = article("pact-a", "steppe-times.example", date(2024, 3, 5),
                 "Mongolia and Russia sign rail corridor pact in Ulaanbaatar", [
    Line("Ulaanbaatar hosted the ceremony for the new rail corridor to Siberia on Tuesday."),
    Line("Mongolia signed the rail corridor pact with Russia on Tuesday.", "MNG", "RUS", "COOPERATE",
         "2024-03-05"),
])
PACT_B = article("pact-b", "northern-post.example", date(2024, 3, 6),
                 "Rail corridor deal ties Ulaanbaatar closer to Moscow", [
    Line("The rail corridor deal signed in Ulaanbaatar gives Moscow a new freight route south."),
    Line("Oyun Batbayar signed the corridor agreement with Russia.", "person:oyun-batbayar", "RUS",
         "COOPERATE", "2024-03-05"),
    Line("Mongolia could sign further transit deals with Russia.", "MNG", "RUS", "COOPERATE",
         hypothetical=True),
])
PACT_C = article("pact-c", "wire.example", date(2024, 3, 7),
                 "Mongolia, Russia agree on new rail corridor", [
    Line("Mongolia and Russia agreed on a rail corridor this week, officials in Ulaanbaatar said."),
    Line("Mongolia concluded the corridor accord with Russia this week.", "MNG", "RUS", "COOPERATE"),
    Line("Mongolia finalised the freight terms with Russia as well.", "MNG", "RUS", "COOPERATE"),
    Line("Russia did not threaten Mongolia over the cost of the corridor.", "RUS", "MNG", "THREATEN",
         negated=True),
])
STEEL = article("steel", "northern-post.example", date(2024, 3, 6),
                "Mongolia accuses China of dumping steel", [
    Line("Steel mills in Darkhan say cheap imports are ruining them."),
    Line("Mongolia accused China of dumping steel below cost.", "MNG", "CHN", "ACCUSE", "2024-03-06"),
])
TANKER = article("tanker", "wire.example", date(2024, 3, 5), "Iran protests over seized tanker", [
    Line("A tanker carrying crude was held at a Gulf port for a second week."),
    Line("Iran accused China of withholding the tanker's papers.", "IRN", "CHN", "ACCUSE", "2024-03-04"),
])
PACT_LATER = article("pact-later", "steppe-times.example", date(2024, 3, 20),
                     "Mongolia and Russia sign a second rail corridor pact", [
    Line("A second rail corridor, to the western provinces, was agreed in Ulaanbaatar."),
    Line("Mongolia signed the western corridor pact with Russia on Wednesday.", "MNG", "RUS", "COOPERATE",
         "2024-03-20"),
])
CORPUS = [PACT_A, PACT_B, PACT_C, STEEL, TANKER, PACT_LATER]
PACT = {"pact-a", "pact-b", "pact-c"}

# The pinned id of the rail pact: a pure function of the key, so it must never change.
PACT_KEY = "MNG|RUS|057|2024-W10|fact"
PACT_ID = "ev-865adfd0911526e8"


def _fill(url: str, corpus: list[Analysis]) -> Store:
    store = Store(url)
    for analysis in corpus:
        store.save_analysis(analysis)
    return store


@pytest.fixture
def filled(backend_url: str) -> Iterator[Store]:
    store = _fill(backend_url, CORPUS)
    yield store
    store.close()


def _events(store: Store, article_ids: list[str]) -> dict[str, stories_module.DedupedEvent]:
    with store.session() as session:
        return {e.key: e for e in dedup_events(session, article_ids=article_ids)}


def _groups(store: Store) -> set[frozenset[str]]:
    with store.session() as session:
        return {frozenset(s.article_ids) for s in stories(session)}


def test_event_key_and_id_are_pure() -> None:
    assert event_key("MNG", "RUS", "057", date(2024, 3, 5), False, False) == PACT_KEY
    # Any day of the same ISO week gives the same key; the next week does not.
    assert event_key("MNG", "RUS", "057", date(2024, 3, 10), False, False) == PACT_KEY
    assert event_key("MNG", "RUS", "057", date(2024, 3, 11), False, False) != PACT_KEY
    assert event_key(None, "RUS", "057", None, True, False) == "-|RUS|057|undated|hypothetical"
    assert event_key("MNG", "RUS", "057", None, True, True).endswith("|negated")  # negation wins
    assert event_id(PACT_KEY) == PACT_ID
    assert rolled_up("person:oyun-batbayar", "person", "MNG") == "MNG"
    assert rolled_up("org:steppe-institute", "organisation", "MNG") == "org:steppe-institute"
    assert rolled_up("person:nobody", "person", "") == "person:nobody"


def test_mentions_fold_across_articles_and_persons_roll_up(filled: Store) -> None:
    events = _events(filled, ["pact-a", "pact-b", "pact-c"])
    pact = events[PACT_KEY]
    assert pact.id == PACT_ID
    # pact-a once, pact-b through the minister (rolled up to Mongolia), pact-c twice (undated
    # sentences fall on its publication day, in the same week).
    assert pact.mentions == 4 and pact.articles == 3
    assert [e["article_id"] for e in pact.evidence].count("pact-c") == 2
    assert {e["source_actor"] for e in pact.evidence} == {"MNG", "person:oyun-batbayar"}
    assert pact.day == date(2024, 3, 5)
    assert pact.source == "MNG" and pact.target == "RUS"
    # Status splits ids: the hypothetical follow-up and the denied threat are their own events.
    hypothetical = events["MNG|RUS|057|2024-W10|hypothetical"]
    negated = events["RUS|MNG|130|2024-W10|negated"]
    assert hypothetical.mentions == 1 and hypothetical.hypothetical
    assert negated.mentions == 1 and negated.negated
    assert len({pact.id, hypothetical.id, negated.id}) == 3
    assert len(events) == 3


def test_evidence_points_into_the_stored_sentences(filled: Store) -> None:
    events = _events(filled, [a.article.id for a in CORPUS])
    texts = {a.article.id: a.article.text for a in CORPUS}
    for event in events.values():
        for ev in event.evidence:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["sentence"]


def test_repeated_act_in_another_week_is_another_event(filled: Store) -> None:
    events = _events(filled, ["pact-a", "pact-later"])
    later = events["MNG|RUS|057|2024-W12|fact"]
    assert later.id != PACT_ID and later.mentions == 1
    assert events[PACT_KEY].mentions == 1  # only pact-a asked for


def test_ids_survive_reanalysis(filled: Store) -> None:
    before = {k: (e.id, e.mentions) for k, e in _events(filled, ["pact-a", "pact-b", "pact-c"]).items()}
    of_pact = select(EventRow.id).where(EventRow.article_id.in_(PACT))
    with filled.session() as session:
        rows_before = set(session.scalars(of_pact))
    for analysis in (PACT_C, PACT_B, PACT_A):
        filled.save_analysis(analysis)
    with filled.session() as session:
        rows_after = set(session.scalars(of_pact))
    assert rows_before.isdisjoint(rows_after)  # every event row was replaced ...
    after = {k: (e.id, e.mentions) for k, e in _events(filled, ["pact-a", "pact-b", "pact-c"]).items()}
    assert after == before  # ... and the deduplicated ids and counts are the same


def test_same_ids_on_sqlite_and_postgresql(sqlite_url: str, postgres_url: str) -> None:
    found = []
    for url in (sqlite_url, postgres_url):
        store = _fill(url, CORPUS)
        try:
            events = _events(store, [a.article.id for a in CORPUS]).values()
            found.append({(e.id, e.mentions, e.articles) for e in events})
        finally:
            store.close()
    assert found[0] == found[1]
    assert (PACT_ID, 4, 3) in found[0]


def test_find_event_by_id_over_the_whole_store(filled: Store) -> None:
    with filled.session() as session:
        pact = find_event(session, PACT_ID)
        assert pact is not None and pact.key == PACT_KEY and pact.mentions == 4
        assert find_event(session, "ev-0000000000000000") is None
        later = find_event(session, event_id("MNG|RUS|057|2024-W12|fact"))
        assert later is not None and [e["article_id"] for e in later.evidence] == ["pact-later"]
    filled.save_analysis(article("pact-e", "wire.example", date(2024, 3, 9), "Corridor pact hailed", [
        Line("Mongolia praised the corridor pact it signed with Russia.", "MNG", "RUS", "COOPERATE",
             "2024-03-05"),
    ]))
    with filled.session() as session:  # a new mention: the index follows the watermark
        grown = find_event(session, PACT_ID)
        assert grown is not None and grown.mentions == 5 and grown.articles == 4


def test_dedup_by_event_rows_and_empty_selections(filled: Store) -> None:
    with filled.session() as session:
        ids = list(session.scalars(select(EventRow.id).where(EventRow.article_id.in_(["pact-a", "pact-b"]))))
        folded = dedup_events(session, event_ids=ids)
        assert dedup_events(session, article_ids=[]) == []
        assert dedup_events(session, event_ids=[]) == []
        assert dedup_events(session) == []
    assert {e.key: e.mentions for e in folded} == {PACT_KEY: 2, "MNG|RUS|057|2024-W10|hypothetical": 1}


def test_stories_group_the_same_happening(filled: Store) -> None:
    assert _groups(filled) == {frozenset(PACT), frozenset({"steel"}), frozenset({"tanker"}),
                               frozenset({"pact-later"})}
    with filled.session() as session:
        every = stories(session)
    pact = next(s for s in every if set(s.article_ids) == PACT)
    assert pact.id == "pact-a" and pact.article_ids == ["pact-a", "pact-b", "pact-c"]
    assert pact.first == date(2024, 3, 5) and pact.last == date(2024, 3, 7)
    assert pact.title == PACT_A.article.title
    assert pact.actors[:2] == ["MNG", "RUS"]  # shared by at least two of its articles
    assert "person:oyun-batbayar" not in pact.actors  # only pact-b names her
    # Newest first: the later pact, then the rail story (last day 7 March), then the others.
    assert [s.id for s in every][:2] == ["pact-later", "pact-a"]


def test_grouping_does_not_depend_on_insertion_order(filled: Store, tmp_path: Path) -> None:
    expected = _groups(filled)
    for n, order in enumerate([CORPUS[::-1], [CORPUS[i] for i in (3, 2, 5, 0, 4, 1)]]):
        other = _fill(f"sqlite:///{tmp_path / f'order-{n}.db'}", order)
        try:
            assert _groups(other) == expected
        finally:
            other.close()


def test_story_id_is_stable_as_the_story_grows(backend_url: str) -> None:
    store = _fill(backend_url, [PACT_B, STEEL])
    try:
        with store.session() as session:
            assert find_story(session, "pact-b").id == "pact-b"  # type: ignore[union-attr]
        store.save_analysis(PACT_C)  # a later report joins
        with store.session() as session:
            grown = find_story(session, "pact-b")
            assert grown is not None and grown.id == "pact-b" and grown.article_ids == ["pact-b", "pact-c"]
        store.save_analysis(PACT_A)  # an earlier report joins: the story now starts with it ...
        with store.session() as session:
            earliest = find_story(session, "pact-a")
            assert earliest is not None and earliest.id == "pact-a" and earliest.size == 3
            # ... and the former id still leads to it, through its member article.
            assert find_story(session, "pact-b") == earliest
            assert find_story(session, "steel").id == "steel"  # type: ignore[union-attr]
            assert find_story(session, "no-such-article") is None
    finally:
        store.close()


def test_syndicated_copies_are_one_story_whatever_they_say(backend_url: str) -> None:
    wire = ("Herders in the Gobi lost thousands of animals this winter after heavy snow covered the "
            "pastures for weeks, and aid groups warned that the spring thaw could bring floods to the "
            "valleys where families have moved their remaining herds. Veterinarians travelled by "
            "camel to reach the most remote camps, where fodder ran out in January and many families "
            "burned dung to keep their gers warm through nights of forty degrees below zero.")
    # No actor is named, so only the syndication cluster can join them; days apart on purpose.
    first = Analysis(Article(id="dzud-1", text=wire + " Reporting by our correspondent.",
                             title="Harsh winter kills herds", url="https://steppe-times.example/dzud",
                             published=date(2024, 2, 1)))
    copy = Analysis(Article(id="dzud-2", text=wire + " Additional reporting from the capital.",
                            title="A deadly dzud", url="https://wire.example/dzud",
                            published=date(2024, 2, 9)))
    store = _fill(backend_url, [first, copy])
    try:
        with store.session() as session:
            assert {frozenset(s.article_ids) for s in stories(session)} == {frozenset({"dzud-1"}),
                                                                            frozenset({"dzud-2"})}
        Syndication(store).assign(["dzud-1", "dzud-2"])
        one, two = cluster_of(store, "dzud-1"), cluster_of(store, "dzud-2")
        assert one is not None and one == two
        with store.session() as session:  # the watermark counts clustered articles
            story = find_story(session, "dzud-2")
            assert story is not None and story.id == "dzud-1" and story.size == 2
    finally:
        store.close()


def test_cache_follows_the_watermark(filled: Store) -> None:
    with filled.session() as session:
        mark = watermark(session)
        first = stories(session)
        assert stories(session) is first  # nothing changed: the cached list itself
        assert watermark(session) == mark
    filled.save_analysis(article("pact-d", "wire.example", date(2024, 3, 8),
                                 "Russia hails rail corridor with Mongolia", [
        Line("Moscow hailed the rail corridor to Ulaanbaatar as a lifeline for freight."),
        Line("Russia welcomed the rail corridor pact with Mongolia.", "RUS", "MNG", "COOPERATE",
             "2024-03-05"),
    ]))
    with filled.session() as session:
        assert watermark(session) != mark
        again = stories(session)
    assert again is not first
    assert next(s for s in again if "pact-d" in s.article_ids).article_ids == ["pact-a", "pact-b", "pact-c",
                                                                               "pact-d"]
    # Re-analysing an article with new wording changes the watermark too.
    with filled.session() as session:
        mark = watermark(session)
    filled.save_analysis(TANKER)
    with filled.session() as session:
        assert watermark(session) != mark


def test_only_the_same_happening_links_within_the_window(tmp_path: Path) -> None:
    store = _fill(f"sqlite:///{tmp_path / 'pairs.db'}", CORPUS)
    try:
        with store.session() as session:
            docs = {d.id: d for d in story_clusters.load_docs(session)}
    finally:
        store.close()
    window = stories_module.WINDOW_DAYS
    checked = 0
    for x, y in itertools.combinations(sorted(docs), 2):
        a, b = docs[x], docs[y]
        assert a.day is not None and b.day is not None
        if abs((a.day - b.day).days) > window:
            continue
        checked += 1
        assert story_clusters.linked(a, b) == ({x, y} <= PACT), (x, y, story_clusters.similarity(a, b))
    assert checked == 10  # every pair of the five articles of 5-7 March
