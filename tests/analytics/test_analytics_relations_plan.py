"""The pair timeline's query reads the pair's rows through the events indexes, on both back ends.

At ten million events the difference is seconds against milliseconds (bench/bench_pg_timeline.py):
when the roll-up's persons were a subquery inside the query's ORs, PostgreSQL walked the whole
table in id order and filtered.  The test captures the statement the product sends and asks each
database for its plan; table scans are made unattractive (``enable_seqscan=off`` on PostgreSQL)
so that only a query that *can* use the indexes passes, whatever the tiny table's statistics say.
"""

from __future__ import annotations

from typing import Any

from analytics_corpus import mongolia_corpus
from sqlalchemy import event, text

from blocwatch.analytics import relations
from blocwatch.store import Store


def _captured_query(store: Store, table: str, a: str, b: str, **options: Any) -> tuple[str, Any]:
    """The first statement reading ``table`` that the pair's timeline sends, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        with store.session() as session:
            series = relations(session, a, b, rollup=True, **options)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert series.totals["events"] > 0  # the pair has events: the plan is of a real answer
    return next((s, p) for s, p in seen if f"FROM {table}" in s)


def test_pair_timeline_uses_the_pair_indexes(store: Store) -> None:
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    statement, parameters = _captured_query(store, "events", "MNG", "RUS")
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "ix_events_source_target_day" in plan, plan
            assert "pk_events" not in plan, plan  # not a walk over the whole table in id order
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plan = "\n".join(str(r[-1]) for r in rows)
            assert "ix_events_source_target_day" in plan, plan
            assert "SCAN events" not in plan.replace("SCAN events USING INDEX", ""), plan


def test_pair_summary_reads_the_covering_period_index(store: Store) -> None:
    """An undirected pair's counts come from two index ranges of ``event_periods``, one per
    direction: on PostgreSQL (index-only) scans of ``ix_event_periods_target_source``, never a
    bitmap scan, which visits the table; on SQLite searches, not a scan."""
    for analysis in mongolia_corpus():
        store.save_analysis(analysis)
    statement, parameters = _captured_query(
        store, "event_periods", "MNG", "RUS", granularity="week", id_bound=0
    )
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE event_periods"))
        with store.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
        # Which index each branch takes depends on the tiny table's statistics; that no branch
        # is a bitmap scan (an OR of the directions would be) does not.
        assert "Index Only Scan using ix_event_periods_target_source" in plan, plan
        assert plan.count("Append") == 1 and "Bitmap" not in plan and "Seq Scan" not in plan, plan
    else:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        plan = "\n".join(str(r[-1]) for r in rows)
        assert plan.count("SEARCH event_periods USING") == 2, plan
        assert "SCAN event_periods" not in plan, plan
