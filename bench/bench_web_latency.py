"""Page and API latency with one million events stored, under 32 concurrent clients on loopback.

Set-up (see :mod:`replicate`): a store filled by the real ingest job from a sample of the Guardian
Syria corpus and the seed article (../shared, read at run time), whose events are then replicated
with shifted dates, on copies of their articles, up to ``--events`` (default 1 000 000).  The
related-articles vectors are then computed ahead, as after an ingest
(:func:`blocwatch.analytics.related.compute_missing_vectors`).  The set-up is kept in
``--store-dir`` and reused when it already holds enough events (``--rebuild`` forces it); the
time it took is printed.

Server: the real app served by ``blocwatch serve --workers N`` (uvicorn, ``--workers`` processes,
default 2 on this 2-core machine) in a subprocess, so the clients do not share its interpreter.

Cold, then warm.  Pages are cached per store watermark (blocwatch/web/cache.py), so the first
request of a page after a change of the store costs the full computation and later ones do not.
The **warm-up** therefore requests every target URL, in passes of 4 clients, until two passes in a
row are answered from the cache (at most 12 passes; each worker process has its own cache, and
after the first pass every request opens its own connection so that any worker may get it); the
first pass's latencies are printed per route as the *cold* figures.  The **measurement** then
has ``--clients`` asyncio clients (httpx, keep-alive) send requests from one shuffled mix — home,
article, actor, pair and search pages and their ``.json`` twins, plus ``/healthz`` — until
``--requests`` are done.  Prints p50/p95/p99 and errors per route
and overall, how many answers were cache hits, and the **baseline ratio**: each route's p95 over
the ``/healthz`` p95 measured in the same run (``/healthz`` does one count query and no page work,
so the ratio is what a page costs beyond the server, the loop and the queueing of 32 clients on 2
cores; 1.0 means "as cheap as the health check").  Goal: p95 < 100 ms, 0 errors.  Rate limiting
(setting ``rate_limit_per_minute``) is switched off for the server: one client IP sends it all.

    .venv/bin/python bench/bench_web_latency.py --store-dir /tmp/h6/store    # SQLite, 1 M events
    .venv/bin/python bench/bench_web_latency.py --events 100000 --requests 1000
    .venv/bin/python bench/bench_web_latency.py --workers 1                   # one server process
    .venv/bin/python bench/bench_web_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
from replicate import count_events, ingest_corpus, replicate_with_articles
from sqlalchemy import func, select

from blocwatch.analytics.related import compute_missing_vectors
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleActorRow, ArticleRow, EventRow
from blocwatch.web.cache import CACHE_HEADER

ROOT = Path(__file__).resolve().parents[1]


def build(url: str, events: int, articles: int, rebuild: bool) -> None:
    store = Store(url)
    try:
        have = count_events(store)
        if have >= events and not rebuild:
            print(f"store: reusing {have} events at {store.engine.url.render_as_string(hide_password=True)}")
        else:
            if rebuild or have == 0:
                stored, seconds = ingest_corpus(store, articles)
                print(f"set-up: ingested {articles} Guardian articles + seed: {stored} events "
                      f"in {seconds:.0f} s")
            total, seconds = replicate_with_articles(store, events)
            print(f"set-up: replicated to {total} events in {seconds:.0f} s")
        started = time.perf_counter()
        with store.session() as session:
            computed = compute_missing_vectors(session)
        print(f"set-up: {computed} related-article vectors in {time.perf_counter() - started:.0f} s")
    finally:
        store.close()


def targets(url: str, rng: random.Random) -> dict[str, list[str]]:
    """URLs to request, by route: real ids from the store (originals and copies alike)."""
    store = Store(url)
    with store.engine.connect() as conn:
        ids = list(conn.scalars(select(ArticleRow.id).order_by(func.random()).limit(200)))
        actors = list(conn.scalars(
            select(ArticleActorRow.actor_id).group_by(ArticleActorRow.actor_id)
            .order_by(func.count().desc()).limit(30)
        ))  # fmt: skip
        pairs = list(conn.execute(
            select(EventRow.source_actor_id, EventRow.target_actor_id)
            .where(EventRow.source_actor_id.is_not(None), EventRow.target_actor_id.is_not(None),
                   EventRow.source_actor_id != EventRow.target_actor_id, EventRow.article_id.not_like("%~%"))
            .group_by(EventRow.source_actor_id, EventRow.target_actor_id)
            .order_by(func.count().desc()).limit(20)
        ))  # fmt: skip
    store.close()
    words = ["Syria", "Kurdish", "ceasefire", "Assad", "Turkey", "Raqqa", "Russia", "refugees"]
    routes: dict[str, list[str]] = {
        "healthz": ["/healthz"],
        "home": ["/", "/?page=2"],
        "article": [f"/articles/{i}" for i in ids],
        "actor": [f"/actors/{a}" for a in actors],
        "pair": [f"/pairs/{a}/{b}" for a, b in pairs],
        "search": [f"/search?q={w}" for w in words]
        + [f"/search?q={w}&actor={rng.choice(actors)}" for w in words],
    }
    for route in ("home", "article", "actor", "pair", "search"):
        routes[route + ".json"] = [_json_twin(u) for u in routes[route]]
    return routes


def _json_twin(path: str) -> str:
    base, _, query = path.partition("?")
    twin = "/.json" if base == "/" else base + ".json"
    return twin + ("?" + query if query else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, BLOCWATCH_DATABASE_URL=url)
    if "rate_limit_per_minute" in Settings.model_fields:
        env["BLOCWATCH_RATE_LIMIT_PER_MINUTE"] = "0"  # measure the pages, not the limiter
    proc = subprocess.Popen(
        [sys.executable, "-m", "blocwatch.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"blocwatch serve exited with {proc.returncode}")
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("blocwatch serve did not answer /healthz within 60 s")


Results = dict[str, list[float | None]]


async def load(port: int, plan: list[tuple[str, str]], clients: int,
               cache: dict[str, int] | None = None, keep_alive: bool = True) -> Results:  # fmt: skip
    """Send ``plan`` with ``clients`` concurrent clients; latency in seconds, None for an error.
    ``cache`` counts the answers' ``X-Blocwatch-Cache`` values (hit, miss, none) and the errors
    by kind; without ``keep_alive`` every request opens its own connection."""
    results: Results = defaultdict(list)
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits() if keep_alive else httpx.Limits(max_keepalive_connections=0)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=300, limits=limits) as http:
            while not queue.empty():
                route, path = queue.get_nowait()
                start = time.perf_counter()
                try:
                    response = await http.get(path)
                    ok = response.status_code == 200
                    state = response.headers.get(CACHE_HEADER, "none")
                    state = state if ok else f"status {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, state = False, type(exc).__name__
                if cache is not None:
                    cache[state] = cache.get(state, 0) + 1
                results[route].append(time.perf_counter() - start if ok else None)

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def warm_up(port: int, routes: dict[str, list[str]], rng: random.Random) -> Results:
    """Every target URL until two passes in a row are served from the cache; the first pass's
    latencies.  After the first pass every request has a connection of its own, so the kernel
    hands it to any worker process and each worker's cache gets filled."""
    every = [(route, path) for route, paths in routes.items() for path in dict.fromkeys(paths)]
    first: Results | None = None
    clean = 0
    for number in range(1, 13):
        rng.shuffle(every)
        cache: dict[str, int] = {}
        started = time.perf_counter()
        results = asyncio.run(load(port, every, 4, cache, keep_alive=number == 1))
        first = first or results
        print(f"warm-up pass {number}: {len(every)} URLs in {time.perf_counter() - started:.0f} s, "
              f"answers {cache}", flush=True)  # fmt: skip
        clean = clean + 1 if set(cache) <= {"hit", "none"} else 0
        if clean == 2:
            break
    assert first is not None
    return first


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(results: Results, wall: float) -> None:
    everything = [v for vs in results.values() for v in vs]
    base = percentile([v for v in results["healthz"] if v is not None], 0.95)
    print(f"{'route':<14}{'n':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95/healthz':>13}")
    for route, values in sorted(results.items()) + [("overall", everything)]:
        ok = [v for v in values if v is not None]
        p95 = percentile(ok, 0.95)
        print(f"{route:<14}{len(values):>6}{len(values) - len(ok):>8}{percentile(ok, 0.5) * 1000:>9.1f}"
              f"{p95 * 1000:>9.1f}{percentile(ok, 0.99) * 1000:>9.1f}{p95 / base:>13.1f}")
    print(f"throughput: {len(everything) / wall:.0f} requests/s over {wall:.1f} s")


def report_cold(results: Results) -> None:
    print(f"{'cold route':<14}{'urls':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for route, values in sorted(results.items()):
        ok = [v for v in values if v is not None]
        print(f"{route:<14}{len(values):>6}{len(values) - len(ok):>8}{percentile(ok, 0.5) * 1000:>9.0f}"
              f"{percentile(ok, 0.95) * 1000:>9.0f}{max(ok, default=float('nan')) * 1000:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in --store-dir")
    parser.add_argument("--store-dir", type=Path, default=Path("/tmp/blocwatch-bench"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=100, help="Guardian articles ingested for real")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2, help="server processes (serve --workers)")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    args.store_dir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.store_dir / f'web-{args.events}.db'}"
    build(url, args.events, args.articles, args.rebuild)
    rng = random.Random(7)
    routes = targets(url, rng)
    each = args.requests // len(routes)
    plan = [(route, rng.choice(paths)) for route, paths in routes.items() for _ in range(each)]
    rng.shuffle(plan)
    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        cold = warm_up(port, routes, rng)
        cache: dict[str, int] = {}
        start = time.perf_counter()
        results = asyncio.run(load(port, plan, args.clients, cache))
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"events: {count_events_at(url)}  server workers: {args.workers}  clients: {args.clients}  "
          f"requests: {len(plan)}  answers: {cache}  load average: {os.getloadavg()[0]:.1f}")  # fmt: skip
    report_cold(cold)
    report(results, wall)


def count_events_at(url: str) -> int:
    store = Store(url)
    try:
        return count_events(store)
    finally:
        store.close()


if __name__ == "__main__":
    main()
