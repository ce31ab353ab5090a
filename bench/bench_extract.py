"""Extraction throughput: blocwatch's :func:`extract_html` vs bare ``trafilatura.extract``.

Both run on the same ScrapingHub benchmark pages (``html/<id>.html.gz``, read at run time from
../shared/eval/extraction/scrapinghub-article-extraction, never copied) in the same process.
The pages are decompressed up front so only extraction is timed.  blocwatch does more per page
(metadata, publication date, sections, cleaning) than bare trafilatura, which only returns text.

Each round times both extractors back to back, alternating which goes first; the best round of
each is reported, since on a shared machine the minimum is the least noisy estimate.  Prints
pages/s for both and their ratio (blocwatch / trafilatura; the goal is >= 0.9).

    .venv/bin/python bench/bench_extract.py [--rounds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

DATA = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "eval"
    / "extraction"
    / "scrapinghub-article-extraction"
)


def _load(limit: int | None) -> list[tuple[bytes, str | None]]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    return [
        (gzip.decompress((DATA / "html" / f"{i}.html.gz").read_bytes()), truth[i].get("url")) for i in ids
    ]


def _time(extract: Callable[[bytes, str | None], object], pages: list[tuple[bytes, str | None]]) -> float:
    start = time.perf_counter()
    for raw, url in pages:
        extract(raw, url)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per extractor (best is kept)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    if not (DATA / "ground-truth.json").is_file():
        print(f"skipped: extraction benchmark not found at {DATA} (../shared is absent)")
        sys.exit(0)

    import trafilatura

    from blocwatch.ingest.errors import IngestError
    from blocwatch.ingest.html import extract_html

    def bare(raw: bytes, url: str | None) -> object:
        return trafilatura.extract(raw, url=url)

    def ours(raw: bytes, url: str | None) -> object:
        try:
            return extract_html(raw, url=url)
        except IngestError:  # counted like bare trafilatura's None: the work was done
            return None

    warnings.simplefilter("ignore")  # trafilatura/htmldate deprecation chatter is not our output
    pages = _load(args.limit)
    for extract in (bare, ours):  # warm-up: imports, regex compilation, dateparser locales
        for raw, url in pages[:5]:
            extract(raw, url)
    best = {"trafilatura": float("inf"), "blocwatch": float("inf")}
    for round_ in range(args.rounds):
        order = [("trafilatura", bare), ("blocwatch", ours)]
        for name, extract in order if round_ % 2 == 0 else reversed(order):
            best[name] = min(best[name], _time(extract, pages))

    n = len(pages)
    print(f"pages: {n}  rounds: {args.rounds} (best round kept)")
    print(f"bare trafilatura.extract: {n / best['trafilatura']:7.1f} pages/s")
    print(f"blocwatch extract_html:   {n / best['blocwatch']:7.1f} pages/s")
    print(f"ratio blocwatch/trafilatura: {best['trafilatura'] / best['blocwatch']:.2f}")


if __name__ == "__main__":
    main()
