"""The per-pair per-day event summary (``event_days``), kept exact at write time.

A timeline reads one row per (source actor, target actor, day, quad class, negated, hypothetical,
approximate) with the number of events, their summed intensity, summed tone and how many have a
tone — a busy pair's ten years become a few thousand rows instead of a hundred thousand events
(bench/bench_pg_timeline.py).  The day is ``events.day`` (with ``events.day_approximate``): the
day the timeline puts the event on, :func:`event_day` of its ``event_date`` and its article's
``published``, computed when the event is written.

**Keys without NULLs.**  Events may have no source or target actor and no day.  The summary
stores them as sentinels instead — :data:`NO_ACTOR` (``''``, never a real actor id: the writer
turns an empty reference into NULL) and :data:`UNDATED` (0001-01-01, before any news) — so the
seven key columns are a plain composite primary key.  That key is what ``INSERT ... ON CONFLICT
DO UPDATE`` targets on SQLite and PostgreSQL alike, it is the (source, target, day) index pair
timelines read, and the ORM/migration comparison test sees an ordinary table.  A surrogate key
with a unique index over COALESCE'd expressions would do the same with an expression index,
which SQLite's upsert and Alembic's schema comparison handle poorly.  The columns carry no
foreign keys: events' actor references become NULL when an actor is deleted (``SET NULL``),
which would break the key; nothing deletes actors, and :func:`rebuild_event_days` repairs the
summary if something ever does.

**Maintenance.**  Every write that replaces an article's events (blocwatch/store/writer.py)
calls :func:`stored_contributions` for the article's events *before* deleting them and
:func:`apply_change` with the new events' :func:`contributions` afterwards, in the same
transaction: the difference is upserted (counts and sums added, possibly negative) and rows that
reach zero events are deleted.  An unchanged re-save writes nothing.  Keys are written in sorted
order, so concurrent PostgreSQL writers touching the same summary rows wait for each other instead
of deadlocking.  Anything else that deletes events or articles (none does today; the
``ON DELETE CASCADE`` from articles bypasses the writer) must call :func:`forget_articles` first.
Bulk loaders that write events with raw SQL fill ``events.day``/``day_approximate`` themselves
and call :func:`rebuild_event_days`, one ``INSERT ... SELECT ... GROUP BY``.
:func:`check_event_days` lists the differences between the summary and a fresh GROUP BY (tests).

**Per period.**  ``event_periods`` holds the same sums per calendar month and per ISO week
(``granularity``, ``start`` the period's first day; :data:`UNDATED` stays itself: 0001-01-01 is a
Monday and a first of the month): an unbounded timeline then reads a row per period and kind
instead of one per day — a busy pair's 50 k day rows at ten million events are 8 k month rows,
18 k week rows, and their GROUP BY fits in memory (bench/bench_pg_timeline.py).  It is moved by
the same :func:`apply_change` (each day's difference added to its month and week) and rebuilt
from ``event_days`` by :func:`rebuild_event_days` (:func:`rebuild_event_periods`, one
``INSERT ... SELECT ... GROUP BY`` per granularity, the period start in SQL by
:func:`period_start_sql`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Literal, cast

from sqlalchemy import (
    Connection,
    Date,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from blocwatch.store.models import EventDayRow, EventPeriodRow, EventRow

__all__ = [
    "GRANULARITIES",
    "NO_ACTOR",
    "UNDATED",
    "Key",
    "apply_change",
    "check_event_days",
    "contributions",
    "event_day",
    "forget_articles",
    "period_start",
    "period_start_sql",
    "rebuild_event_days",
    "rebuild_event_periods",
    "stored_contributions",
]

NO_ACTOR = ""
UNDATED = date(1, 1, 1)
KEY_COLUMNS = ("source_actor_id", "target_actor_id", "day", "quad_class", "negated", "hypothetical",
               "approximate")  # fmt: skip
SUM_COLUMNS = ("events", "intensity_sum", "tone_sum", "toned")
#: (source, target, day, quad class, negated, hypothetical, approximate), sentinels for NULLs.
Key = tuple[str, str, date, int, bool, bool, bool]
# Sums are [events, intensity_sum, tone_sum, toned].
Sums = list[float]
_TOLERANCE = 1e-6  # float sums drift by add/subtract order; counts are exact
_TABLE = cast(Table, EventDayRow.__table__)
_PERIODS = cast(Table, EventPeriodRow.__table__)
PERIOD_KEY_COLUMNS = ("source_actor_id", "target_actor_id", "granularity", "start", "quad_class",
                      "negated", "hypothetical", "approximate")  # fmt: skip
GRANULARITIES: tuple[Literal["month", "week"], ...] = ("month", "week")
#: (source, target, granularity, period start, quad class, negated, hypothetical, approximate).
PeriodKey = tuple[str, str, str, date, int, bool, bool, bool]


def event_day(event_date: str | None, published: date | None) -> tuple[date | None, bool]:
    """The day an event is placed on and whether that day is an approximation.

    The event's own ``event_date`` when it is a day; missing, its article's ``published``.  A
    partial date ("2024-08", "2024", ISO week "2024-W33") is made precise with ``published`` when
    that lies inside it (the article reports on its own period), else it is the first day of the
    period (a week's Monday), approximate.  See :mod:`blocwatch.analytics.relations`."""
    text = (event_date or "").strip()
    if not text:
        return published, False
    try:
        if len(text) >= 10:
            return date.fromisoformat(text[:10]), False
        if len(text) == 8 and text[4:6] == "-W":
            # An ISO week: the publication day when it falls in that week, else the week's Monday.
            year, week = int(text[:4]), int(text[6:8])
            monday = date.fromisocalendar(year, week, 1)
            if published is not None and published.isocalendar()[:2] == (year, week):
                return published, False
            return monday, True
        if len(text) == 7:
            first = date(int(text[:4]), int(text[5:7]), 1)
        elif len(text) == 4:
            first = date(int(text), 1, 1)
        else:
            return published, published is not None
    except ValueError:
        return published, published is not None
    if published is not None and published.isoformat().startswith(text):
        return published, False
    return first, True


def period_start(day: date, granularity: str) -> date:
    """The first day of ``day``'s month, or the Monday of its ISO week (:data:`UNDATED` stays)."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_start_sql(dialect: str, granularity: str, column: str) -> str:
    """SQL for :func:`period_start` of the date column ``column``, without bound parameters so
    that PostgreSQL sees the same expression in GROUP BY."""
    if dialect == "postgresql":
        # date - integer is a date: cheaper than date_trunc, which goes through timestamptz.
        field = "ISODOW" if granularity == "week" else "DAY"
        return f"{column} - CAST(EXTRACT({field} FROM {column}) AS integer) + 1"
    if granularity == "week":
        return f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"
    return f"date({column}, 'start of month')"


def _key(source: str | None, target: str | None, day: date | None, quad_class: Any, negated: Any,
         hypothetical: Any, approximate: Any) -> Key:  # fmt: skip
    return (source or NO_ACTOR, target or NO_ACTOR, day or UNDATED, int(quad_class), bool(negated),
            bool(hypothetical), bool(approximate))  # fmt: skip


def _add(into: dict[Any, Sums], key: Any, sums: Iterable[float], sign: int = 1) -> None:
    current = into.setdefault(key, [0, 0.0, 0.0, 0])
    for i, value in enumerate(sums):
        current[i] += sign * value


def contributions(events: Iterable[Mapping[str, Any]]) -> dict[Key, Sums]:
    """The summary rows of event dicts as the writer inserts them (``day`` already resolved)."""
    out: dict[Key, Sums] = {}
    for e in events:
        key = _key(e["source_actor_id"], e["target_actor_id"], e["day"], e["quad_class"], e["negated"],
                   e["hypothetical"], e["day_approximate"])  # fmt: skip
        tone = e.get("tone")
        _add(out, key, (1, float(e["intensity"]), 0.0 if tone is None else float(tone), tone is not None))
    return out


def _grouped(where: Any = None) -> Any:
    """SELECT of the summary rows of ``events`` (all, or those matching ``where``), sentinels in."""
    e = EventRow
    grouping = (e.source_actor_id, e.target_actor_id, e.day, e.quad_class, e.negated, e.hypothetical,
                e.day_approximate)  # fmt: skip
    query = select(
        func.coalesce(e.source_actor_id, NO_ACTOR).label("source_actor_id"),
        func.coalesce(e.target_actor_id, NO_ACTOR).label("target_actor_id"),
        func.coalesce(e.day, literal(UNDATED, Date())).label("day"),
        e.quad_class, e.negated, e.hypothetical, e.day_approximate.label("approximate"),
        func.count().label("events"),
        func.coalesce(func.sum(e.intensity), 0.0).label("intensity_sum"),
        func.coalesce(func.sum(e.tone), 0.0).label("tone_sum"),
        func.count(e.tone).label("toned"),
    ).group_by(*grouping)  # fmt: skip
    return query if where is None else query.where(where)


def _read(session: Session | Connection, query: Any) -> dict[Key, Sums]:
    out: dict[Key, Sums] = {}
    conn = session.connection() if isinstance(session, Session) else session
    for row in conn.execute(query):
        _add(out, _key(*row[:7]), (int(row[7]), float(row[8]), float(row[9]), int(row[10])))
    return out


def stored_contributions(session: Session, article_ids: list[str]) -> dict[Key, Sums]:
    """The summary rows the stored events of ``article_ids`` account for (read before deleting)."""
    if not article_ids:
        return {}
    return _read(session, _grouped(EventRow.article_id.in_(article_ids)))


def apply_change(session: Session, old: dict[Key, Sums], new: dict[Key, Sums]) -> None:
    """Move the summary from ``old`` to ``new`` contributions: upsert the differences, in key order,
    into ``event_days`` and their months' and weeks' rows into ``event_periods``, and delete the
    rows left with no events."""
    delta: dict[Key, Sums] = {}
    for key, sums in new.items():
        _add(delta, key, sums)
    for key, sums in old.items():
        _add(delta, key, sums, -1)
    changed = {k: v for k, v in delta.items() if _moves(v)}
    if not changed:
        return
    periods: dict[PeriodKey, Sums] = {}
    for key, sums in changed.items():
        for granularity in GRANULARITIES:
            _add(periods, _period_key(key, granularity), sums)
    _upsert(session, _TABLE, KEY_COLUMNS, changed)
    _upsert(session, _PERIODS, PERIOD_KEY_COLUMNS, periods)  # a move inside a week and month: none


def _moves(sums: Sums) -> bool:
    """Whether a difference changes a row (float sums may cancel to a rounding residue)."""
    return sums[0] != 0 or sums[3] != 0 or abs(sums[1]) + abs(sums[2]) > 1e-12


def _period_key(key: Key, granularity: str) -> PeriodKey:
    source, target, day, *kind = key
    return (source, target, granularity, period_start(day, granularity), *kind)  # type: ignore[return-value]


def _upsert(session: Session, table: Table, key_columns: tuple[str, ...], delta: dict[Any, Sums]) -> None:
    """Add ``delta``'s sums to ``table``'s rows (inserted when new), keys in sorted order; delete
    the rows that reach zero events."""
    changed = sorted(k for k, v in delta.items() if _moves(v))
    if not changed:
        return
    from blocwatch.store.writer import _dialect_insert  # the writer imports this module

    stmt = _dialect_insert(session)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={c: table.c[c] + stmt.excluded[c] for c in SUM_COLUMNS},
    )
    session.execute(stmt, [
        {**dict(zip(key_columns, key, strict=True)), **dict(zip(SUM_COLUMNS, delta[key], strict=True))}
        for key in changed
    ])  # fmt: skip
    shrunk = [key for key in changed if delta[key][0] < 0]
    if shrunk:
        session.execute(
            delete(table)
            .where(*(table.c[c] == bindparam(f"k_{c}") for c in key_columns))
            .where(table.c.events <= 0),
            [{f"k_{c}": v for c, v in zip(key_columns, key, strict=True)} for key in shrunk],
        )


def forget_articles(session: Session, article_ids: list[str]) -> None:
    """Take the events of ``article_ids`` out of the summary; call before deleting the articles
    (their events go by ``ON DELETE CASCADE``) or their events by any path but the writer."""
    apply_change(session, stored_contributions(session, sorted(article_ids)), {})


def rebuild_event_days(session: Session | Connection, *, periods: bool = True) -> int:
    """Recompute the whole summary from ``events`` (one INSERT ... SELECT ... GROUP BY), and
    ``event_periods`` from it unless ``periods`` is False (migration 0010, which predates it);
    returns the number of ``event_days`` rows.  ``events.day``/``day_approximate`` must be
    filled.  Takes a Connection too, for migrations."""
    table = _TABLE
    session.execute(delete(table))
    session.execute(insert(table).from_select([*KEY_COLUMNS, *SUM_COLUMNS], _grouped()))
    if periods:
        rebuild_event_periods(session)
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def rebuild_event_periods(session: Session | Connection) -> int:
    """Recompute ``event_periods`` from ``event_days`` (one INSERT ... SELECT ... GROUP BY per
    granularity); returns its number of rows.  Takes a Connection too, for migration 0011."""
    days, periods = _TABLE, _PERIODS
    bind = session.get_bind() if isinstance(session, Session) else session
    session.execute(delete(periods))
    for granularity in GRANULARITIES:
        start = literal_column(period_start_sql(bind.dialect.name, granularity, "event_days.day"), Date())
        kind = (days.c.quad_class, days.c.negated, days.c.hypothetical, days.c.approximate)
        grouped = select(
            days.c.source_actor_id, days.c.target_actor_id, literal(granularity), start, *kind,
            *(func.sum(days.c[c]) for c in SUM_COLUMNS),
        ).group_by(days.c.source_actor_id, days.c.target_actor_id, start, *kind)  # fmt: skip
        session.execute(insert(periods).from_select([*PERIOD_KEY_COLUMNS, *SUM_COLUMNS], grouped))
    return int(session.scalar(select(func.count()).select_from(periods)) or 0)


def check_event_days(session: Session | Connection) -> list[str]:
    """The differences between ``event_days`` and a GROUP BY over ``events``, and between
    ``event_periods`` and ``event_days`` summed per period in Python (empty: they agree)."""
    expected = _read(session, _grouped())
    table = _TABLE
    actual = _read(session, select(*(table.c[c] for c in (*KEY_COLUMNS, *SUM_COLUMNS))))
    out = _differences(expected, actual)
    periods: dict[Any, Sums] = {}
    for key, sums in actual.items():
        for granularity in GRANULARITIES:
            _add(periods, _period_key(key, granularity), sums)
    conn = session.connection() if isinstance(session, Session) else session
    stored: dict[Any, Sums] = {}
    for row in conn.execute(select(*(_PERIODS.c[c] for c in (*PERIOD_KEY_COLUMNS, *SUM_COLUMNS)))):
        source, target, granularity, start, quad, negated, hypothetical, approximate = row[:8]
        period_key = (source, target, granularity, start, int(quad), bool(negated), bool(hypothetical),
               bool(approximate))  # fmt: skip
        _add(stored, period_key, (int(row[8]), float(row[9]), float(row[10]), int(row[11])))
    return out + [f"event_periods {d}" for d in _differences(periods, stored)]


def _differences(expected: dict[Any, Sums], actual: dict[Any, Sums]) -> list[str]:
    out = []
    for key in sorted(set(expected) | set(actual)):
        want, got = expected.get(key), actual.get(key)
        if want is None or got is None:
            out.append(f"{key}: expected {want}, stored {got}")
        elif want[0] != got[0] or want[3] != got[3] or any(
            abs(want[i] - got[i]) > _TOLERANCE for i in (1, 2)
        ):
            out.append(f"{key}: expected {want}, stored {got}")
    return out
