"""Body-extraction quality on the ScrapingHub article-extraction benchmark (:func:`eval_extraction`).

The benchmark folder holds ``html/<id>.html.gz`` pages and ``ground-truth.json`` mapping each
id to ``{"articleBody": ..., "url": ...}``.  The metric is the benchmark's own: tokens are
``\\w+`` runs, texts become multisets of 4-token shingles, and each page gets true/false
positive/negative counts *normalised by their sum* (so long pages weigh no more than short
ones).  Precision and recall are averaged over pages (skipping pages where they are undefined)
and F1 is the harmonic mean of those two averages.  ``accuracy`` is the share of pages whose
token sequence matches exactly.

Both blocwatch's :func:`extract_html` and bare ``trafilatura.extract`` run on the same pages, so
the cost or gain of our choices (fast mode, link-aware cleaning in :mod:`.body`) is visible.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.html import extract_html

__all__ = ["eval_extraction", "shingle_counts"]

_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def shingle_counts(true: str, pred: str, n: int = 4) -> Counts:
    """Normalised (tp, fp, fn) over the n-token shingle multisets of two texts."""
    gold, got = _shingles(true, n), _shingles(pred, n)
    tp = float(sum((gold & got).values()))
    fp = float(sum((got - gold).values()))
    fn = float(sum((gold - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n tokens is one (short) shingle, as in the benchmark.
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def _summary(counts: list[Counts], exact: list[bool], failures: int) -> dict[str, float | int]:
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "accuracy": round(sum(exact) / len(exact), 4) if exact else 0.0,
        "failures": failures,
    }


def _blocwatch(raw: bytes, url: str | None) -> str:
    return extract_html(raw, url=url).text


def _trafilatura(raw: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(raw, url=url) or ""


def eval_extraction(data_dir: Path | str, *, limit: int | None = None) -> dict[str, object]:
    """Score blocwatch and bare trafilatura on the benchmark in ``data_dir``.

    Returns ``{"pages": n, "blocwatch": {...}, "trafilatura": {...}}`` with f1, precision,
    recall, accuracy and the number of pages where the extractor gave nothing (scored as empty).
    """
    root = Path(data_dir)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    extractors: dict[str, Callable[[bytes, str | None], str]] = {
        "blocwatch": _blocwatch,
        "trafilatura": _trafilatura,
    }
    results: dict[str, object] = {"pages": len(ids)}
    for name, extract in extractors.items():
        results[name] = _score(root, truth, ids, extract)
    return results


def _score(
    root: Path,
    truth: dict[str, dict[str, str]],
    ids: Iterable[str],
    extract: Callable[[bytes, str | None], str],
) -> dict[str, float | int]:
    counts: list[Counts] = []
    exact: list[bool] = []
    failures = 0
    for page_id in ids:
        gold = truth[page_id].get("articleBody", "")
        raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        try:
            predicted = extract(raw, truth[page_id].get("url"))
        except IngestError:
            predicted = ""
        failures += not predicted
        counts.append(shingle_counts(gold, predicted))
        exact.append(_TOKEN.findall(gold) == _TOKEN.findall(predicted))
    return _summary(counts, exact, failures)
