"""Errors and identifiers shared by every ingest stage.

Ingest never lets one bad input stop a batch: each stage raises :class:`IngestError`, and
:func:`blocwatch.ingest.files.read_inputs` yields it instead of raising, so the caller can log it,
count it, and keep the raw bytes (``raw``) in the store for re-processing with a better extractor.

Article ids are content addressed (:func:`article_id_for`), so re-ingesting the same page gives
the same id and the store can de-duplicate without a lookup table.
"""

from __future__ import annotations

import hashlib

from blocwatch.records import content_hash

__all__ = ["IngestError", "article_id_for", "where_of"]


def where_of(input_name: str, line: int | None) -> str:
    """How a bad input is named wherever it is kept: the input, with ``:line`` for a JSON line."""
    return input_name if not line else f"{input_name}:{line}"


class IngestError(Exception):
    """One input (file, URL, JSON line) that could not be turned into an :class:`Article`."""

    def __init__(self, input: str, problem: str, *, raw: bytes | None = None, line: int | None = None):
        super().__init__(input, problem)
        self.input = input
        self.problem = problem
        self.raw = raw
        self.line = line

    @property
    def where(self) -> str:
        """The input and, for a JSON line, its number: ``feed.jsonl:9`` (the bad input's name)."""
        return where_of(self.input, self.line)

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"

    def __repr__(self) -> str:
        return f"IngestError({self.input!r}, {self.problem!r}, line={self.line!r})"


def article_id_for(url: str | None, text: str) -> str:
    """``"a"`` + 15 hex digits of sha256 of the canonical URL if known, else of the body's hash.

    The URL wins because a page that is re-edited after publication (a correction, an update)
    is still the same article; the body hash is the fallback for files and JSON lines.
    """
    key = url.strip() if url and url.strip() else content_hash(text)
    return "a" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]
