"""The per-month and per-ISO-week summary ``event_periods`` stays ``event_days`` summed by period.

Checked against an independent count in Python over the event rows (the ISO week from
``date.isocalendar``, not from the store's own period arithmetic), on both back ends, through
the real write paths: saving, re-saving with other events or another publication day, forgetting
articles, a bulk rebuild.  Dates straddle ISO-year boundaries (30 December 2024 is in week 1 of
2025; 1 January 2021 in week 53 of 2020), where a week's Monday is in another year or month.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import delete, event, func, insert, select
from test_event_days import ACTORS, BORDER, UNDATED_NOTE, Act, _analysis

from blocwatch.store import Store
from blocwatch.store.event_days import (
    NO_ACTOR,
    UNDATED,
    check_event_days,
    event_day,
    forget_articles,
    period_start,
    rebuild_event_days,
)
from blocwatch.store.models import ArticleRow, EventPeriodRow, EventRow

assert ACTORS  # the shared actors of test_event_days: LTU, BLR and a Lithuanian minister

NEW_YEARS: list[Act] = [
    ("Lithuania warned Belarus on the last Monday.", "LTU", "BLR", 3, -2.0, "2024-12-30", False, False, -1.0),
    ("Belarus answered Lithuania on Tuesday.", "BLR", "LTU", 3, -1.5, "2024-12-31", False, False, None),
    ("Lithuania thanked Belarus in early 2021.", "LTU", "BLR", 1, 1.0, "2021-01-01", False, False, 2.0),
    ("Lithuania met Belarus in week 53.", "LTU", "BLR", 1, 1.0, "2020-W53", False, False, None),
    ("Belarus did not close the border in 2021.", "BLR", "LTU", 4, -5.0, "2021-01-03", True, False, None),
]


def _independent(store: Store) -> Counter[tuple[object, ...]]:
    """(source, target, granularity, start, quad, negated, hypothetical, approximate) -> events,
    from the events and their articles, periods computed here."""
    out: Counter[tuple[object, ...]] = Counter()
    with store.session() as session:
        rows = session.execute(
            select(EventRow.source_actor_id, EventRow.target_actor_id, EventRow.event_date,
                   ArticleRow.published, EventRow.quad_class, EventRow.negated, EventRow.hypothetical)
            .join(ArticleRow, ArticleRow.id == EventRow.article_id)
        )  # fmt: skip
        for source, target, when, published, quad, negated, hypothetical in rows:
            day, approximate = event_day(when, published)
            if day is None:
                month = week = UNDATED
            else:
                month = date(day.year, day.month, 1)
                year, number, _ = day.isocalendar()
                week = date.fromisocalendar(year, number, 1)
            for granularity, start in (("month", month), ("week", week)):
                out[(source or NO_ACTOR, target or NO_ACTOR, granularity, start, quad, bool(negated),
                     bool(hypothetical), bool(approximate))] += 1  # fmt: skip
    return out


def _stored(store: Store) -> Counter[tuple[object, ...]]:
    p = EventPeriodRow
    with store.session() as session:
        rows = session.execute(select(p.source_actor_id, p.target_actor_id, p.granularity, p.start,
                                      p.quad_class, p.negated, p.hypothetical, p.approximate, p.events))
        return Counter({(s, t, g, start, q, bool(n), bool(h), bool(a)): e
                        for s, t, g, start, q, n, h, a, e in rows})  # fmt: skip


def _agrees(store: Store) -> None:
    with store.session() as session:
        assert check_event_days(session) == []
    stored = _stored(store)
    assert stored == _independent(store)
    assert all(n > 0 for n in stored.values())  # rows that reached zero events are deleted


def test_period_start() -> None:
    assert period_start(date(2024, 12, 30), "week") == date(2024, 12, 30)
    assert period_start(date(2021, 1, 3), "week") == date(2020, 12, 28)  # ISO 2020-W53
    assert period_start(date(2021, 1, 3), "month") == date(2021, 1, 1)
    assert period_start(UNDATED, "week") == period_start(UNDATED, "month") == UNDATED


def test_periods_follow_saves_resaves_and_deletions(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        store.save_analysis(_analysis("lt-new-year", date(2025, 1, 2), NEW_YEARS))
        store.save_analysis(_analysis("lt-note", None, UNDATED_NOTE))
        _agrees(store)
        stored = _stored(store)
        # 30 and 31 December 2024 are two months but one ISO week, 2025-W01 (Monday 30 December).
        assert stored[("LTU", "BLR", "week", date(2024, 12, 30), 3, False, False, False)] == 1
        assert stored[("BLR", "LTU", "week", date(2024, 12, 30), 3, False, False, False)] == 1
        assert stored[("LTU", "BLR", "month", date(2024, 12, 1), 3, False, False, False)] == 1
        # 1 January 2021 and the stated week 2020-W53 fall on one week starting 28 December 2020.
        assert stored[("LTU", "BLR", "week", date(2020, 12, 28), 1, False, False, False)] == 1
        assert stored[("LTU", "BLR", "week", date(2020, 12, 28), 1, False, False, True)] == 1
        # No day: the sentinel is its own month and week; no source: the no-actor sentinel.
        assert stored[("LTU", "BLR", "week", UNDATED, 1, False, False, False)] == 1
        assert stored[("LTU", "BLR", "month", UNDATED, 1, False, False, False)] == 1
        assert stored[(NO_ACTOR, "LTU", "month", date(2024, 1, 1), 1, False, False, True)] == 1
        # Re-saved with fewer events and a month later: rows move, emptied ones go.
        store.save_analysis(_analysis("lt-new-year", date(2025, 2, 3), NEW_YEARS[2:]))
        store.save_analysis(_analysis("lt-border", date(2025, 4, 2), BORDER))
        _agrees(store)
        assert ("BLR", "LTU", "week", date(2024, 12, 30), 3, False, False, False) not in _stored(store)
        with store.writing() as session:
            forget_articles(session, ["lt-new-year"])
            session.execute(delete(ArticleRow).where(ArticleRow.id == "lt-new-year"))
        _agrees(store)
        with store.writing() as session:
            forget_articles(session, ["lt-border", "lt-note"])
            session.execute(delete(ArticleRow).where(ArticleRow.id.in_(["lt-border", "lt-note"])))
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(EventPeriodRow)) == 0


def test_unchanged_resave_writes_no_period_rows(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-new-year", date(2025, 1, 2), NEW_YEARS))
        seen: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
        store.save_analysis(_analysis("lt-new-year", date(2025, 1, 2), NEW_YEARS))
        assert not [s for s in seen if "event_periods" in s and not s.lstrip().upper().startswith("SELECT")]
        # An event moved within its week and month changes event_days only.
        moved = [("Lithuania warned Belarus on the last Monday.", "LTU", "BLR", 3, -2.0, "2024-12-31",
                  False, False, -1.0), *NEW_YEARS[1:]]  # fmt: skip
        seen.clear()
        store.save_analysis(_analysis("lt-new-year", date(2025, 1, 2), moved))
        assert [s for s in seen if "event_days" in s and s.lstrip().upper().startswith("INSERT")]
        assert not [s for s in seen if "event_periods" in s and not s.lstrip().upper().startswith("SELECT")]
        _agrees(store)


def test_rebuild_gives_the_periods_of_bulk_loaded_events(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-new-year", date(2025, 1, 2), NEW_YEARS))
        with store.writing() as session:
            copies = [{k: v for k, v in row._mapping.items() if k != "id"}
                      for row in session.execute(select(EventRow.__table__))]  # fmt: skip
            session.execute(insert(EventRow), copies)
            assert check_event_days(session) != []  # neither summary has the copies yet
            rebuild_event_days(session)
        _agrees(store)
        assert sum(n for k, n in _stored(store).items() if k[2] == "week") == 2 * len(NEW_YEARS)
