"""Alignment scores on real stores, checked against the documented formula by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest
from analytics_corpus import Act, mongolia_corpus, story

from blocwatch.analytics import AlignmentParams, alignment, partners
from blocwatch.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    return store


def _w(age_days: int, half_life: float = 180.0) -> float:
    return float(0.5 ** (age_days / half_life))


def test_toward_states(filled: Store) -> None:
    with filled.session() as session:
        russia = alignment(session, "MNG", "RUS")
        china = alignment(session, "MNG", "CHN")
        nobody = alignment(session, "MNG", "IND")
    assert russia.score == 1.0 and russia.label == "cooperative"
    assert russia.as_of == date(2024, 3, 4)
    assert russia.events == 2  # the undated consultation cannot be weighted by age
    w_jan = _w(54)
    assert russia.confidence == pytest.approx(1 - math.exp(-(1 + w_jan) / 5), abs=1e-4)
    # Only Mongolia's own accusation: China's (reverse direction), the negated threat (never
    # happened) and the institute's (not the state) are all left out.
    assert china.score == -1.0 and china.events == 1 and china.label == "strained"
    assert [e["sentence"] for e in china.evidence] == ["Mongolia accused China of dumping steel."]
    assert nobody.score is None and nobody.confidence == 0.0 and nobody.label == "unknown"
    assert nobody.trend["direction"] == "unknown"


def test_toward_bloc_with_members_on_the_day(filled: Store) -> None:
    with filled.session() as session:
        bloc = alignment(session, "MNG", "BRICS")
        direct_only = alignment(session, "MNG", "BRICS", params=AlignmentParams(member_weight=0))
    as_of = date(2024, 3, 4)
    assert bloc.as_of == as_of
    feb20 = _w((as_of - date(2024, 2, 20)).days)
    # Direct: the minister's meeting (counts for Mongolia) and the half-weight intention.
    direct = [(1.0, feb20), (3.5, 0.5 * feb20)]
    # Members: Russia twice, China once, Iran (a member since 1 January 2024), each at 0.25.
    members = [(3.5, 0.25 * _w(54)), (7.0, 0.25), (-2.0, 0.25 * _w(53)),
               (3.5, 0.25 * _w((as_of - date(2024, 2, 19)).days))]
    both = direct + members
    expected = sum(g * w for g, w in both) / sum(abs(g) * w for g, w in both)
    assert bloc.score == pytest.approx(expected, abs=1e-4)
    assert bloc.direct["events"] == 2 and bloc.via_members["events"] == 4
    assert {e["via"] for e in bloc.evidence} == {None, "RUS", "CHN", "IRN"}
    assert direct_only.score == 1.0 and direct_only.events == 2
    # Evidence is ordered by weight of contribution and carries its sentence and article.
    top = bloc.evidence[0]
    assert abs(top["contribution"]) == max(abs(e["contribution"]) for e in bloc.evidence)
    assert top["sentence"] and top["article_id"].startswith("mn-")


def test_membership_is_dated(store: Store) -> None:
    store.save_analysis(story("ir-old", date(2023, 6, 2), [
        Act("Mongolia signed a wool deal with Iran.", "MNG", "IRN", "COOPERATE", "2023-06-01")]))
    store.save_analysis(story("ir-bloc", date(2023, 6, 3), [
        Act("Mongolia accused BRICS of ignoring it.", "MNG", "BRICS", "ACCUSE", "2023-06-03")]))
    with store.session() as session:
        result = alignment(session, "MNG", "BRICS")
    # Iran was not a member of BRICS in June 2023: its deal says nothing about the bloc.
    assert result.via_members["events"] == 0 and result.score == -1.0


def test_recency_trend_and_as_of(store: Store) -> None:
    store.save_analysis(story("cn-2023", date(2023, 3, 4), [
        Act("Mongolia sanctioned China over a border incident.", "MNG", "CHN", "SANCTION", "2023-03-04")]))
    store.save_analysis(story("cn-nov", date(2023, 11, 1), [
        Act("Mongolia accused China of spying.", "MNG", "CHN", "ACCUSE", "2023-11-01")]))
    store.save_analysis(story("cn-2024", date(2024, 3, 4), [
        Act("Mongolia agreed with China on a new bridge.", "MNG", "CHN", "COOPERATE", "2024-03-04")]))
    with store.session() as session:
        recent = alignment(session, "MNG", "CHN")
        flat = alignment(session, "MNG", "CHN", params=AlignmentParams(half_life_days=1e9))
        earlier = alignment(session, "MNG", "CHN", as_of=date(2023, 12, 31))
    old, nov = _w(366), _w(124)
    assert recent.score == pytest.approx((3.5 - 8 * old - 2 * nov) / (3.5 + 8 * old + 2 * nov), abs=1e-4)
    assert recent.score is not None and recent.score > 0  # the fresh accord outweighs the old sanction
    assert flat.score is not None and flat.score < 0  # without recency the sanction dominates
    assert recent.trend["recent"] == 1.0 and recent.trend["previous"] == -1.0
    assert recent.trend["change"] == 2.0 and recent.trend["direction"] == "warming"
    # "As of" the end of 2023 the accord had not happened; the sanction makes it hostile.
    assert earlier.events == 2 and earlier.label == "hostile"
    assert earlier.trend["direction"] == "unknown"


def test_partners_and_rivals(filled: Store) -> None:
    with filled.session() as session:
        ranked = partners(session, "MNG", limit=3)
        chinese = partners(session, "CHN")
    assert [p["id"] for p in ranked["partners"]] == ["BRICS", "RUS", "IRN"]
    assert ranked["partners"][1]["name"] == "Russia"
    assert [p["id"] for p in ranked["rivals"]] == ["CHN"]
    assert ranked["rivals"][0]["label"] == "strained"
    assert chinese["partners"] == [] and [r["id"] for r in chinese["rivals"]] == ["MNG"]


def test_evidence_is_read_in_chunks_and_can_be_limited(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy pair's evidence is read in chunks of ids (PostgreSQL takes at most 65,535
    parameters a statement: a pair with 89k events failed); a page asks for the strongest few."""
    import importlib

    # The package's name ``alignment`` is the function; the module is reached by its path.
    alignment_module = importlib.import_module("blocwatch.analytics.alignment")

    with filled.session() as session:
        whole = alignment(session, "MNG", "BRICS")
        monkeypatch.setattr(alignment_module, "_ID_CHUNK", 2)
        chunked = alignment(session, "MNG", "BRICS")
        top = alignment(session, "MNG", "BRICS", evidence_limit=2)
    assert len(whole.evidence) == whole.evidence_total == 6
    assert chunked.evidence == whole.evidence
    assert top.evidence == whole.evidence[:2] and top.evidence_total == 6
    assert top.to_json()["evidence_total"] == 6
