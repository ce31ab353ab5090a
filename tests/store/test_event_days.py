"""The per-day summary ``event_days`` stays what a GROUP BY over ``events`` gives, on both back ends.

Every change that can move an event's contribution is made through the real write paths (the
store's writer, re-processing with the real pipeline, a migration from 0009 with data in it) and
then the summary is compared twice: with :func:`check_event_days` (the store's own GROUP BY) and
with an independent count in Python over the event rows and :func:`event_day`.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from sqlalchemy import create_engine, delete, event, func, insert, inspect, select

from blocwatch.analytics.relations import bucket, fetch_pair_events, relations
from blocwatch.records import Actor, Analysis, Article, Event, Evidence
from blocwatch.store import Store, current_revision, migrate
from blocwatch.store.event_days import (
    NO_ACTOR,
    UNDATED,
    check_event_days,
    event_day,
    forget_articles,
    rebuild_event_days,
)
from blocwatch.store.models import ArticleRow, EventDayRow, EventRow

ACTORS = [
    Actor("LTU", "Lithuania", "state", country="LTU"),
    Actor("BLR", "Belarus", "state", country="BLR"),
    Actor("person:ona-vaitkute", "Ona Vaitkute", "person", country="LTU", role="Foreign Minister"),
]
# (sentence, source, target, quad class, intensity, date, negated, hypothetical, tone)
Act = tuple[str, str | None, str | None, int, float, str | None, bool, bool, float | None]


def _analysis(article_id: str, published: date | None, acts: list[Act]) -> Analysis:
    text = " ".join(a[0] for a in acts)
    events, at = [], 0
    for n, (sentence, source, target, quad, intensity, when, negated, hypothetical, tone) in enumerate(acts):
        start = text.index(sentence, at)
        at = start + len(sentence)
        events.append(Event(source, target, "CONSULT", "040", quad, intensity,
                            Evidence(sentence, start, at, article_id, n), negated=negated,
                            hypothetical=hypothetical, date=when, tone=tone))  # fmt: skip
    article = Article(id=article_id, text=text, title=article_id, published=published,
                      url=f"https://news.example.org/{article_id}")  # fmt: skip
    return Analysis(article, [], ACTORS, [], events)


BORDER: list[Act] = [
    ("Lithuania closed two crossings to Belarus.", "LTU", "BLR", 4, -5.0, "2025-03-02", False, False, -2.5),
    ("Belarus protested the closure this month.", "BLR", "LTU", 3, -2.0, "2025-03", False, False, None),
    ("Ona Vaitkute met Belarusian exiles.", "person:ona-vaitkute", "BLR", 1, 1.0, None, False, False, 0.5),
    ("Belarus did not threaten Lithuania.", "BLR", "LTU", 3, -4.4, "2025-03-01", True, False, -1.0),
    ("Lithuania may reopen one crossing.", "LTU", "BLR", 2, 3.0, "2025-W10", False, True, None),
    ("Officials spoke of the row last year.", None, "LTU", 1, 1.0, "2024", False, False, None),
]
UNDATED_NOTE: list[Act] = [
    ("Lithuania consulted Belarus on rail.", "LTU", "BLR", 1, 1.0, None, False, False, None),
]


def _python_summary(store: Store) -> Counter[tuple[object, ...]]:
    """The summary computed here, independently: event_day of each event and its article."""
    out: Counter[tuple[object, ...]] = Counter()
    with store.session() as session:
        rows = session.execute(
            select(EventRow.source_actor_id, EventRow.target_actor_id, EventRow.event_date,
                   ArticleRow.published, EventRow.quad_class, EventRow.negated, EventRow.hypothetical,
                   EventRow.day, EventRow.day_approximate)
            .join(ArticleRow, ArticleRow.id == EventRow.article_id)
        )  # fmt: skip
        for source, target, when, published, quad, negated, hypothetical, day, approximate in rows:
            assert (day, approximate) == event_day(when, published)  # the stored day is the rule's
            out[(source or NO_ACTOR, target or NO_ACTOR, day or UNDATED, quad, bool(negated),
                 bool(hypothetical), bool(approximate))] += 1  # fmt: skip
    return out


def _stored(store: Store) -> Counter[tuple[object, ...]]:
    d = EventDayRow
    with store.session() as session:
        rows = session.execute(select(d.source_actor_id, d.target_actor_id, d.day, d.quad_class, d.negated,
                                      d.hypothetical, d.approximate, d.events))  # fmt: skip
        return Counter({(s, t, day, q, bool(n), bool(h), bool(a)): e for s, t, day, q, n, h, a, e in rows})


def _agrees(store: Store) -> None:
    with store.session() as session:
        assert check_event_days(session) == []
    assert _stored(store) == _python_summary(store)


def test_summary_follows_inserts_resaves_and_published_changes(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        store.save_analysis(_analysis("lt-note", None, UNDATED_NOTE))
        _agrees(store)
        stored = _stored(store)
        # The month "2025-03" is made precise by the publication day; the year is not (approximate).
        assert stored[("BLR", "LTU", date(2025, 3, 5), 3, False, False, False)] == 1
        assert stored[(NO_ACTOR, "LTU", date(2024, 1, 1), 1, False, False, True)] == 1
        assert stored[("LTU", "BLR", UNDATED, 1, False, False, False)] == 1
        with store.session() as session:
            tone = session.execute(select(func.sum(EventDayRow.tone_sum), func.sum(EventDayRow.toned))).one()
        assert tone == (-3.0, 3)
        # Re-saved with other events: the old ones' contribution is gone, the new ones' is in.
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER[:2] + BORDER[4:]))
        _agrees(store)
        assert ("person:ona-vaitkute", "BLR", date(2025, 3, 5), 1, False, False, False) not in _stored(store)
        # Published a month later: the partial dates move (or become approximate), nothing else.
        store.save_analysis(_analysis("lt-border", date(2025, 4, 2), BORDER))
        _agrees(store)
        stored = _stored(store)
        assert stored[("BLR", "LTU", date(2025, 3, 1), 3, False, False, True)] == 1
        assert stored[("LTU", "BLR", date(2025, 3, 3), 2, False, True, True)] == 1  # week 10's Monday


def test_unchanged_resave_writes_no_summary_rows(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        seen: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        assert not [s for s in seen if "event_days" in s and not s.lstrip().upper().startswith("SELECT")]
        _agrees(store)


def test_deleting_articles_and_rebuilding(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        store.save_analysis(_analysis("lt-note", None, UNDATED_NOTE))
        with store.writing() as session:  # the path any article deletion must take
            forget_articles(session, ["lt-border"])
            session.execute(delete(ArticleRow).where(ArticleRow.id == "lt-border"))  # events cascade
        _agrees(store)
        assert sum(_stored(store).values()) == 1
        with store.writing() as session:
            forget_articles(session, ["lt-note"])
            session.execute(delete(ArticleRow).where(ArticleRow.id == "lt-note"))
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(EventDayRow)) == 0
        # A bulk loader writes events with raw SQL (days filled) and rebuilds the summary.
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        with store.writing() as session:
            copies = [{k: v for k, v in row._mapping.items() if k != "id"}
                      for row in session.execute(select(EventRow.__table__))]  # fmt: skip
            session.execute(insert(EventRow), copies)
            assert check_event_days(session) != []  # the copies are not in the summary yet
            assert rebuild_event_days(session) == len(_stored(store))  # same keys, twice the events
        _agrees(store)
        assert sum(_stored(store).values()) == 2 * len(BORDER)


def test_reprocess_replaces_the_summary(backend_url: str) -> None:
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline
    from blocwatch.reprocess import reprocess
    from blocwatch.settings import load_settings

    page = ("Border talks\n\nLithuania accused Belarus of sending migrants across the border on Monday. "
            "Belarus rejected the accusation and threatened Lithuania with retaliation.\n")
    with Store(backend_url) as store:
        article = parse_text_page(page, input_name="border.txt")
        article.raw, article.raw_type, article.published = page.encode(), "text", date(2025, 3, 5)
        # As an older pipeline left it: another event than today's pipeline reads.
        old = Event("LTU", "BLR", "CONSULT", "040", 1, 1.0, Evidence(article.text[:10], 0, 10, article.id, 0),
                    date="2020-01-01")  # fmt: skip
        store.save_analysis(Analysis(article, [], ACTORS, [], [old]))
        assert ("LTU", "BLR", date(2020, 1, 1), 1, False, False, False) in _stored(store)
        summary = reprocess(load_settings(database_url=backend_url), store, get_pipeline(), [article.id])
        assert summary.done == 1
        _agrees(store)
        assert ("LTU", "BLR", date(2020, 1, 1), 1, False, False, False) not in _stored(store)


def test_migration_from_0009_with_data_gives_the_same_timelines(backend_url: str) -> None:
    with Store(backend_url) as store:
        store.save_analysis(_analysis("lt-border", date(2025, 3, 5), BORDER))
        store.save_analysis(_analysis("lt-note", None, UNDATED_NOTE))
        with store.session() as session:
            before = {(g, r): bucket(fetch_pair_events(session, "LTU", "BLR", rollup=r), g)
                      for g in ("month", "week") for r in (False, True)}  # fmt: skip
    engine = create_engine(backend_url)
    try:
        from alembic import command

        from blocwatch.store.migrate import alembic_config

        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
        assert "event_days" not in inspect(engine).get_table_names()
        assert "day" not in {c["name"] for c in inspect(engine).get_columns("events")}
        migrate(engine=engine)  # back-fills the days of the events stored at 0009, builds the summary
        assert current_revision(engine) == "0011"
    finally:
        engine.dispose()
    with Store(backend_url) as store:
        _agrees(store)
        with store.session() as session:
            for (granularity, rollup), (points, undated) in before.items():
                for bound in (0, None):  # the summary alone, and with the events' ids
                    series = relations(session, "LTU", "BLR", granularity=granularity, rollup=rollup,
                                       id_bound=bound)  # fmt: skip
                    assert series.undated == undated
                    assert [(p.period, p.counts, p.events, p.hypothetical, p.negated, p.approximate,
                             round(p.intensity_sum, 6), p.toned) for p in series.points] == [
                        (p.period, p.counts, p.events, p.hypothetical, p.negated, p.approximate,
                         round(p.intensity_sum, 6), p.toned) for p in points]  # fmt: skip


def test_concurrent_writers_of_the_same_summary_rows(backend_url: str) -> None:
    """Four writers re-saving articles whose events fall on the same summary rows: no lost
    update, no deadlock (keys are written in sorted order), the summary still exact."""
    stores = [Store(backend_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait(30)
            for round_ in range(3):
                acts = BORDER if (i + round_) % 2 else list(reversed(BORDER[:4]))
                own: Act = (f"Dispatch {i} was filed.", None, None, 1, 0.0, None, False, False, None)
                stores[i].save_analysis(_analysis(f"lt-{i}", date(2025, 3, 5 + round_), [*acts, own]))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for s in stores:
        s.close()
    assert errors == []
    with Store(backend_url) as store:
        _agrees(store)
        # The last round: BORDER for the odd writers, its first four acts for the even ones.
        assert sum(_stored(store).values()) == 2 * (len(BORDER) + 1) + 2 * (4 + 1)
