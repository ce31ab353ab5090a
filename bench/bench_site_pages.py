"""Page latencies of every kind of page over the Guardian Syria corpus and the founding example.

Set-up: a store filled by the real ingest job from all of ../shared/corpus/guardian-syria and the
seed (read at run time; kept in ``--store-dir`` and reused when it already holds the articles).

Server: the real app, ``blocwatch serve`` (one uvicorn process) in a subprocess, rate limit off.

Measure: for each kind of page (home, article, actor, pair, bloc, map, camps, search, stories,
story, event, briefs, brief, feeds and their JSON twins) up to ``--urls`` distinct URLs taken from
the stored data, each requested once *cold* — the first request after the store changed, which
computes the page (and any analytics cache behind it) — and then ``--repeats`` times *warm*, one
client at a time.  Prints per kind: cold median / max, warm median / p95, errors, and the ratio of
the warm median to ``/healthz``'s median in the same run (the cost of the server itself).

    .venv/bin/python bench/bench_site_pages.py
    .venv/bin/python bench/bench_site_pages.py --urls 5 --repeats 20 --store-dir /tmp/bw-pages
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
from bench_web_latency import _json_twin, free_port, start_server
from replicate import ingest_corpus
from sqlalchemy import func, select

from blocwatch.store import Store
from blocwatch.store.models import ArticleRow, EventRow

ROOT = Path(__file__).resolve().parents[1]


def build(url: str) -> None:
    store = Store(url)
    try:
        with store.session() as s:
            have = int(s.scalar(select(func.count()).select_from(ArticleRow)) or 0)
        if have < 200:
            events, seconds = ingest_corpus(store, 10_000)
            print(f"set-up: ingested the Guardian corpus and the seed, {events} events in {seconds:.0f} s")
    finally:
        store.close()


def _ids(url: str, limit: int) -> dict[str, list[str]]:
    """Article ids, busiest actors and pairs, straight from the store."""
    store = Store(url)
    try:
        with store.session() as s:
            newest = select(ArticleRow.id).order_by(ArticleRow.published.desc()).limit(limit)
            articles = list(s.scalars(newest))
            busiest = (
                select(EventRow.source_actor_id, func.count())
                .where(EventRow.source_actor_id.is_not(None))
                .group_by(EventRow.source_actor_id).order_by(func.count().desc()).limit(limit)
            )  # fmt: skip
            actors = [a for a, _ in s.execute(busiest)]
            pairs_q = (
                select(EventRow.source_actor_id, EventRow.target_actor_id, func.count())
                .where(EventRow.source_actor_id.is_not(None), EventRow.target_actor_id.is_not(None),
                       EventRow.source_actor_id != EventRow.target_actor_id)
                .group_by(EventRow.source_actor_id, EventRow.target_actor_id)
                .order_by(func.count().desc()).limit(limit)
            )  # fmt: skip
            pairs = [f"{a}/{b}" for a, b, _ in s.execute(pairs_q)]
    finally:
        store.close()
    return {"articles": articles, "actors": actors, "pairs": pairs}


def _from_json(client: httpx.Client, path: str, key: str, field: str, limit: int) -> list[str]:
    """Ids listed by one of the site's own JSON twins (stories, briefs)."""
    response = client.get(path)
    if response.status_code != 200:
        return []
    items = response.json().get(key) or []
    return [str(item[field]) for item in items[:limit] if isinstance(item, dict) and field in item]


def plan(client: httpx.Client, url: str, limit: int) -> dict[str, list[str]]:
    ids = _ids(url, limit)
    stories = _from_json(client, "/stories.json", "stories", "id", limit)
    story_events: list[str] = []
    for story in stories[:limit]:
        response = client.get(f"/stories/{quote(story)}.json")
        if response.status_code == 200:
            story_events += [str(e["id"]) for e in response.json().get("events", [])[:1] if "id" in e]
    listed = client.get("/briefs.json").json().get("briefs", [])
    briefs = [str(b["url"]) for b in listed[:limit] if "url" in b]
    pages = {
        "home": ["/", "/?page=2"],
        "article": [f"/articles/{quote(a)}" for a in ids["articles"]],
        "actor": [f"/actors/{quote(a)}" for a in ids["actors"]],
        "pair": [f"/pairs/{p}" for p in ids["pairs"]],
        "blocs": ["/blocs", "/blocs/BRICS", "/blocs/NATO"],
        "map": ["/map?actor=PRK", "/map?actor=SYR"],
        "camps": ["/camps"],
        "search": ["/search?q=Syria", "/search?q=Kurdish+forces", "/search?q=BRICS"],
        "stories": ["/stories", "/stories?page=2"],
        "story": [f"/stories/{quote(s)}" for s in stories],
        "event": [f"/events/{quote(e)}" for e in story_events],
        "briefs": ["/briefs"],
        "brief": briefs or ["/briefs/PRK/BRICS"],
        "feeds": ["/feed.rss", "/feed.atom", "/sitemap.xml"],
    }
    pages = {k: v for k, v in pages.items() if v}
    twins = {f"{k}.json": [_json_twin(u) for u in v] for k, v in pages.items() if k != "feeds"}
    return {**pages, **twins}


def timed(client: httpx.Client, path: str) -> tuple[float, bool]:
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response.status_code < 400


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store-dir", default="/tmp/blocwatch-bench-pages")
    parser.add_argument("--database-url", default="", help="measure this database instead")
    parser.add_argument("--urls", type=int, default=5, help="distinct URLs per kind of page")
    parser.add_argument("--repeats", type=int, default=20, help="warm requests per URL")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        Path(args.store_dir).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(args.store_dir) / 'site.db'}"
        build(url)
    port = free_port()
    server = start_server(url, port, 1)  # one server process, rate limit off
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            kinds = plan(client, url, args.urls)
            # The plan's own requests warmed some caches: touch the store so every page is cold.
            _touch(url)
            health = [timed(client, "/healthz")[0] for _ in range(50)]
            base = statistics.median(health)
            print(f"{'page':<14}{'urls':>5}{'cold p50':>10}{'cold max':>10}{'warm p50':>10}"
                  f"{'warm p95':>10}{'errors':>8}{'÷healthz':>10}")
            for kind, paths in kinds.items():
                cold, warm, errors = [], [], 0
                for path in paths:
                    ms, ok = timed(client, path)
                    cold.append(ms)
                    errors += not ok
                    for _ in range(args.repeats):
                        ms, ok = timed(client, path)
                        warm.append(ms)
                        errors += not ok
                print(f"{kind:<14}{len(paths):>5}{statistics.median(cold):>10.1f}{max(cold):>10.1f}"
                      f"{statistics.median(warm):>10.1f}{p95(warm):>10.1f}{errors:>8}"
                      f"{statistics.median(warm) / base:>10.1f}")
            print(f"/healthz median {base:.2f} ms (baseline); times in ms, one client, loopback")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _touch(url: str) -> None:
    """Move the store's watermark (the latest analysis time) so page and analytics caches start cold."""
    store = Store(url)
    try:
        with store.session() as s:
            latest = s.scalar(select(ArticleRow).order_by(ArticleRow.analysed_at.desc()).limit(1))
            if latest is not None and latest.analysed_at is not None:
                latest.analysed_at = latest.analysed_at + timedelta(microseconds=1)
    finally:
        store.close()


if __name__ == "__main__":
    main()
