"""Plain-text page dumps -> :class:`Article` (:func:`parse_text_page`).

A page saved as text (browser "save as text", a copy-paste, a text-mode crawler) keeps the page's
reading order but loses its markup.  We recover the structure in four passes over the lines:

1. **Body start** - the first line that reads as prose (:func:`textrules.is_prose`).  Everything
   above it is the *header*.
2. **Header** - classify header lines as date line, byline, numbered contents entry, contents
   caption, furniture, or *candidate* text.  The title is a neighbour of the date line: the
   candidate just above it or just below it (the wordier when both exist, as "Site / date /
   Title" and "Title / date / Heading" both occur); with no date, the candidate just before
   the contents list, else the longest candidate.  Candidates above the title are the
   site name (``Article.source``); candidates below it belong to the body (standfirst, a first
   heading).  Date lines and bylines just below the body start are metadata too.
3. **Paragraphs and furniture** - body lines are grouped into paragraphs by blank lines (joining
   hard-wrapped lines); droppable chrome is removed, and the body ends at the first furniture
   heading or teaser list after some prose.
4. **Sections** - with a contents list, a heading is a short paragraph that matches an entry (in
   order).  Entries left over at the end ("Conclusion" on pages that never print it) take the
   last paragraphs of the last matched section, one each, when that section has more paragraphs
   than entries left.  Without a contents list, headings are found by shape.

The body (``Article.text``) is the paragraphs joined by blank lines, headings included, so it
reads naturally; section offsets index it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from blocwatch.ingest import textrules as rules
from blocwatch.ingest.body import assemble
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.records import Article

__all__ = ["parse_text_page"]

_META_LOOKAHEAD = 6  # non-empty lines below the body start that may still hold a byline/date
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(slots=True)
class _Header:
    title: str = ""
    title_index: int = -1
    site: list[str] = field(default_factory=list)
    published: date | None = None
    authors: list[str] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)
    meta: set[int] = field(default_factory=set)  # line indexes that are not body text


def parse_text_page(text: str, *, input_name: str | None = None) -> Article:
    """Parse one plain-text page dump; raises :class:`IngestError` when it holds no article."""
    name = input_name or "<text>"
    raw = text.encode("utf-8", errors="surrogateescape")
    lines = text.translate(_ZERO_WIDTH).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in lines]
    body_start = next(
        (i for i, line in enumerate(lines) if rules.is_prose(line) and not rules.is_droppable(line)), None
    )
    if body_start is None:
        raise IngestError(name, "no article text (no line reads as prose)", raw=raw)
    header = _read_header(lines, body_start)
    paragraphs = _cut_furniture(_paragraphs(lines, header))
    if not any(rules.is_prose(p) for p in paragraphs):
        raise IngestError(name, "no article text left after removing site furniture", raw=raw)
    headings = _find_headings(paragraphs, header.contents)
    body, sections = assemble(paragraphs, headings)
    return Article(
        id=article_id_for(None, body),
        text=body,
        title=header.title,
        source=" | ".join(header.site) or None,
        published=header.published,
        authors=header.authors,
        sections=sections,
        raw=raw,
        raw_type="text",
        input_name=input_name,
    )


def _read_header(lines: list[str], body_start: int) -> _Header:
    header = _Header()
    candidates: list[int] = []
    date_index: int | None = None
    contents = _contents_run(lines, body_start)
    header.contents = [title for _, title in contents]
    header.meta.update(i for i, _ in contents)
    first_contents = contents[0][0] if contents else None
    for i in _metadata_window(lines, body_start):
        line = lines[i]
        if i in header.meta:
            continue
        found = rules.date_in_line(line)
        if found is not None:
            header.meta.add(i)
            if date_index is None:
                date_index, header.published = i, found
            authors = rules.byline_authors(line)
            if authors and not header.authors:
                header.authors = authors
            continue
        authors = rules.byline_authors(line)
        if authors is not None:
            header.meta.add(i)
            header.authors = header.authors or authors
        elif rules.is_contents_label(line) and first_contents is not None and i < first_contents:
            header.meta.add(i)
        elif i < body_start and not (rules.is_droppable(line) or rules.is_truncator(line)):
            candidates.append(i)
        elif i < body_start:
            header.meta.add(i)  # chrome in the header (nav links, "Share") is never body text
    title_index = _choose_title(lines, candidates, date_index, first_contents)
    if title_index is not None:
        header.title_index = title_index
        header.title = " ".join(lines[title_index].split())
        header.site = [" ".join(lines[i].split()) for i in candidates if i < title_index]
        header.meta.update(i for i in candidates if i <= title_index)
    return header


def _metadata_window(lines: list[str], body_start: int) -> list[int]:
    """Header line indexes plus a few non-empty lines after the body start."""
    window = [i for i in range(body_start) if lines[i].strip()]
    extra = [i for i in range(body_start + 1, len(lines)) if lines[i].strip()][:_META_LOOKAHEAD]
    return window + extra


def _contents_run(lines: list[str], body_start: int) -> list[tuple[int, str]]:
    """The longest run of numbered lines 1, 2, 3 ... in the header (blank lines allowed)."""
    best: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for i in range(body_start):
        if not lines[i].strip():
            continue
        entry = rules.contents_entry(lines[i])
        if entry and entry[0] == len(run) + 1:
            run.append((i, entry[1]))
        else:
            run = [(i, entry[1])] if entry and entry[0] == 1 else []
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= 2 else []


def _choose_title(
    lines: list[str], candidates: list[int], date_index: int | None, first_contents: int | None
) -> int | None:
    if not candidates:
        return None
    if date_index is not None:
        above = [i for i in candidates if i < date_index]
        below = [i for i in candidates if i > date_index]
        if above and below:
            # "Site / date / Title" and "Title / date / Heading" both occur: the headline is the
            # wordier of the two neighbours of the date line.
            return max(above[-1], below[0], key=lambda i: (rules.words(lines[i]), -i))
        return above[-1] if above else below[0]
    if first_contents is not None:
        above = [i for i in candidates if i < first_contents]
        if above:
            return above[-1]
    # No anchor: the site name and kicker lines are short, the headline is the longest line
    # (the earliest of equally long ones).
    return max(candidates, key=lambda i: (rules.words(lines[i]), -i))


def _paragraphs(lines: list[str], header: _Header) -> list[str]:
    """Body paragraphs: blank-line separated blocks, hard-wrapped lines joined."""
    paragraphs: list[str] = []
    open_block = False
    for i in range(header.title_index + 1, len(lines)):
        line = " ".join(lines[i].split())
        if not line or i in header.meta or rules.is_droppable(line):
            open_block = False  # metadata and chrome separate paragraphs like a blank line
            continue
        if open_block and _continues(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        open_block = True
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the hard-wrapped continuation of ``previous`` (same block)."""
    if line[:1].islower():
        return True
    return len(previous) >= 60 and previous[-1:] not in '.!?…"”’):;' and not rules.is_teaser(previous)


def _cut_furniture(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    seen_prose = False
    for i, paragraph in enumerate(paragraphs):
        if rules.is_truncator(paragraph):
            if seen_prose:
                break
            continue  # a "Share" or "Tags" line above the article: drop it, keep reading
        if rules.is_teaser(paragraph):
            if not seen_prose:
                continue
            if _teaser_list(paragraphs, i):
                break
        kept.append(paragraph)
        seen_prose = seen_prose or rules.is_prose(paragraph)
    return kept


def _teaser_list(paragraphs: list[str], start: int) -> bool:
    """A teaser list: two teasers before the next prose paragraph, or one with no prose after it."""
    teasers = 0
    for paragraph in paragraphs[start:]:
        if rules.is_prose(paragraph):
            return teasers >= 2
        teasers += rules.is_teaser(paragraph)
        if teasers >= 2:
            return True
    return True


def _find_headings(paragraphs: list[str], contents: list[str]) -> dict[int, str]:
    """Paragraph index -> section heading."""
    headings: dict[int, str] = {}
    if contents:
        keys = [rules.heading_key(entry) for entry in contents]
        next_entry = 0
        last_matched = -1
        for i, paragraph in enumerate(paragraphs):
            if rules.words(paragraph) > 16 or paragraph[-1:] in ".,;:!…":
                continue
            key = rules.heading_key(paragraph)
            if key in keys[next_entry:]:
                j = keys.index(key, next_entry)
                headings[i] = contents[j]
                next_entry = last_matched = j + 1
        if headings:
            _assign_trailing(paragraphs, headings, contents[last_matched:])
            return headings
    for i, paragraph in enumerate(paragraphs[:-1]):
        nxt = paragraphs[i + 1]
        if rules.looks_like_heading(paragraph) and not rules.is_prose(paragraph) and rules.is_prose(nxt):
            headings[i] = paragraph
    return headings


def _assign_trailing(paragraphs: list[str], headings: dict[int, str], leftover: list[str]) -> None:
    """Give the k unprinted trailing contents entries the last k paragraphs of the last section."""
    k = len(leftover)
    if not k:
        return
    last_heading = max(headings)
    if len(paragraphs) - last_heading - 1 > k:
        for offset, entry in enumerate(leftover):
            headings[len(paragraphs) - k + offset] = entry
