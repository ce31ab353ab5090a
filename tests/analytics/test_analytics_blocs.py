"""Bloc analytics and the alignment map on real stores (SQLite and PostgreSQL).

The news is the invented Mongolia corpus (``analytics_corpus``) plus one article of our own about
BRICS members quarrelling; the memberships are the built-in knowledge base's, or an invented bloc
with a member that left, to check that member evidence follows the membership on the event's day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from analytics_corpus import Act, mongolia_corpus, story
from sqlalchemy import event

from blocwatch.analytics import alignment
from blocwatch.analytics.blocs import alignment_map, bloc_profile, member_counts, timeline
from blocwatch.knowledge import Entry, KnowledgeBase, Membership
from blocwatch.store import Store

QUARREL = [
    Act("China agreed with Russia on a new gas price.", "CHN", "RUS", "COOPERATE", "2024-03-19"),
    Act("Iran accused China of breaking an oil deal.", "IRN", "CHN", "ACCUSE", "2024-03-19"),
    # Iran joined BRICS on 2024-01-01 and the SCO on 2023-07-04: this act predates both.
    Act("Mongolia agreed with Iran on wool exports in 2023.", "MNG", "IRN", "COOPERATE", "2023-06-01"),
    Act("The Steppe Institute accused BRICS of secrecy.", "org:steppe-institute", "BRICS", "ACCUSE",
        "2024-03-19"),
]

STEPPE = Entry("STEPPE", "Steppe Pact", "bloc", members=(
    Membership("RUS", date(2000, 1, 1), None),
    Membership("CHN", date(2000, 1, 1), date(2023, 12, 31)),  # left before the corpus begins
    Membership("MNG", date(2024, 6, 1), None, "candidate"),
))


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    store.save_analysis(story("quarrel", date(2024, 3, 20), QUARREL))
    return store


@contextmanager
def counted_queries(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def _same_as_alignment(
    session: Any, item: dict[str, Any], toward: str, kb: KnowledgeBase | None = None
) -> None:
    alone = alignment(session, item["id"], toward, kb=kb, evidence=False)
    expected = (alone.score, alone.confidence, alone.events)
    assert (item["score"], item["confidence"], item["events"]) == expected


def test_brics_profile(filled: Store) -> None:
    with filled.session() as session:
        profile = bloc_profile(session, "BRICS", on=date(2024, 6, 1))
        assert profile is not None
        for group in ("aligned", "drifting"):
            for item in profile[group]:
                _same_as_alignment(session, item, "BRICS")
    assert profile["bloc"]["name"] == "BRICS" and profile["bloc"]["kind"] == "bloc"
    assert [m["id"] for m in profile["members"]] == sorted(
        ["BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE"])
    # Mongolia, a non-member: its acts toward BRICS and toward members on the event's day (the
    # 2023 accord with Iran predates Iran's membership, the undated consultation has no age).
    [mongolia] = profile["aligned"]
    assert mongolia["id"] == "MNG" and mongolia["status"] is None and mongolia["score"] > 0
    assert mongolia["events"] == 6 and mongolia["direct_events"] == 2 and mongolia["via_members_events"] == 4
    assert mongolia["evidence"] and all(e["sentence"] for e in mongolia["evidence"])
    assert "Mongolia agreed with Iran on wool exports in 2023." not in {
        e["sentence"] for e in mongolia["evidence"]}
    # The institute is not a country; nobody outside is hostile.
    assert profile["opposed"] == []
    # Members drifting away: Iran's accusation of China first, then China's deal with Russia.
    assert [(m["id"], m["score"]) for m in profile["drifting"]] == [("IRN", -1.0), ("CHN", 1.0)]
    assert profile["drifting"][0]["evidence"][0]["via"] == "CHN"
    assert [(c["id"], c["status"], c["since"]) for c in profile["candidates"]] == [
        ("SAU", "invited", "2024-01-01")]


def test_candidates_follow_the_day(filled: Store) -> None:
    with filled.session() as session:
        later = bloc_profile(session, "brics", on=date(2025, 7, 1))
        sco = bloc_profile(session, "SCO", on=date(2024, 6, 1))
    assert later is not None and sco is not None
    statuses = [(c["id"], c["status"]) for c in later["candidates"]]
    assert statuses[0] == ("SAU", "invited")
    assert ("BLR", "partner") in statuses and ("VNM", "partner") in statuses
    assert "IDN" in {m["id"] for m in later["members"]}
    # Mongolia is an SCO observer: a candidate and an aligned non-member, its 2023 Iran accord
    # again left out (Iran joined the SCO on 2023-07-04).
    assert ("MNG", "observer") in [(c["id"], c["status"]) for c in sco["candidates"]]
    [mongolia] = sco["aligned"]
    assert mongolia["status"] == "observer" and mongolia["via_members_events"] == 4


def test_leavers_and_invented_bloc(filled: Store) -> None:
    kb = KnowledgeBase([STEPPE])
    assert [(r["id"], r["status"], r["end"]) for r in timeline(STEPPE, kb)] == [
        ("CHN", "member", "2023-12-31"), ("RUS", "member", None), ("MNG", "candidate", None)]
    assert member_counts(STEPPE) == [{"date": "2000-01-01", "members": 2},
                                     {"date": "2024-01-01", "members": 1}]
    with filled.session() as session:
        profile = bloc_profile(session, "STEPPE", kb=kb, on=date(2024, 7, 1))
        assert profile is not None
        for item in profile["aligned"]:
            _same_as_alignment(session, item, "STEPPE", kb)
    # China left: Mongolia's accusation of China no longer counts, China itself is an outsider.
    assert [(i["id"], i["status"], i["events"]) for i in profile["aligned"]] == [
        ("MNG", "candidate", 2), ("CHN", None, 1)]
    assert profile["candidates"] == [
        {"id": "MNG", "name": "MNG", "status": "candidate", "since": "2024-06-01"}]
    assert profile["drifting"] == []


def test_not_a_bloc(filled: Store) -> None:
    with filled.session() as session:
        assert bloc_profile(session, "MNG") is None
        assert bloc_profile(session, "NOPE") is None


def test_map_in_one_pass(filled: Store) -> None:
    with filled.session() as session, counted_queries(filled) as statements:
        brics = alignment_map(session, "BRICS")
        russia = alignment_map(session, "RUS")
        mongolia = alignment_map(session, "MNG")
    # Two queries per map (all events; the sources' names and kinds), whatever the country count.
    assert len(statements) == 6
    assert {c["id"] for c in brics} == {"MNG", "CHN", "IRN"}  # no institute, not BRICS itself
    assert [c["score"] for c in brics] == sorted((c["score"] for c in brics), reverse=True)
    assert [(c["id"], c["score"]) for c in russia] == [("CHN", 1.0), ("MNG", 1.0)]
    assert [(c["id"], c["score"], c["label"]) for c in mongolia] == [("CHN", -1.0, "strained")]
    by_id = {c["id"]: c for c in brics}
    assert by_id["CHN"]["score"] == 1.0 and by_id["IRN"]["score"] == -1.0
    assert by_id["MNG"]["name"] == "Mongolia" and by_id["MNG"]["articles"] == 3
    with filled.session() as session:
        for toward, items in (("BRICS", brics), ("RUS", russia), ("MNG", mongolia)):
            for item in items:
                _same_as_alignment(session, item, toward)


def test_map_of_an_empty_store(store: Store) -> None:
    with store.session() as session:
        assert alignment_map(session, "PRK") == []
        profile = bloc_profile(session, "NATO", on=date(2024, 6, 1))
    assert profile is not None and profile["aligned"] == [] and profile["drifting"] == []
    assert {"FIN", "SWE", "USA"} <= {m["id"] for m in profile["members"]}
