"""Cost of tone scoring (blocwatch/nlp/tone.py) relative to spaCy's tokenizer alone.

On the Guardian Syria sample (read at run time from ../shared): the texts are split into
sentences once (a rule sentencizer, not timed), then we time (a) the model's tokenizer over the
whole texts and (b) :func:`sentence_tone` over every sentence — what the events component does
per article.  Prints both times and the ratio tone / tokenizer in one run.

    .venv/bin/python bench/bench_tone.py [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import time

import spacy
from corpus import guardian_syria

from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.nlp.tone import sentence_tone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles to use (default all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best time is kept")
    args = parser.parse_args()
    texts = [body for _, body in guardian_syria(args.limit)]
    tokenizer = get_pipeline().nlp.tokenizer
    splitter = spacy.blank("en")
    splitter.add_pipe("sentencizer")
    sentences = [s.text for doc in splitter.pipe(texts) for s in doc.sents]
    sentence_tone("warm up the lexicon")

    def best(work: object) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            work()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return min(times)

    tokenize = best(lambda: [tokenizer(t) for t in texts])
    tone = best(lambda: [sentence_tone(s) for s in sentences])
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles, {len(sentences)} sentences, {chars / 1e6:.2f} M chars")
    print(f"spaCy tokenizer: {tokenize:.3f} s   tone (VADER, every sentence): {tone:.3f} s")
    print(f"ratio tone / tokenizer: {tone / tokenize:.2f}")


if __name__ == "__main__":
    main()
