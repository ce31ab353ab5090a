"""Shifts with reasons on SQLite and PostgreSQL: our invented Armenia-Russia rupture of July 2024."""

from __future__ import annotations

from datetime import date

import pytest
from camps_corpus import shift_corpus

from blocwatch.analytics.shifts import ShiftParams, change_points, pair_shifts
from blocwatch.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in shift_corpus():
        store.save_analysis(analysis)
    return store


def test_rupture_found_with_its_reasons(filled: Store) -> None:
    with filled.session() as session:
        result = pair_shifts(session, "ARM", "RUS", names={"ARM": "Armenia", "RUS": "Russia"})
    by_series = {s.series: s for s in result.shifts}
    assert set(by_series) == {"intensity", "cooperation", "alignment", "alignment_reverse"}
    assert all(s.period == "2024-07" for s in result.shifts)  # one break per series, in July
    intensity = by_series["intensity"].to_json()
    assert intensity["direction"] == "cooling" and intensity["start"] == "2024-07-01"
    assert intensity["before"] == pytest.approx((3.5 + 7.0) / 2)
    assert intensity["after"] < -2 and intensity["magnitude"] > 7
    assert by_series["cooperation"].before == 1.0 and by_series["cooperation"].after == 0.0
    assert by_series["alignment"].label == "alignment Armenia → Russia"
    # The reasons: July's gas cut-off leads, with its evidence sentence and offsets.
    top = intensity["drivers"][0]
    assert top["plover"] == "SANCTION" and top["article_id"] == "shift-07"
    assert top["sentence"] == "Russia imposed sanctions on Armenia over the gas cut-off."
    assert isinstance(top["start"], int) and top["end"] - top["start"] == len(top["sentence"])
    assert all(d["contribution"] > 0 for d in intensity["drivers"])
    assert {d["article_id"] for d in intensity["drivers"]} <= {"shift-07", "shift-08"}
    # Armenia's own acts drive its alignment shift; Russia's drive the reverse one.
    assert {d["source"] for d in by_series["alignment"].drivers} == {"ARM"}
    assert {d["source"] for d in by_series["alignment_reverse"].drivers} == {"RUS"}
    data = result.to_json()
    intensity_series = data["series"]["intensity"]
    assert intensity_series["periods"][0] == "2024-01" and len(intensity_series["values"]) == 12


def test_steady_short_and_bounded_series(filled: Store) -> None:
    with filled.session() as session:
        steady = pair_shifts(session, "GEO", "TUR")
        short = pair_shifts(session, "CHL", "PER")
        before = pair_shifts(session, "ARM", "RUS", until=date(2024, 6, 30))
        weekly = pair_shifts(session, "ARM", "RUS", granularity="week")
        with pytest.raises(ValueError, match="granularity"):
            pair_shifts(session, "ARM", "RUS", granularity="day")  # type: ignore[arg-type]
    assert steady.shifts == [] and not steady.series["intensity"]["too_short"]
    assert short.shifts == [] and short.series["intensity"]["too_short"]
    assert before.shifts == []  # nothing changed before the rupture
    july_week = f"2024-W{date(2024, 7, 14).isocalendar().week:02d}"
    assert {s.period for s in weekly.shifts if s.series == "intensity"} == {july_week}


def test_change_points_penalty() -> None:
    assert change_points([1.0, 1.2], unit=1.0) == []  # too short
    assert change_points([3.0] * 5 + [-3.0] * 5, unit=1.0) == [5]
    # Noise of about one Goldstein point around a steady level is not a shift.
    wobble = [2.0, 3.1, 1.2, 2.8, 2.1, 1.0, 3.0, 2.2, 1.9, 2.9]
    assert change_points(wobble, unit=1.0) == []
    assert change_points([3.0] * 5 + [-3.0] * 5, unit=1.0, params=ShiftParams(min_size=6)) == []
