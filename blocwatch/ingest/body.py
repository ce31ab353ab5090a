"""Shared by every extractor: paragraphs + headings -> body text and section offsets.

All extractors produce the same body layout so downstream offsets mean the same thing whatever
the input: paragraphs joined by one blank line ("\\n\\n"), headings kept as their own paragraphs.
A section starts at its heading paragraph (or, for a heading the page never printed, at the
first paragraph assigned to it) and ends where the next section starts, minus the separator.
"""

from __future__ import annotations

from blocwatch.records import Section

__all__ = ["SEPARATOR", "assemble"]

SEPARATOR = "\n\n"


def assemble(paragraphs: list[str], headings: dict[int, str]) -> tuple[str, list[Section]]:
    """``(text, sections)`` for paragraphs and a map paragraph index -> section heading."""
    starts: list[int] = []
    position = 0
    for paragraph in paragraphs:
        starts.append(position)
        position += len(paragraph) + len(SEPARATOR)
    text = SEPARATOR.join(paragraphs)
    order = sorted(headings)
    sections = []
    for n, i in enumerate(order):
        end = starts[order[n + 1]] - len(SEPARATOR) if n + 1 < len(order) else len(text)
        sections.append(Section(heading=headings[i], start=starts[i], end=end))
    return text, sections
