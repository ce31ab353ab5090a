"""Cost of the actor pass (gazetteer + resolution) relative to the spaCy tokenizer alone.

Both run over the same texts in the same run: the tokenizer over raw text, the actor component
over documents the model has already parsed (so the model's own NER is not charged to it).
Texts are read at run time from ../shared/corpus/bbc-news (politics), never copied.

    .venv/bin/python bench/bench_actors.py --limit 200
"""

from __future__ import annotations

import argparse
import time

from corpus import bbc_politics

from blocwatch.nlp.pipeline import get_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    texts = bbc_politics(args.limit)
    nlp = get_pipeline().nlp
    actors = nlp.get_pipe("blocwatch_actors")
    with nlp.select_pipes(disable=["blocwatch_actors", "blocwatch_quotes", "blocwatch_events"]):
        docs = list(nlp.pipe(texts))
    actors(docs[0])  # warm-up: builds the gazetteer once

    start = time.perf_counter()
    for text in texts:
        nlp.tokenizer(text)
    tokenizer_s = time.perf_counter() - start

    start = time.perf_counter()
    mentions = 0
    for doc in docs:
        mentions += len(actors(doc)._.mentions)
    actors_s = time.perf_counter() - start

    print(f"articles: {len(texts)}  mentions: {mentions}")
    print(f"tokenizer alone: {tokenizer_s * 1000:8.1f} ms")
    print(f"actor pass:      {actors_s * 1000:8.1f} ms")
    print(f"ratio actor pass / tokenizer: {actors_s / tokenizer_s:.2f}")


if __name__ == "__main__":
    main()
