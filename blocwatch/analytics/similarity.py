"""Similarity pieces shared by the related-articles pass and its evaluation.

What an article contributes (:func:`embedding_input` for the MiniLM embedding, hashed word
counts :func:`term_counts` for TF-IDF), the TF-IDF matrix (:class:`TfidfIndex`: sublinear tf
× smooth idf, rows L2-normalised, so a dot product is a cosine), the actor-overlap term
(:func:`jaccard_row`) and the top-k cut (:func:`cosine_top`).  Pure functions over numpy/scipy:
the store side is :mod:`blocwatch.analytics.related`, the relevance figures that chose between
the methods are in its docstring.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "HASH_BUCKETS",
    "LEAD_CHARS",
    "TfidfIndex",
    "cosine_top",
    "embedding_input",
    "jaccard_row",
    "term_counts",
]

LEAD_CHARS = 1000
HASH_BUCKETS = 1 << 20

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in is it its of on or "
    "our said says she that the their them there they this to was were which who will with would "
    "you we not no also after over than more about up out into new one two last year years "
    "mr ms mrs could can may been being do does did so if what when where while all some".split()
)

Vector = NDArray[np.float32]


def embedding_input(title: str | None, text: str) -> str:
    """What the embedding sees: the title, then the lead of the text."""
    lead = " ".join(text[:LEAD_CHARS].split())
    return f"{title.strip()}. {lead}" if title and title.strip() else lead


def term_counts(title: str | None, text: str) -> dict[int, float]:
    """Hashed word counts of title + text (lower-cased, stop words out): bucket -> count."""
    words = (w.lower().strip("'’-") for w in _WORD.findall(f"{title or ''} {text}"))
    counts = Counter(zlib.crc32(w.encode()) % HASH_BUCKETS for w in words if len(w) > 1 and w not in _STOP)
    return {bucket: float(n) for bucket, n in counts.items()}


class TfidfIndex:
    """Rows of sublinear TF-IDF (1 + log tf) × smooth IDF, L2-normalised, as a sparse matrix."""

    def __init__(self, counts: Sequence[dict[int, float]]) -> None:
        from scipy.sparse import csr_matrix

        indptr: list[int] = [0]
        indices: list[int] = []
        values: list[float] = []
        for row in counts:
            indices.extend(row.keys())
            values.extend(1.0 + math.log(v) for v in row.values())
            indptr.append(len(indices))
        tf = csr_matrix((np.array(values, dtype=np.float32), np.array(indices, dtype=np.int64), indptr),
                        shape=(len(counts), HASH_BUCKETS))
        df = np.bincount(tf.indices, minlength=HASH_BUCKETS)
        idf = (np.log((1 + len(counts)) / (1 + df)) + 1.0).astype(np.float32)
        weighted = tf.multiply(idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix = (weighted.multiply((1.0 / norms)[:, None])).tocsr().astype(np.float32)

    def scores(self, row: int) -> Vector:
        """Cosine of every row with ``row``."""
        return np.asarray((self.matrix @ self.matrix[row].T).todense()).ravel().astype(np.float32)


def jaccard_row(mine: set[str], others: Sequence[set[str]]) -> Vector:
    """Jaccard overlap of one actor set with each of ``others`` (0 where either is empty)."""
    return np.array([len(mine & o) / len(mine | o) if mine and o else 0.0 for o in others], dtype=np.float32)


def cosine_top(scores: Vector, exclude: int, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (index, score) pairs, best first, leaving out ``exclude``."""
    scores = scores.copy()
    if 0 <= exclude < len(scores):
        scores[exclude] = -np.inf
    limit = min(limit, len(scores) - (1 if 0 <= exclude < len(scores) else 0))
    if limit <= 0:
        return []
    best = np.argpartition(-scores, limit - 1)[:limit]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(i), float(scores[i])) for i in best]
