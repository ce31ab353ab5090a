"""Several writers at once (as with parallel ingest workers): no lost saves, no duplicates."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

from store_samples import brief_note, river_talks

from blocwatch.store import SaveResult, Store
from blocwatch.store import queries as q

WORKERS = 4


def run_together(database_url: str, work: Callable[[Store, int], SaveResult]) -> list[SaveResult]:
    """Run ``work(store, i)`` in WORKERS threads, each with its own Store, released together."""
    stores = [Store(database_url) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    results: list[SaveResult] = []
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(30)
            results.append(work(stores[i], i))
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for s in stores:
        s.close()
    assert errors == []
    return results


def test_same_article_saved_concurrently_is_stored_once(database_url: str) -> None:
    results = run_together(database_url, lambda store, i: store.save_analysis(river_talks()))
    assert {r.article_id for r in results} == {"a-river"}
    assert sum(r.created for r in results) == 1
    with Store(database_url) as store, store.session() as s:
        assert q.count_articles(s) == 1
        got = q.get_article(s, "a-river")
        assert got is not None and len(got["events"]) == 2 and len(got["mentions"]) == 6


def test_different_articles_with_shared_actors_saved_concurrently(database_url: str) -> None:
    def work(store: Store, i: int) -> SaveResult:
        result = SaveResult("", False)
        for j in range(5):
            n = i * 10 + j
            note = brief_note(f"w{n}", ["RUR", "FRE"], published=date(2024, 1, 1) + timedelta(n), number=n)
            result = store.save_analysis(note)
        return result

    run_together(database_url, work)
    with Store(database_url) as store, store.session() as s:
        assert q.count_articles(s) == WORKERS * 5
        assert {a["id"]: a["articles"] for a in q.list_actors(s)} == {"RUR": 20, "FRE": 20}
