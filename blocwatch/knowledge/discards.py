"""PETRARCH/TABARI discard dictionaries: phrases that mark text as out of scope.

A discard file lists one phrase a line; ``#`` starts a comment.  A phrase with a leading ``+``
discards the whole *story* (an article that mentions a typhoon or a golf championship is not
about international relations); one without discards the *sentence* it appears in.  Matching
is case-insensitive on whole words, and ``_`` stands for a space as in the other PETRARCH
dictionaries.  Discarded events are dropped by the events component, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from blocwatch.knowledge.model import KnowledgeError

__all__ = ["Discards", "load_discards", "parse_discards"]


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


@dataclass(frozen=True, slots=True)
class Discards:
    """Sentence-level and story-level discard phrases, compiled once."""

    sentence: tuple[str, ...] = ()
    story: tuple[str, ...] = ()
    _sentence_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _story_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, sentence: Iterable[str], story: Iterable[str]) -> Discards:
        sentence, story = tuple(sentence), tuple(story)
        return cls(sentence, story, _pattern(sentence), _pattern(story))

    def discards_story(self, text: str) -> bool:
        return bool(self._story_re and self._story_re.search(text))

    def discards_sentence(self, sentence: str) -> bool:
        return bool(self._sentence_re and self._sentence_re.search(sentence))

    def __add__(self, other: Discards) -> Discards:
        return Discards.of(self.sentence + other.sentence, self.story + other.story)


def parse_discards(text: str, name: str = "<discards>") -> Discards:
    """Read discard phrases from the text of a dictionary; bad lines raise :class:`KnowledgeError`."""
    sentence: list[str] = []
    story: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        target = story if line.startswith("+") else sentence
        phrase = " ".join(line.lstrip("+").replace("_", " ").split())
        if not phrase or not re.search(r"\w", phrase):
            raise KnowledgeError(name, number, f"not a discard phrase: {raw.strip()!r}")
        target.append(phrase)
    return Discards.of(sentence, story)


@lru_cache(maxsize=32)
def _load(path: Path, mtime: float) -> Discards:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise KnowledgeError(path, None, f"cannot read: {exc.strerror or exc}") from None
    return parse_discards(text, str(path))


def load_discards(paths: Sequence[Path]) -> Discards:
    """The discards of several files together (read once per file version)."""
    total = Discards.of((), ())
    for path in paths:
        p = Path(path)
        try:
            mtime = p.stat().st_mtime
        except OSError as exc:
            raise KnowledgeError(p, None, f"cannot read: {exc.strerror or exc}") from None
        total = total + _load(p, mtime)
    return total
