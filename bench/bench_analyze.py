"""Analyze throughput: ``blocwatch analyze`` vs a bare ``nlp.pipe`` of the full spaCy model.

Both run over the same texts in the same run (the Guardian Syria sample in
../shared/corpus/guardian-syria, read at run time, never copied): the bare model is the full
``en_core_web_sm`` pipeline in one process, as a user would run it; blocwatch is the analyze
contract end to end (JSON lines in, JSON lines out: page reading, the model, actors, quotes,
events, offset remapping) with its default ``workers`` (every core).  Prints words/s for both,
the ratio, and the one-process ratio for reference.

    .venv/bin/python bench/bench_analyze.py            # the whole sample (249 articles)
    .venv/bin/python bench/bench_analyze.py --limit 60
"""

from __future__ import annotations

import argparse
import json
import time

import spacy
from corpus import guardian_syria

from blocwatch.contract import analyze_lines
from blocwatch.nlp.parallel import usable_workers
from blocwatch.nlp.pipeline import get_pipeline


def _timed_analyze(lines: list[str], workers: int) -> tuple[float, int]:
    pipeline = get_pipeline()
    start = time.perf_counter()
    events = sum(len(out.get("events", [])) for out in analyze_lines(lines, pipeline, workers=workers))
    return time.perf_counter() - start, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=0, help="blocwatch workers (0 = every core)")
    args = parser.parse_args()
    rows = guardian_syria(args.limit)
    texts = [text for _, text in rows]
    lines = [json.dumps({"id": str(i), "text": t, "date": d}) for i, (d, t) in enumerate(rows)]
    words = sum(len(t.split()) for t in texts)

    pipeline = get_pipeline()
    list(analyze_lines(lines[:3], pipeline, workers=1))  # warm-up: gazetteer, lexicon, caches
    bare = spacy.load(pipeline.model_name)

    start = time.perf_counter()
    for _ in bare.pipe(texts, batch_size=32):
        pass
    bare_s = time.perf_counter() - start
    ours_s, events = _timed_analyze(lines, args.workers)
    one_s, _ = _timed_analyze(lines, 1)

    print(f"articles: {len(texts)}  words: {words}  events found: {events}  "
          f"workers: {usable_workers(args.workers)}")
    print(f"bare spaCy ({pipeline.model_name}, 1 process): {words / bare_s:9.0f} words/s")
    print(f"blocwatch analyze (workers):        {words / ours_s:9.0f} words/s")
    print(f"blocwatch analyze (1 process):      {words / one_s:9.0f} words/s")
    print(f"ratio blocwatch/bare: {bare_s / ours_s:.2f}   (1 process: {bare_s / one_s:.2f})")


if __name__ == "__main__":
    main()
