"""Camps from a signed actor graph, on SQLite and PostgreSQL, with our own two-camp corpus."""

from __future__ import annotations

from datetime import date

import pytest
from camps_corpus import EAST, WEST, camps_corpus

from blocwatch.analytics.camps import CampParams, Edge, build_edges, camps, detect_camps
from blocwatch.analytics.relations import PairEvent
from blocwatch.records import Article
from blocwatch.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in camps_corpus():
        store.save_analysis(analysis)
    return store


def test_two_camps_found_and_set_against_blocs(filled: Store) -> None:
    with filled.session() as session:
        result = camps(session)
    members = [set(c.members) for c in result.camps]
    assert set(WEST) in members
    assert set(EAST) | {"TUR"} in members  # Turkey sides with the east despite NATO
    assert len(result.camps) == 2 and result.unaligned == []
    # Persons count for their country: the minister's talks are a Russia-China edge.
    assert "person:ivan-sokolov" not in result.nodes
    west = next(c for c in result.camps if "USA" in c.members)
    east = next(c for c in result.camps if "RUS" in c.members)
    # France's complaint about US tariffs is friction inside the western camp.
    assert 0 < west.frustration < 0.2 and east.frustration == 0.0
    assert 0.5 < west.cohesion <= 1 and 0.5 < east.cohesion <= 1
    assert result.frustration is not None and 0 < result.frustration < 0.2
    # Camps against formal blocs: the west is NATO (and the G7) on its present members.
    assert west.blocs[0]["id"] in ("NATO", "G7") and west.blocs[0]["jaccard"] >= 0.8
    assert {"NATO", "G7"} & {b["id"] for b in west.blocs}
    brics = next(b for b in east.blocs if b["id"] == "BRICS")
    assert brics["jaccard"] == round(3 / 5, 4) and brics["shared"] == ["CHN", "IRN", "RUS"]
    nato = next(b for b in result.blocs if b["id"] == "NATO")
    assert nato["split"] == {str(west.number): sorted(WEST), str(east.number): ["TUR"]}
    assert nato["camps"] == 2 and nato["concentration"] == 0.8


def test_edges_keep_evidence_and_skip_negated(filled: Store) -> None:
    with filled.session() as session:
        result = camps(session)
    edges = {(e.a, e.b): e for e in result.edges}
    rus_chn = edges[("CHN", "RUS")]
    # Three negated sanctions never count: the pair stays purely cooperative.
    assert rus_chn.negative == 0 and rus_chn.positive > 0 and rus_chn.events == 3
    assert edges[("GBR", "RUS")].weight < 0
    # Every edge's event ids point at stored events between those two actors.
    with filled.session() as session:
        from blocwatch.store.models import EventRow

        rows = {r.id: r for r in session.query(EventRow).filter(EventRow.id.in_(rus_chn.event_ids))}
    assert len(rows) == 3 and all(not r.negated for r in rows.values())
    # The hypothetical Iran-China pact counts at half weight.
    assert edges[("CHN", "IRN")].events == 3
    data = result.to_json()
    assert {n["id"] for n in data["nodes"]} == set(WEST) | set(EAST) | {"TUR"}
    assert all(e["event_ids"] for e in data["edges"])


def test_options_min_events_and_dates(filled: Store) -> None:
    with filled.session() as session:
        everything = camps(session)
        strict = camps(session, params=CampParams(min_events=2))
        january = camps(session, until=date(2025, 1, 31))
        later = camps(session, since=date(2025, 2, 1))
    assert ("TUR", "USA") in {(e.a, e.b) for e in everything.edges}
    assert ("TUR", "USA") not in {(e.a, e.b) for e in strict.edges}  # one accusation only
    assert all(e.events >= 2 for e in strict.edges)
    assert "TUR" not in january.nodes and january.as_of == date(2025, 1, 31)
    assert {frozenset(c.members) for c in january.camps} >= {frozenset(WEST), frozenset(EAST)}
    assert later.since == date(2025, 2, 1) and "TUR" in later.nodes
    with filled.session() as session:
        with pytest.raises(ValueError, match="min_events"):
            camps(session, params=CampParams(min_events=0))
        with pytest.raises(ValueError, match="since"):
            camps(session, since=date(2025, 3, 1), until=date(2025, 1, 1))


def test_empty_store_and_no_cooperation(store: Store) -> None:
    with store.session() as session:
        empty = camps(session)
    assert empty.camps == [] and empty.edges == [] and empty.frustration is None
    assert detect_camps(["A", "B"], [Edge("A", "B", 0.0, 3.0, [1])]) == [["A"], ["B"]]


def test_recency_and_hypothetical_weights() -> None:
    def ev(n: int, day: date, intensity: float, hypothetical: bool = False) -> PairEvent:
        return PairEvent(n, "x", "AAA", "BBB", "AAA", "BBB", "COOPERATE", 1, intensity, False,
                         hypothetical, day, False)

    as_of = date(2025, 7, 1)
    edges = build_edges([ev(1, as_of, 4.0), ev(2, date(2024, 12, 31), 4.0), ev(3, as_of, 4.0, True)], as_of)
    # Fresh 4.0 + half-life-old 4.0 * 0.5 + hypothetical 4.0 * 0.5.
    assert edges[0].positive == pytest.approx(4.0 + 4.0 * 0.5 ** (182 / 180) + 2.0)
    assert edges[0].event_ids == [1, 2, 3]


def test_deterministic(filled: Store) -> None:
    with filled.session() as session:
        first = camps(session).to_json()
        second = camps(session).to_json()
    assert first == second


@pytest.mark.shared
def test_seed_camps(seed_store: tuple[Store, Article]) -> None:
    store, article = seed_store
    with store.session() as session:
        result = camps(session)
    assert "PRK" in result.nodes and result.edges
    # North Korea shares a camp with Russia (its cooperation with Moscow is the seed's story).
    assert result.camp_of("PRK") is not None and result.camp_of("PRK") == result.camp_of("RUS")
