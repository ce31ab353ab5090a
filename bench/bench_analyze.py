"""Analyze throughput: blocwatch's whole pipeline vs the bare spaCy model, same texts, same run.

Prints articles/s for both and their ratio (blocwatch / bare spaCy).  Texts are read at run time
from ../shared/corpus/bbc-news (politics), never copied; pass --limit to change the sample.

    .venv/bin/python bench/bench_analyze.py --limit 100
"""

from __future__ import annotations

import argparse
import time

import spacy
from corpus import bbc_politics

from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    texts = bbc_politics(args.limit)
    pipeline = get_pipeline()
    bare = spacy.load(pipeline.model_name)
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    list(pipeline.analyze_many(articles[:5]))  # warm-up: gazetteer build, caches

    start = time.perf_counter()
    for _ in bare.pipe(texts, batch_size=32):
        pass
    bare_s = time.perf_counter() - start

    start = time.perf_counter()
    events = sum(len(a.events) for a in pipeline.analyze_many(articles, batch_size=32))
    ours_s = time.perf_counter() - start

    words = sum(len(t.split()) for t in texts)
    print(f"articles: {len(texts)}  words: {words}  events found: {events}")
    print(f"bare spaCy ({pipeline.model_name}): {len(texts) / bare_s:8.1f} articles/s")
    print(f"blocwatch analyze:                  {len(texts) / ours_s:8.1f} articles/s")
    print(f"ratio blocwatch/bare: {bare_s / ours_s:.2f}")


if __name__ == "__main__":
    main()
