"""Relevance of related articles: the embedding and the TF-IDF(+actors) methods side by side.

``blocwatch eval related --data DIR`` finds, under DIR, any of these corpora (written by others,
read at run time, never copied), and defines relevance from their own labels:

* **Reuters-21578** (``reut2-*.sgm``): an article is relevant to another when they share a
  TOPICS label (``grain``, ``crude`` …); documents with a topic and a body of 200+ characters,
  sampled evenly over the collection;
* **BBC News** (``<category>/NNN.txt``, first line the headline): relevant = same category;
* **Guardian Syria** (a CSV with ``date,text``, no titles or tags): held-out lead → body
  retrieval: the query is an article's first two sentences, the candidates are every article's
  remaining text, and the one relevant candidate is the query's own body.

Every document is a query; the ranking is over all other documents, exactly as the site ranks
(:mod:`blocwatch.analytics.related`: the same inputs, the same vectors, the same scores).  We
report P@5, nDCG@5 (binary gains) and MRR per method, the time to compute one document's
vector and the time to rank one query.  ``tfidf-actors`` is the TF-IDF method plus the shared-actors
term.  Actors come from blocwatch's own pipeline (quotes and events switched off),
as ``article_actors`` holds them in the store.

Figures of 2026-12-03 (``blocwatch eval related --data ../shared/corpus --limit 400``, under 20
minutes on 2 shared cores, most of it spaCy for the actors and the embeddings): P@5 tfidf /
tfidf-actors / embedding = Reuters 0.670 / 0.656 / 0.659, BBC 0.899 / 0.889 / 0.886, Guardian
lead→body MRR 0.592 / 0.513 / 0.527.  The full table, with speeds, is in the module docstring
of :mod:`blocwatch.analytics.related`, which picks its default by them.
"""

from __future__ import annotations

import csv
import html
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from blocwatch.analytics.related import (
    ACTOR_WEIGHT,
    TfidfIndex,
    cosine_top,
    embedding_input,
    jaccard_row,
    term_counts,
)

__all__ = ["METHOD_NAMES", "Dataset", "RelatedReport", "evaluate", "find_datasets"]

METHOD_NAMES = ("embedding", "tfidf", "tfidf-actors")
K = 5
_SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


@dataclass
class Dataset:
    """Queries and candidates; ``relevant[i]`` are the candidate indexes relevant to query ``i``.

    For label corpora queries and candidates are the same documents (``same`` is True, and a
    query never ranks itself)."""

    name: str
    relevance: str
    queries: list[tuple[str, str]]  # (title, text)
    candidates: list[tuple[str, str]]
    relevant: list[set[int]]
    same: bool


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # a few BBC files carry a raw latin-1 pound sign


def _labelled(name: str, relevance: str, docs: list[tuple[str, str, set[str]]]) -> Dataset:
    pairs = [(title, text) for title, text, _ in docs]
    relevant = [{j for j, other in enumerate(docs) if j != i and labels & other[2]}
                for i, (_, _, labels) in enumerate(docs)]
    return Dataset(name, relevance, pairs, pairs, relevant, same=True)


def _even_sample(items: list[Any], limit: int | None) -> list[Any]:
    if limit is None or len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


_REUTERS = re.compile(r"<REUTERS[^>]*>(.*?)</REUTERS>", re.S)


def _tag(block: str, name: str) -> str:
    found = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def load_reuters(folder: Path, limit: int | None) -> Dataset:
    docs: list[tuple[str, str, set[str]]] = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        for block in _REUTERS.findall(path.read_bytes().decode("latin-1")):
            topics = set(re.findall(r"<D>(.*?)</D>", _tag(block, "TOPICS")))
            body = re.sub(r"\s*Reuter\s*$", "", _tag(block, "BODY").replace("\x03", "")).strip()
            if topics and len(body) >= 200:
                docs.append((_tag(block, "TITLE").title(), " ".join(body.split()), topics))
    if not docs:
        raise ValueError(f"{folder}: no Reuters-21578 documents with TOPICS and a body")
    return _labelled(f"reuters21578 ({folder})", "shares a TOPICS label", _even_sample(docs, limit))


def load_bbc(folder: Path, limit: int | None) -> Dataset:
    docs: list[tuple[str, str, set[str]]] = []
    for path in sorted(folder.glob("*/*.txt")):
        lines = _read_text(path).strip().splitlines()
        if len(lines) >= 2:
            docs.append((lines[0].strip(), " ".join(" ".join(lines[1:]).split()), {path.parent.name}))
    if not docs:
        raise ValueError(f"{folder}: no <category>/*.txt articles")
    return _labelled(f"bbc-news ({folder})", "same category", _even_sample(docs, limit))


def load_heldout(path: Path, limit: int | None) -> Dataset:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise ValueError(f"{path}: a CSV with a 'text' column is needed")
        texts = [" ".join((row.get("text") or "").split()) for row in reader]
    queries, candidates = [], []
    for text in texts:
        sentences = _SENTENCE_END.split(text)
        if len(sentences) >= 4:
            queries.append(("", " ".join(sentences[:2])))
            candidates.append(("", " ".join(sentences[2:])))
    queries, candidates = _even_sample(queries, limit), _even_sample(candidates, limit)
    if not queries:
        raise ValueError(f"{path}: no article with four sentences or more")
    return Dataset(f"held-out lead→body ({path})", "the query's own body", queries, candidates,
                   [{i} for i in range(len(queries))], same=False)


def find_datasets(data: Path, limit: int | None = None) -> list[Dataset]:
    """Every corpus found at or under ``data`` (a clear error when there is none)."""
    if not data.exists():
        raise ValueError(f"{data}: no such file or folder")
    found: list[Dataset] = []
    if data.is_file() and data.suffix == ".csv":
        return [load_heldout(data, limit)]
    for folder in sorted({p.parent for p in data.rglob("reut2-*.sgm")}):
        found.append(load_reuters(folder, limit))
    bbc = sorted({p.parent.parent for p in data.rglob("*/[0-9][0-9][0-9].txt")})
    for folder in bbc:
        found.append(load_bbc(folder, limit))
    for path in sorted(data.rglob("*.csv")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            if "text" in handle.readline():
                found.append(load_heldout(path, limit))
    if not found:
        raise ValueError(f"{data}: no Reuters-21578 .sgm, BBC <category>/NNN.txt or article CSV found")
    return found


@dataclass
class RelatedReport:
    """Scores per dataset and method: {"P@5", "nDCG@5", "MRR", "ms_per_vector", "ms_per_query"}."""

    results: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"task": "related", "datasets": self.results, **self.facts}

    def table(self) -> str:
        rows = [f"related articles: {K} nearest by cosine; {self.facts.get('queries', 0)} queries"]
        for name, methods in self.results.items():
            rows.append(name)
            rows.append(f"  {'method':12} {'P@5':>7} {'nDCG@5':>7} {'MRR':>7} {'ms/vec':>8} {'ms/query':>9}")
            for method, s in methods.items():
                rows.append(f"  {method:12} {s['P@5']:7.3f} {s['nDCG@5']:7.3f} {s['MRR']:7.3f} "
                            f"{s['ms_per_vector']:8.2f} {s['ms_per_query']:9.3f}")
        return "\n".join(rows)


def _scores(rankings: Sequence[list[int]], relevant: Sequence[set[int]]) -> dict[str, float]:
    p_at, ndcg, rr = 0.0, 0.0, 0.0
    for ranked, rel in zip(rankings, relevant, strict=True):
        hits = [1.0 if c in rel else 0.0 for c in ranked[:K]]
        p_at += sum(hits) / K
        ideal = sum(1 / math.log2(r + 2) for r in range(min(K, len(rel))))
        ndcg += sum(h / math.log2(r + 2) for r, h in enumerate(hits)) / ideal if ideal else 0.0
        first = next((r for r, c in enumerate(ranked) if c in rel), None)
        rr += 1 / (first + 1) if first is not None else 0.0
    n = max(len(rankings), 1)
    return {"P@5": round(p_at / n, 4), "nDCG@5": round(ndcg / n, 4), "MRR": round(rr / n, 4)}


def _actors(texts: list[str]) -> list[set[str]]:
    from blocwatch.nlp.pipeline import get_pipeline

    nlp = get_pipeline().nlp
    with nlp.select_pipes(disable=["blocwatch_quotes", "blocwatch_events"]):
        return [set((doc._.actors or {}).keys()) for doc in nlp.pipe(texts, batch_size=32)]


Scorer = Callable[[int], np.ndarray]


def _run(ds: Dataset, scorer: Scorer, offset: int) -> tuple[list[list[int]], float]:
    """Rank every query; ``offset`` is where candidate rows start in the scorer's output."""
    rankings, start = [], time.perf_counter()
    n = len(ds.candidates)
    for q in range(len(ds.queries)):
        scores = scorer(q)[offset : offset + n]
        # Full ranking for MRR; a query never ranks itself in a labelled corpus.
        top = cosine_top(np.asarray(scores, dtype=np.float32), q if ds.same else -1, n)
        rankings.append([i for i, _ in top])
    return rankings, (time.perf_counter() - start) * 1000 / max(len(ds.queries), 1)


def _evaluate_one(ds: Dataset, methods: Sequence[str]) -> dict[str, dict[str, float]]:
    docs = ds.candidates if ds.same else [*ds.queries, *ds.candidates]
    offset = 0 if ds.same else len(ds.queries)
    out: dict[str, dict[str, float]] = {}
    if "embedding" in methods:
        from blocwatch.analytics.embeddings import get_encoder

        encoder = get_encoder()
        start = time.perf_counter()
        vectors = encoder.encode([embedding_input(t, x) for t, x in docs])
        per_vector = (time.perf_counter() - start) * 1000 / len(docs)
        rankings, per_query = _run(ds, lambda q: vectors @ vectors[q], offset)
        out["embedding"] = {**_scores(rankings, ds.relevant), "ms_per_vector": round(per_vector, 2),
                            "ms_per_query": round(per_query, 3)}
    tfidf_methods = [m for m in methods if m.startswith("tfidf")]
    if tfidf_methods:
        start = time.perf_counter()
        index = TfidfIndex([term_counts(t, x) for t, x in docs])
        per_vector = (time.perf_counter() - start) * 1000 / len(docs)
        actors = _actors([f"{t}\n\n{x}" if t else x for t, x in docs]) if "tfidf-actors" in methods else []
        for method in tfidf_methods:
            weight = ACTOR_WEIGHT if method == "tfidf-actors" else 0.0

            def scorer(q: int, weight: float = weight) -> np.ndarray:
                scores = index.scores(q)
                return scores + weight * jaccard_row(actors[q], actors) if weight else scores

            rankings, per_query = _run(ds, scorer, offset)
            out[method] = {**_scores(rankings, ds.relevant), "ms_per_vector": round(per_vector, 2),
                           "ms_per_query": round(per_query, 3)}
    return out


def evaluate(data: Path, limit: int | None = None, methods: Sequence[str] = METHOD_NAMES) -> RelatedReport:
    """Score ``methods`` on every corpus under ``data``; ``limit`` documents per corpus."""
    unknown = [m for m in methods if m not in METHOD_NAMES]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)} (want: {', '.join(METHOD_NAMES)})")
    report = RelatedReport()
    queries = 0
    for ds in find_datasets(data, limit):
        report.results[f"{ds.name}: relevant = {ds.relevance}"] = _evaluate_one(ds, methods)
        queries += len(ds.queries)
    report.facts["queries"] = queries
    return report
