"""An unbounded timeline reads ``event_periods``; a bounded one ``event_days``: the same rows.

On both back ends, from our invented Mongolia corpus: every shape of call the site makes (a
pair either way, directed, rolled up, one actor and everyone) gives the same period rows from
the per-period summary as from the per-day one grouped in SQL, and the same series as the
events themselves give (tests/analytics/test_analytics_relations.py compares those).
"""

from __future__ import annotations

import gc
from datetime import date
from typing import Any

import pytest
from analytics_corpus import mongolia_corpus
from sqlalchemy import event

from blocwatch.analytics.relations import fetch_pair_events, fetch_period_rows, relations
from blocwatch.analytics.relations_fetch import gc_paused
from blocwatch.store import Store
from blocwatch.store.event_days import UNDATED

CASES: list[dict[str, Any]] = [
    {"a": "MNG", "b": "CHN"}, {"a": "CHN", "b": "MNG"}, {"a": "MNG", "b": "BRICS", "rollup": True},
    {"a": "CHN", "b": "MNG", "directed": True}, {"a": "MNG", "rollup": True},
    {"a": "MNG", "directed": True, "rollup": True}, {"a": "MNG"}, {"a": "RUS", "b": "MNG", "rollup": True},
    {"a": "MNG", "b": "MNG", "rollup": True},
]


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    return store


def _statements(store: Store) -> list[str]:
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@pytest.mark.parametrize("granularity", ["month", "week"])
def test_period_rows_agree_with_the_day_rows(filled: Store, granularity: str) -> None:
    seen = _statements(filled)
    with filled.session() as session:
        assert fetch_period_rows(session, "MNG", "RUS", granularity=granularity)  # not a vacuous comparison
        for case in CASES:
            seen.clear()
            unbounded = fetch_period_rows(session, **case, granularity=granularity)  # type: ignore[arg-type]
            assert all("event_days" not in s for s in seen), case
            seen.clear()
            # since=0001-01-01 bounds nothing (the undated sentinel included) but reads the days.
            by_days = fetch_period_rows(session, **case, granularity=granularity,  # type: ignore[arg-type]
                                        since=UNDATED)
            assert all("event_periods" not in s for s in seen), case
            if case.get("b") != case["a"]:  # one actor after roll-up: answered without a query
                assert any("FROM event_days" in s for s in seen), case
            key = lambda r: (r.start or date.min, r.quad_class, r.negated, r.hypothetical, r.approximate)  # noqa: E731
            assert sorted(unbounded, key=key) == sorted(by_days, key=key), case
            for row in unbounded + by_days:  # as the driver typed them: no conversion is made
                assert row.start is None or type(row.start) is date, row
                assert [type(v) for v in row[1:]] == [int, bool, bool, bool, int, float, float, int], row


def test_unbounded_series_equal_the_events_series(filled: Store) -> None:
    with filled.session() as session:
        for ev in fetch_pair_events(session, "MNG", rollup=True):
            assert [type(v) for v in ev[:11]] == [int, str, *[type(v) for v in ev[2:6]], str, int, float,
                                                  bool, bool], ev  # fmt: skip
            assert (ev.day is None or type(ev.day) is date) and type(ev.approximate) is bool, ev
            assert ev.tone is None or type(ev.tone) is float, ev
        for case in CASES:
            for granularity in ("month", "week"):
                full = relations(session, **case, granularity=granularity)  # the events, with ids
                counts = relations(session, **case, granularity=granularity, id_bound=0)  # event_periods
                assert counts.totals == full.totals and counts.undated == full.undated, case
                assert _counts(counts.points) == _counts(full.points), case


def _counts(points: list[Any]) -> list[tuple[Any, ...]]:
    """What a point counts (everything but its ids)."""
    return [(p.period, p.start, p.counts, p.events, p.hypothetical, p.negated, p.approximate,
             round(p.intensity_sum, 6), round(p.tone_sum, 6), p.toned) for p in points]  # fmt: skip


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off and leaves it off
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a failing query")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # switched off by someone else: left so
    finally:
        gc.enable()


def test_pair_sides_is_side_ids_and_one_actor(filled: Store) -> None:
    from blocwatch.analytics.relations_fetch import one_actor, pair_sides, side_ids

    actors = ["MNG", "CHN", "RUS", "BRICS", "person:oyun-batbayar", "org:nobody-known"]
    with filled.session() as session:
        assert len(side_ids(session, "MNG", True)) > 1  # Mongolia has a person to roll up
        for rollup in (False, True):
            for a in actors:
                assert pair_sides(session, a, None, rollup) == (side_ids(session, a, rollup), None, False)
                for b in actors:
                    expected = (side_ids(session, a, rollup), side_ids(session, b, rollup),
                                one_actor(session, a, b, rollup))  # fmt: skip
                    assert pair_sides(session, a, b, rollup) == expected, (a, b, rollup)
