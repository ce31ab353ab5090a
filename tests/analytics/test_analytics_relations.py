"""Relations over time on real stores (SQLite and PostgreSQL) from our invented Mongolia corpus."""

from __future__ import annotations

from datetime import date

import pytest
from analytics_corpus import mongolia_corpus
from sqlalchemy import select

from blocwatch.analytics import event_day, period_of, relations
from blocwatch.store import Store
from blocwatch.store.models import EventRow


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    return store


def _ids(store: Store) -> dict[str, int]:
    """Event id by the first three words of its sentence (unique in the corpus)."""
    with store.session() as session:
        rows = session.execute(select(EventRow.id, EventRow.sentence))
        return {" ".join(sentence.split()[:3]): int(i) for i, sentence in rows}


def test_event_day_resolution() -> None:
    published = date(2024, 2, 20)
    assert event_day("2024-02-19", published) == (date(2024, 2, 19), False)
    # A partial date is made precise by the publication date when that lies inside it ...
    assert event_day("2024-02", published) == (published, False)
    assert event_day("2024", published) == (published, False)
    # ... otherwise it is the first day of the stated period, flagged approximate.
    assert event_day("2023-11", published) == (date(2023, 11, 1), True)
    # An ISO week ("last week"): the publication day inside it, else its Monday, approximate.
    assert event_day("2024-W08", published) == (published, False)
    assert event_day("2024-W07", published) == (date(2024, 2, 12), True)
    assert event_day(None, published) == (published, False)
    assert event_day(None, None) == (None, False)
    assert event_day("2024-13", None) == (None, False)


def test_period_labels() -> None:
    assert period_of(date(2024, 9, 25), "month") == ("2024-09", date(2024, 9, 1))
    assert period_of(date(2024, 9, 25), "week") == ("2024-W39", date(2024, 9, 23))
    # ISO weeks belong to the ISO year: 30 December 2024 is in week 1 of 2025.
    assert period_of(date(2024, 12, 30), "week") == ("2025-W01", date(2024, 12, 30))


def test_monthly_undirected_pair(filled: Store) -> None:
    ids = _ids(filled)
    with filled.session() as session:
        rel = relations(session, "MNG", "CHN")
    out = rel.to_json()
    assert [p["period"] for p in out["points"]] == ["2024-01", "2024-02", "2024-03"]
    jan, feb, mar = out["points"]
    # The negated threat is listed but never counted.
    assert jan["events"] == 1 and jan["counts"] == {"1": 0, "2": 0, "3": 1, "4": 0}
    assert jan["event_ids"] == [ids["Mongolia accused China"]]
    assert jan["negated_ids"] == [ids["China did not"]]
    assert jan["intensity_sum"] == -2.0 and jan["intensity_mean"] == -2.0
    # February has no MNG-CHN event: filled in so the chart's axis has no hole.
    assert feb["events"] == 0 and feb["intensity_mean"] is None and feb["event_ids"] == []
    # March: China's accusation counts (undirected); the institute is not Mongolia.
    assert mar["event_ids"] == [ids["China accused Mongolia"]]
    assert out["totals"]["events"] == 2 and out["totals"]["negated"] == 1
    assert out["totals"]["intensity_mean"] == -2.0


def test_directed_and_rollup(filled: Store) -> None:
    ids = _ids(filled)
    with filled.session() as session:
        directed = relations(session, "CHN", "MNG", directed=True)
        plain = relations(session, "MNG", "BRICS")
        rolled = relations(session, "MNG", "BRICS", rollup=True)
    assert directed.totals["events"] == 1
    assert directed.points[-1].event_ids == [ids["China accused Mongolia"]]
    # Without roll-up the minister's meeting is not Mongolia's; the hypothetical is kept apart.
    assert plain.totals["events"] == 0 and plain.totals["hypothetical"] == 1
    assert [p.period for p in rolled.points] == ["2024-02"]
    feb = rolled.points[0]
    assert feb.event_ids == [ids["Oyun Batbayar met"]]
    assert feb.hypothetical_ids == [ids["Mongolia could join"]]
    assert feb.counts[1] == 1 and feb.intensity_sum == 1.0


def test_weekly_everyone_and_bounds(filled: Store) -> None:
    ids = _ids(filled)
    with filled.session() as session:
        weekly = relations(session, "MNG", "RUS", granularity="week")
        everyone = relations(session, "MNG", directed=True, rollup=True)
        bounded = relations(session, "MNG", directed=True, rollup=True, since=date(2024, 2, 1),
                            until=date(2024, 2, 29), fill=False)
        with pytest.raises(ValueError):
            relations(session, "MNG", granularity="day")  # type: ignore[arg-type]
    assert weekly.points[0].period == "2024-W02"
    assert weekly.points[-1].period == "2024-W10"
    assert len(weekly.points) == 9  # weeks 2..10, gaps filled
    # The article without any date cannot be placed in time.
    assert weekly.undated == 1 and weekly.totals["events"] == 2
    aid = weekly.point("2024-W10")
    assert aid is not None and aid.counts[2] == 1 and aid.intensity_sum == 7.0
    # Everything Mongolia (and its minister) did, month by month.
    assert [p.events for p in everyone.points] == [2, 2, 1]
    assert everyone.totals["counts"] == {"1": 3, "2": 1, "3": 1, "4": 0}
    february = sorted([ids["Oyun Batbayar met"], ids["Mongolia signed an"]])
    assert sorted(bounded.points[0].event_ids) == february
    assert len(bounded.points) == 1


def _counts(points: list) -> list[tuple]:  # type: ignore[type-arg]
    """What a point counts (everything but its ids)."""
    return [(p.period, p.start, p.counts, p.events, p.hypothetical, p.negated, p.approximate,
             round(p.intensity_sum, 6), round(p.tone_sum, 6), p.toned) for p in points]  # fmt: skip


def test_series_above_the_id_bound_counts_from_the_summary(filled: Store) -> None:
    """Above the bound the points come from ``event_days`` alone: the same counts as the events
    give, id lists empty and marked incomplete (the period leads to the events instead)."""
    cases: list[dict] = [  # type: ignore[type-arg]
        {"a": "MNG", "b": "CHN"}, {"a": "MNG", "b": "BRICS", "rollup": True},
        {"a": "CHN", "b": "MNG", "directed": True}, {"a": "MNG", "b": "RUS", "granularity": "week"},
        {"a": "MNG", "directed": True, "rollup": True},
        {"a": "MNG", "rollup": True, "since": date(2024, 2, 1), "until": date(2024, 2, 29), "fill": False},
    ]
    with filled.session() as session:
        for case in cases:
            full = relations(session, **case)
            summary = relations(session, **case, id_bound=0)
            assert _counts(summary.points) == _counts(full.points), case
            assert summary.totals == full.totals and summary.undated == full.undated, case
            assert full.to_json()["event_ids_complete"] is True
            out = summary.to_json()
            assert out["event_ids_complete"] is False
            for point in out["points"]:
                assert point["event_ids_complete"] is False
                assert point["event_ids"] == point["hypothetical_ids"] == point["negated_ids"] == []
    # The bound counts every event of the series: MNG-CHN has three (one negated).
    with filled.session() as session:
        assert relations(session, "MNG", "CHN", id_bound=3).ids_complete
        assert not relations(session, "MNG", "CHN", id_bound=2).ids_complete
