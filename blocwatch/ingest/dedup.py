"""De-duplication: one identity per URL, one fingerprint per text.

Two tools, used at different levels:

* :func:`canonical_url` is the identity form of a URL, the key the store matches articles on
  (``blocwatch.store.writer.url_key``) and the form source URLs are registered in.  It is
  courlan's ``normalize_url`` (lower-case scheme and host, default ports and tracking parameters
  such as ``utm_*``/``fbclid``/``gclid`` removed, query parameters sorted) plus what courlan leaves:
  dot segments are resolved, the fragment is dropped (except a ``#!`` route, which on old AJAX
  sites *is* the page) and an empty path becomes ``/``.  Paths keep their case: they are
  case-sensitive on most servers.
* :func:`fingerprint` is a MinHash (datasketch, :data:`NUM_PERM` permutations, scheme
  ``affine32``) of a text's word 5-gram shingles, and :class:`NearDuplicateIndex` an LSH index
  over fingerprints that answers "which stored texts are near-duplicates of this one"
  (estimated Jaccard >= :data:`THRESHOLD`).  That is how the same agency story, lightly
  re-edited by two outlets, is found: exact content hashes catch only byte-identical bodies.
  What to *do* with a match (a syndication cluster, never a deletion) is
  :mod:`blocwatch.store.syndication`'s business.

datasketch pulls in scipy, so it is imported only when a fingerprint is first needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = [
    "METHOD",
    "MIN_SHINGLES",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "NearDuplicateIndex",
    "canonical_url",
    "fingerprint",
    "fingerprint_from_bytes",
    "fingerprint_to_bytes",
    "shingles",
]

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.8
# Below this many shingles (about 12 words) a text is too short for its overlap with another to
# mean "the same story": a one-line brief would otherwise match every other one like it.
MIN_SHINGLES = 8
_SEED = 1  # fixed, so fingerprints stored in the database stay comparable across runs
# datasketch 2's bijective 32-bit permutations (no collision bias on long texts), pinned by name.
_SCHEME = "affine32"
#: Names the fingerprint parameters; a stored fingerprint made with others is recomputed.
METHOD = f"minhash-{_SCHEME}-{NUM_PERM}-w{SHINGLE_WORDS}"

# Parameters courlan keeps that are tracking-only on the news sites we know.
_EXTRA_TRACKING = re.compile(r"^(ocid|cmpid|cmp|ito|s_cid|_hsenc|_hsmi|mbid|smid|sr_share)$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def canonical_url(url: str | None) -> str | None:
    """The identity form of ``url`` (None for an empty one); non-http(s) strings are only stripped."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    import courlan

    try:
        normal = courlan.normalize_url(url, strict=False)
    except (ValueError, UnicodeError):
        normal = url  # courlan refuses some odd hosts; the basic rules below still apply
    parts = urlsplit(normal)
    host = parts.netloc.lower()
    path = urlsplit(urljoin(f"{parts.scheme}://{host}/", parts.path or "/")).path or "/"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _EXTRA_TRACKING.match(pair.split("=", 1)[0])
    )
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((parts.scheme.lower(), host, path, query, fragment))


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of word ``size``-grams of ``text`` (case-folded words, punctuation ignored)."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def fingerprint(text: str) -> LeanMinHash | None:
    """The MinHash of ``text``'s shingles, or None when it is too short to compare (< MIN_SHINGLES)."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    from datasketch import LeanMinHash, MinHash

    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    sketch.update_batch(list(grams))
    return LeanMinHash(sketch)


def fingerprint_to_bytes(sketch: LeanMinHash) -> bytes:
    """The 128 32-bit hash values, little-endian: 512 bytes per article in the database."""
    return np.asarray(sketch.hashvalues, dtype="<u4").tobytes()


def fingerprint_from_bytes(data: bytes) -> LeanMinHash:
    from datasketch import LeanMinHash

    values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    if values.size != NUM_PERM:
        raise ValueError(f"a fingerprint has {NUM_PERM} values, this one {values.size}")
    return LeanMinHash(seed=_SEED, hashvalues=values, scheme=_SCHEME)


class NearDuplicateIndex:
    """An LSH index of fingerprints by key; :meth:`matches` verifies LSH candidates by their
    estimated Jaccard similarity, so LSH's false positives never become clusters."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        # Weighted towards recall (14 bands of 9 rows instead of 9 of 13): every candidate is
        # verified by its estimated Jaccard below, so a false positive costs one comparison, while
        # a false negative is a syndicated copy never clustered (at J = 0.87 the balanced setting
        # misses about one pair in five; this one about one in a hundred).
        self._lsh: Any = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=(0.1, 0.9))
        self._sketches: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._sketches)

    def __contains__(self, key: object) -> bool:
        return key in self._sketches

    def add(self, key: str, sketch: LeanMinHash) -> None:
        """Index ``sketch`` under ``key``, replacing what the key held before."""
        self.discard(key)
        self._lsh.insert(key, sketch)
        self._sketches[key] = sketch

    def discard(self, key: str) -> None:
        if key in self._sketches:
            self._lsh.remove(key)
            del self._sketches[key]

    def matches(self, sketch: LeanMinHash, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
        """Indexed keys whose texts are near-duplicates of ``sketch``'s, most similar first."""
        skip = set(exclude)
        found = []
        for key in self._lsh.query(sketch):
            if key in skip:
                continue
            similarity = float(sketch.jaccard(self._sketches[key]))
            if similarity >= self.threshold:
                found.append((key, similarity))
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))
