"""The actor-pair timeline on ten million events in PostgreSQL (goal: < 100 ms).

Set-up, in the dedicated schema ``bw_bench_timeline`` of the ``test`` database (``--url``), kept
between runs and reused unless ``--rebuild`` (or when it holds fewer than ``--events``):

1. the real blocwatch schema (the Alembic migrations, run by :class:`blocwatch.store.Store`);
2. the real ingest job over the Guardian Syria sample and the seed article (``--articles``; read
   from ../shared at run time, see bench/replicate.py): every base event, actor and evidence span
   is one the pipeline produced;
3. server-side replication to ``--events`` with ``INSERT ... SELECT ... generate_series``: copy
   ``g`` of a base event is that event (type, quad class, intensity, tone, evidence) moved back
   ``g`` days, keeping its date's precision (a month stays a month; an undated event gets its
   article's date, moved), with its (source, target) pair replaced by the pair of a base event
   drawn at random: pairs keep the frequencies the real ingest gave them.  For speed the copies
   are written with the secondary indexes dropped and rebuilt afterwards from their own
   definitions (``pg_indexes``), and with foreign-key triggers off for the session (every copied
   reference is one an existing row already holds); then ``VACUUM ANALYZE``.

The copies get their timeline day (``events.day``) in the same statement, resolved in SQL by the
rule of :func:`blocwatch.store.event_days.event_day` (checked against it on a random sample),
and the per-day summary ``event_days`` and its per-month and per-week sums ``event_periods``
are then built by :func:`blocwatch.store.event_days.rebuild_event_days`, as a bulk loader must.
A schema built before migration 0011 gets ``event_periods`` from the migration when reused.

Measured: the product's timeline, :func:`blocwatch.analytics.relations.relations` with the pair
page's options (undirected, persons rolled up to their country), for the busiest and the rarest
pair of the replicated table, by month and by ISO week, ``--runs`` times each (median, p95), each
run in a fresh session; also its summary SQL alone (the ``event_periods`` statement the call
sends for that granularity, captured from the engine, run and fetched), and an
``EXPLAIN (ANALYZE, BUFFERS)`` summary of that statement; and the pair page's event list
(:func:`blocwatch.web.pair_data.period_event_ids`, the latest month's first page and the second
page of every period).

Baseline, in the same run: reading one event by primary key through a fresh ORM session
(``Session.get``) on the same ten-million-row table — the cheapest indexed read the site does,
paying the same round trip, pool checkout and ORM row building.  The ratio "timeline / point read"
says how many such reads a timeline costs, a figure that a loaded or faster machine changes far
less than raw milliseconds.  ``SELECT 1`` (the bare round trip) is printed too.

    .venv/bin/python bench/bench_pg_timeline.py                 # build once (minutes), then measure
    .venv/bin/python bench/bench_pg_timeline.py --events 1000000 --rebuild
    .venv/bin/python bench/bench_pg_timeline.py --drop          # remove the schema afterwards
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from replicate import ingest_corpus
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url

from blocwatch.analytics.relations import fetch_period_rows, relations
from blocwatch.store import Store
from blocwatch.store.event_days import event_day, rebuild_event_days
from blocwatch.store.models import EventRow
from blocwatch.web.pair_data import newest_bound, period_event_ids

SCHEMA = "bw_bench_timeline"
SUMMARY = "event_periods"  # what an unbounded timeline reads (blocwatch/analytics/relations_fetch.py)
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROUNDS_PER_STATEMENT = 200  # copies of the base per INSERT: progress shows, memory stays small

# Copy g of event e, moved back g days at e's precision, with a pair drawn from the base's pairs;
# its timeline day is resolved in SQL by the rule of blocwatch.store.event_days.event_day for the
# copy's date and its (unmoved) article's publication day: checked against Python in check_days.
_INSERT_COPIES = """
INSERT INTO events (article_id, position, source_actor_id, target_actor_id, source_cameo,
    target_cameo, plover, cameo, quad_class, intensity, negated, hypothetical, event_date,
    location, trigger, sentence, sentence_index, sentence_start, sentence_end, tone, day,
    day_approximate)
SELECT d.article_id, d.position, d.source_actor_id, d.target_actor_id, d.source_cameo,
    d.target_cameo, d.plover, d.cameo, d.quad_class, d.intensity, d.negated, d.hypothetical,
    d.event_date, d.location, d.trigger, d.sentence, d.sentence_index, d.sentence_start,
    d.sentence_end, d.tone,
    CASE
      WHEN coalesce(d.event_date, '') = '' THEN d.published
      WHEN length(d.event_date) >= 10 THEN CAST(left(d.event_date, 10) AS date)
      WHEN d.event_date ~ '^\\d{4}-W\\d{2}$' THEN
        CASE WHEN to_char(d.published, 'IYYY-"W"IW') = d.event_date THEN d.published
             ELSE to_date(d.event_date, 'IYYY-"W"IW') END
      WHEN d.event_date ~ '^\\d{4}(-\\d{2})?$' THEN
        CASE WHEN CAST(d.published AS text) LIKE d.event_date || '%' THEN d.published
             WHEN length(d.event_date) = 7 THEN CAST(d.event_date || '-01' AS date)
             ELSE CAST(d.event_date || '-01-01' AS date) END
      ELSE d.published
    END,
    CASE
      WHEN coalesce(d.event_date, '') = '' OR length(d.event_date) >= 10 THEN false
      WHEN d.event_date ~ '^\\d{4}-W\\d{2}$' THEN
        coalesce(to_char(d.published, 'IYYY-"W"IW') <> d.event_date, true)
      WHEN d.event_date ~ '^\\d{4}(-\\d{2})?$' THEN
        coalesce(CAST(d.published AS text) NOT LIKE d.event_date || '%', true)
      ELSE d.published IS NOT NULL
    END
FROM (
  SELECT c.article_id, c.position, p.source_actor_id, p.target_actor_id, c.source_cameo,
      c.target_cameo, c.plover, c.cameo, c.quad_class, c.intensity, c.negated, c.hypothetical,
      CASE
        WHEN c.event_date ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN to_char(c.event_date::date - c.g, 'YYYY-MM-DD')
        WHEN c.event_date ~ '^\\d{4}-\\d{2}$' THEN to_char((c.event_date || '-01')::date - c.g, 'YYYY-MM')
        WHEN c.event_date ~ '^\\d{4}$' THEN to_char((c.event_date || '-07-01')::date - c.g, 'YYYY')
        WHEN coalesce(c.event_date, '') = '' AND c.published IS NOT NULL
          THEN to_char(c.published - c.g, 'YYYY-MM-DD')
        ELSE c.event_date
      END AS event_date,
      c.location, c.trigger, c.sentence, c.sentence_index, c.sentence_start, c.sentence_end, c.tone,
      c.published
  FROM (
      SELECT e.*, a.published, g, 1 + floor(random() * CAST(:pairs AS int))::int AS pick
      FROM events e JOIN articles a ON a.id = e.article_id
      CROSS JOIN generate_series(CAST(:first AS int), CAST(:last AS int)) AS g
      WHERE e.id <= :base_max
      OFFSET 0  -- a fence: random() is drawn once per copy, before the join below
  ) AS c
  JOIN bench_pairs p ON p.n = c.pick
  LIMIT :limit
) AS d
"""


def schema_url(url: str) -> str:
    return make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(
        hide_password=False
    )


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def meta(engine: Engine, key: str) -> str | None:
    if not scalar(engine, "SELECT to_regclass('bench_meta') IS NOT NULL"):
        return None
    return scalar(engine, "SELECT value FROM bench_meta WHERE key = :k", k=key)


def build(url: str, events: int, articles: int, rebuild: bool) -> Store:
    """The schema with ``events`` events (reused when it is there); returns its store."""
    admin = create_engine(url)
    exists = scalar(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = :s", s=SCHEMA)
    store = Store(schema_url(url)) if exists and not rebuild else None
    if store is not None and int(meta(store.engine, "events") or 0) >= events:
        print(f"set-up: reusing schema {SCHEMA} ({meta(store.engine, 'events')} events)")
        admin.dispose()
        vacuum_if_new(store)
        return store
    if store is None or meta(store.engine, "base_max") is None:
        if store is not None:
            store.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        store = Store(schema_url(url))  # runs the migrations
        base, seconds = ingest_corpus(store, articles)
        with store.engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)"))
            conn.execute(text("INSERT INTO bench_meta VALUES ('base_count', :n),"
                              " ('base_max', (SELECT max(id)::text FROM events))"), {"n": str(base)})
        print(f"set-up: ingested {articles} Guardian articles + seed: {base} events in {seconds:.0f} s")
    admin.dispose()
    fill(store, events)
    return store


def vacuum_if_new(store: Store) -> None:
    """VACUUM ANALYZE the summary when it was never analysed: a reused schema gets
    ``event_periods`` from migration 0011 when the store opens, and an index-only scan needs the
    visibility map that VACUUM sets (autovacuum would, later)."""
    seen = scalar(store.engine, "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL"
                  " FROM pg_stat_user_tables WHERE relname = :t AND schemaname = :s", t=SUMMARY, s=SCHEMA)
    if not seen:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {SUMMARY}"))
        print(f"set-up: {SUMMARY} vacuumed and analysed")


def fill(store: Store, events: int) -> None:
    base_max = int(meta(store.engine, "base_max") or 0)
    base = int(meta(store.engine, "base_count") or 0)
    if base == 0:
        raise SystemExit("the ingest stored no events: nothing to replicate")
    started = time.perf_counter()
    with store.engine.connect() as conn:
        conn.execute(text("SET synchronous_commit = off"))
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        conn.execute(text("DELETE FROM events WHERE id > :m"), {"m": base_max})  # an unfinished fill
        conn.execute(text("CREATE TEMP TABLE bench_pairs AS SELECT row_number() OVER (ORDER BY id)::int AS n,"
                          " source_actor_id, target_actor_id FROM events WHERE id <= :m"), {"m": base_max})
        pairs = int(conn.execute(text("SELECT count(*) FROM bench_pairs")).scalar() or 0)
        # The migrations' secondary indexes, remembered before they are dropped, so that a fill
        # interrupted half-way still gets them back on the next run.
        if meta(store.engine, "indexes") is None:
            found = conn.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = :s AND tablename = 'events'"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
            ), {"s": SCHEMA}).scalars().all()  # fmt: skip
            conn.execute(text("INSERT INTO bench_meta VALUES ('indexes', :v)"), {"v": json.dumps(found)})
            conn.commit()
        indexes = [d.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                   for d in json.loads(meta(store.engine, "indexes") or "[]")]  # fmt: skip
        for definition in indexes:
            conn.execute(text(f'DROP INDEX IF EXISTS "{definition.split()[5]}"'))
        conn.execute(text("SET session_replication_role = replica"))  # no FK triggers for copies
        conn.execute(text("SELECT setseed(0.42)"))
        conn.commit()
        needed, first = events - base, 1
        while needed > 0:
            last = first + ROUNDS_PER_STATEMENT - 1
            written = conn.execute(text(_INSERT_COPIES), {
                "pairs": pairs, "first": first, "last": last, "base_max": base_max, "limit": needed,
            }).rowcount  # fmt: skip
            conn.commit()
            needed -= written
            first = last + 1
            print(f"  fill: {events - needed:,} events, {time.perf_counter() - started:.0f} s", flush=True)
        conn.execute(text("SET session_replication_role = DEFAULT"))
        filled = time.perf_counter()
        for definition in indexes:
            conn.execute(text(definition))
        conn.commit()
        indexed = time.perf_counter()
    check_days(store)
    with store.session() as session:
        summary_rows = rebuild_event_days(session)
    summarised = time.perf_counter()
    with store.engine.connect() as conn:
        conn.execute(text("INSERT INTO bench_meta VALUES ('events', :n) ON CONFLICT (key) DO UPDATE"
                          " SET value = excluded.value"), {"n": str(events)})  # fmt: skip
        conn.commit()
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE events"))
        conn.execute(text("VACUUM ANALYZE event_days"))
        conn.execute(text(f"VACUUM ANALYZE {SUMMARY}"))
    print(f"set-up: {events:,} events: copies {filled - started:.0f} s, {len(indexes)} indexes rebuilt "
          f"{indexed - filled:.0f} s, event_days rebuilt ({summary_rows:,} rows) "
          f"{summarised - indexed:.0f} s, VACUUM ANALYZE {time.perf_counter() - summarised:.0f} s")


def check_days(store: Store, sample: int = 20_000) -> None:
    """The copies' days, resolved in SQL, against :func:`event_day` in Python on a random sample."""
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT e.id, e.event_date, a.published, e.day, e.day_approximate"
            " FROM events AS e TABLESAMPLE SYSTEM (1) JOIN articles a ON a.id = e.article_id LIMIT :n"
        ), {"n": sample}).all()  # fmt: skip
    wrong = [r for r in rows if event_day(r[1], r[2]) != (r[3], r[4])]
    if wrong:
        raise SystemExit(f"{len(wrong)} of {len(rows)} sampled copies have another day than event_day "
                         f"gives, e.g. {wrong[:3]}")  # fmt: skip
    print(f"set-up: days of {len(rows):,} sampled events agree with event_day")


def pick_pairs(store: Store) -> dict[str, tuple[str, str, int]]:
    """The busiest and the rarest undirected pair after roll-up (as the pair page counts them)."""
    with store.engine.connect() as conn:
        rows = list(conn.execute(text("""
            WITH eff AS (
              SELECT CASE WHEN s.kind = 'person' AND s.country <> '' THEN s.country
                          ELSE e.source_actor_id END AS a,
                     CASE WHEN t.kind = 'person' AND t.country <> '' THEN t.country
                          ELSE e.target_actor_id END AS b
              FROM events e LEFT JOIN actors s ON s.id = e.source_actor_id
                            LEFT JOIN actors t ON t.id = e.target_actor_id)
            SELECT least(a, b), greatest(a, b), count(*) FROM eff
            WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
              AND a NOT LIKE 'person:%' AND b NOT LIKE 'person:%'
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""")))  # fmt: skip
    busy, rare = rows[0], rows[-1]
    return {"busy": (busy[0], busy[1], int(busy[2])), "rare": (rare[0], rare[1], int(rare[2]))}


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and parameters) sent on ``engine`` inside the block."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def timed(runs: int, work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(median ms, p95 ms, last result) of ``runs`` calls after one warm-up call."""
    result = work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], result


def explain(store: Store, statement: str, parameters: Any) -> str:
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement,
                                    parameters).scalar()
    top = plan[0]  # type: ignore[index]
    scans: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Scan" in node["Node Type"] and node.get("Relation Name") in ("events", "event_days", SUMMARY):
            fetches = f", {node['Heap Fetches']} heap fetches" if "Heap Fetches" in node else ""
            scans.append(f"{node['Node Type']}{' on ' + node['Index Name'] if 'Index Name' in node else ''}"
                         f" ({node['Actual Rows']} rows x{node.get('Actual Loops', 1)}{fetches})")
        for child in node.get("Plans", []):
            walk(child)

    walk(top["Plan"])
    root = top["Plan"]
    return (f"{root['Node Type']}, planning {top['Planning Time']:.1f} ms, execution "
            f"{top['Execution Time']:.1f} ms, {root.get('Actual Rows')} rows; buffers hit "
            f"{root.get('Shared Hit Blocks', 0)} read {root.get('Shared Read Blocks', 0)}; scans: "
            + "; ".join(scans))  # fmt: skip


def measure(store: Store, runs: int) -> None:
    total = scalar(store.engine, "SELECT count(*) FROM events")
    size = scalar(store.engine, "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c"
                  " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'",
                  s=SCHEMA)  # fmt: skip
    events_size = scalar(store.engine, "SELECT pg_size_pretty(pg_total_relation_size('events'))")
    summaries = ", ".join(
        f"{t} {scalar(store.engine, f'SELECT count(*) FROM {t}'):,} rows "
        f"{scalar(store.engine, 'SELECT pg_size_pretty(pg_total_relation_size(:t))', t=t)}"
        for t in ("event_days", SUMMARY)
    )
    print(f"store: {total:,} events; schema {SCHEMA} {size} (events with indexes {events_size}; "
          f"{summaries})")  # fmt: skip
    some_id = int(scalar(store.engine, "SELECT max(id) / 2 FROM events"))

    def point_read() -> Any:
        with store.session() as session:
            return session.get(EventRow, some_id)

    def round_trip() -> Any:
        with store.session() as session:
            return session.execute(select(1)).scalar()

    base_median, base_p95, _ = timed(runs, point_read)
    trip_median, trip_p95, _ = timed(runs, round_trip)
    print(f"baseline: event by primary key median {base_median:.2f} ms p95 {base_p95:.2f} ms; "
          f"SELECT 1 median {trip_median:.2f} ms p95 {trip_p95:.2f} ms")
    print(f"{'pair':<22}{'by':<7}{'events':>9}{'points':>8}{'median ms':>11}{'p95 ms':>9}"
          f"{'SQL med':>9}{'x point read':>14}{'goal':>6}")
    for label, (a, b, count) in pick_pairs(store).items():
        plans = []
        for granularity in ("month", "week"):
            with captured(store.engine) as seen, store.session() as session:
                relations(session, a, b, granularity=granularity, rollup=True)
            statement, parameters = next((s, p) for s, p in seen if f"FROM {SUMMARY}" in s)

            def sql_only(statement: str = statement, parameters: Any = parameters) -> Any:
                with store.engine.connect() as conn:
                    return len(conn.exec_driver_sql(statement, parameters).fetchall())

            def timeline(a: str = a, b: str = b, granularity: Any = granularity) -> Any:
                with store.session() as session:
                    return relations(session, a, b, granularity=granularity, rollup=True)

            sql_median, _, _ = timed(runs, sql_only)
            median, p95, series = timed(runs, timeline)
            events = series.totals["events"] + series.totals["hypothetical"] + series.totals["negated"]
            print(f"{label + ' ' + a + '-' + b:<22}{granularity:<7}{events:>9,}{len(series.points):>8}"
                  f"{median:>11.1f}{p95:>9.1f}{sql_median:>9.1f}{median / base_median:>14.0f}"
                  f"{'ok' if p95 < 100 else 'MISS':>6}")  # fmt: skip
            plans.append(f"  {granularity} summary plan: {explain(store, statement, parameters)}")
        print(f"  pair rows by the bench's count: {count:,}")
        print("\n".join(plans))
        listing(store, runs, a, b)


def listing(store: Store, runs: int, a: str, b: str) -> None:
    """The pair page's event list: the latest month's first page, and page 2 of all the pair's events."""
    with store.session() as session:
        month = relations(session, a, b, rollup=True, id_bound=0).points
    for label, period in (("latest month", month[-1].period if month else None), ("all", None)):
        def page(period: str | None = period) -> Any:
            with store.session() as session:
                # As pair_data does: the summary's month counts bound the index range read.
                offset = 0 if period else 20
                since = None if period else newest_bound(fetch_period_rows(session, a, b, rollup=True), 40)
                return period_event_ids(session, a, b, period, rollup=True, limit=20, offset=offset,
                                        since=since)

        median, p95, ids = timed(runs, page)
        print(f"  pair page events, {label} ({period or 'every period, page 2'}): {len(ids)} ids, "
              f"median {median:.1f} ms p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database (the schema goes in it)")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--articles", type=int, default=249, help="Guardian Syria articles to ingest")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the schema even if it is there")
    parser.add_argument("--drop", action="store_true", help="drop the schema at the end")
    args = parser.parse_args()
    store = build(args.url, args.events, args.articles, args.rebuild)
    try:
        measure(store, args.runs)
    finally:
        store.close()
        if args.drop:
            admin = create_engine(args.url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            admin.dispose()
            print(f"dropped schema {SCHEMA}")


if __name__ == "__main__":
    main()
