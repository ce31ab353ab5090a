"""Normalising names for lookup, and a bounded edit distance for misspellings.

Every surface form and every looked-up phrase goes through :func:`normalise`, so the index and
the query agree on one key: case-folded, accents stripped, curly quotes straightened, dots in
abbreviations dropped ("U.S." -> "us"), hyphens and underscores turned into spaces ("Choe
Son-hui" = "Choe Son Hui"), a leading "the" and a trailing possessive removed.

:class:`FuzzyIndex` finds keys within a small edit distance of a query without scanning every
key: keys are bucketed by first letter and length, and only buckets whose length is within the
allowed distance are compared, with a Levenshtein that stops as soon as the bound is exceeded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["FuzzyIndex", "bounded_distance", "max_distance", "normalise", "plural_forms"]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2013": "-",
                         "\u2014": "-"})
_SEPARATORS = re.compile(r"[\s_\-/]+")
_DROP = re.compile(r"[.,;:!?\"()\[\]{}]")
_POSSESSIVE = re.compile(r"(?:'s|s'|')$")


def normalise(phrase: str) -> str:
    """The lookup key of a phrase ("The U.S.'s" -> "us", "Choe Son-hui" -> "choe son hui")."""
    text = unicodedata.normalize("NFKD", phrase.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DROP.sub("", text)
    text = _SEPARATORS.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    text = _POSSESSIVE.sub("", text).strip()
    # Apostrophes inside a name are spelling variants ("People's" vs "Peoples").
    return text.replace("'", "")


def plural_forms(noun: str) -> list[str]:
    """Regular English plurals of a (possibly multi-word) noun, as PETRARCH generates them."""
    words = noun.split(" ")
    last = words[-1]
    forms: list[str] = []
    if last.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(last + "es")
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        forms.append(last[:-1] + "ies")
    elif last.endswith("man"):
        forms.append(last[:-3] + "men")
    else:
        forms.append(last + "s")
    return [" ".join([*words[:-1], f]) for f in forms]


def max_distance(key: str) -> int:
    """Edits tolerated for a key: none for short names (too many near neighbours)."""
    if len(key) >= 16:
        return 2
    if len(key) >= 8:
        return 1
    return 0


def bounded_distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``bound + 1`` once it is known to exceed it."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        row_min = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            current.append(value)
            row_min = min(row_min, value)
        if row_min > bound:
            return bound + 1
        previous = current
    return previous[-1]


class FuzzyIndex:
    """Normalised keys bucketed by (first letter, length) for near-miss lookups."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._buckets: dict[tuple[str, int], set[str]] = defaultdict(set)
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        if key:
            self._buckets[(key[0], len(key))].add(key)

    def nearest(self, query: str) -> str | None:
        """The closest key within the tolerated distance (ties: alphabetical), else ``None``."""
        bound = max_distance(query)
        if bound == 0:
            return None
        best: tuple[int, str] | None = None
        for length in range(len(query) - bound, len(query) + bound + 1):
            for key in self._buckets.get((query[0], length), ()):
                if max_distance(key) == 0:
                    continue
                d = bounded_distance(query, key, bound)
                if d <= bound and (best is None or (d, key) < best):
                    best = (d, key)
        return best[1] if best else None
