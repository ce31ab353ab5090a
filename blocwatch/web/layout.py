"""Turn an article's flat text and character offsets into structures a page can render.

The store gives us ``text`` (paragraphs joined by blank lines, headings included as their own
paragraphs) plus ``sections`` as character spans into it.  The article page needs:

* a numbered table of contents whose entries link to ``#anchor`` ids;
* the body as a list of blocks — ``heading`` blocks (rendered as ``<h2 id=anchor>``) and
  ``paragraph`` blocks — where a heading paragraph is not repeated under its own ``<h2>``;
* evidence sentences split into ``parts`` of plain and marked text, so the template can wrap the
  trigger in ``<mark>`` while Jinja still autoescapes every character of third-party text.

Everything here is pure (no database, no HTML) so it is easy to test and the JSON twin of a page
can carry the same structures the HTML is drawn from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["slugify", "contents_and_body", "link_parts", "mark_parts", "paragraph_spans"]

_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", re.S)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "section") -> str:
    """A lower-case ASCII anchor for ``text`` ("Immense Challenges" -> "immense-challenges")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug or fallback


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the blank-line separated paragraphs of ``text`` (whitespace trimmed)."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _unique_anchor(wanted: str, taken: set[str]) -> str:
    # Two sections with the same heading must still get distinct ids, or the contents would
    # link both entries to the first one.
    anchor, n = wanted, 2
    while anchor in taken:
        anchor, n = f"{wanted}-{n}", n + 1
    taken.add(anchor)
    return anchor


def contents_and_body(
    text: str, sections: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The numbered contents and the body blocks of an article.

    ``sections`` are dicts with ``heading``, ``start``, ``end`` and optionally ``anchor`` (the
    store's); a missing anchor is derived from the heading.  Paragraphs before the first section
    form the lead.  A section's heading paragraph, when present in the text, becomes its ``<h2>``;
    a section whose heading is not in the text (e.g. a "Conclusion" only listed in the page's
    contents) gets its ``<h2>`` before its first paragraph.
    """
    ordered = sorted(
        (s for s in sections if s.get("heading")), key=lambda s: (int(s.get("start") or 0), str(s["heading"]))
    )
    taken: set[str] = set()
    contents: list[dict[str, Any]] = []
    for number, section in enumerate(ordered, start=1):
        anchor = _unique_anchor(str(section.get("anchor") or slugify(str(section["heading"]))), taken)
        contents.append({"number": number, "heading": str(section["heading"]), "anchor": anchor})

    body: list[dict[str, Any]] = []
    current = -1  # index into ordered/contents of the section we are in; -1 is the lead
    for start, end in paragraph_spans(text):
        # Move to the last section that starts at or before this paragraph.
        while current + 1 < len(ordered) and int(ordered[current + 1].get("start") or 0) <= start:
            current += 1
            entry = contents[current]
            body.append({"kind": "heading", "text": entry["heading"], **entry})
        paragraph = text[start:end]
        last = body[-1] if body else None
        if (
            last is not None
            and last["kind"] == "heading"
            and _same_words(paragraph, last["text"])
            and not last.get("in_text")
        ):
            last["in_text"] = True  # the heading paragraph itself: already shown as the <h2>
            continue
        body.append({"kind": "paragraph", "text": paragraph, "start": start, "end": end})
    # Sections that start past the last paragraph (empty spans) still get their heading so that
    # every contents link has a target.
    for entry in contents[current + 1 :]:
        body.append({"kind": "heading", "text": entry["heading"], **entry})
    for block in body:
        block.pop("in_text", None)
    return contents, body


def link_parts(
    text: str, start: int, end: int, mentions: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``text[start:end]`` cut into ``[{"text", "actor"}]`` pieces; ``actor`` is set on the spans
    of resolved mentions so the page can link them, ``None`` elsewhere.

    Mentions are taken in text order; one that overlaps an earlier one (a nested or duplicate
    entity) is skipped rather than producing overlapping links.
    """
    inside = sorted(
        (m for m in mentions if m.get("actor") and start <= int(m["start"]) < int(m["end"]) <= end),
        key=lambda m: (int(m["start"]), -int(m["end"])),
    )
    parts: list[dict[str, Any]] = []
    position = start
    for mention in inside:
        m_start, m_end = int(mention["start"]), int(mention["end"])
        if m_start < position:
            continue
        if m_start > position:
            parts.append({"text": text[position:m_start], "actor": None})
        parts.append({"text": text[m_start:m_end], "actor": str(mention["actor"])})
        position = m_end
    if position < end or not parts:
        parts.append({"text": text[position:end], "actor": None})
    return parts


def _find_word(haystack: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """First whole-word, case-insensitive occurrence of ``needle``; a bare substring as fallback."""
    if not needle.strip():
        return None
    pattern = re.escape(needle.strip())
    for regex in (rf"(?<!\w){pattern}(?!\w)", pattern):
        found = re.compile(regex, re.I).search(haystack, start)
        if found:
            return found.start(), found.end()
    return None


def mark_spans(sentence: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``sentence`` to highlight for the given trigger phrases.

    The whole phrase is preferred ("met with"); when it does not occur as such (the trigger was
    lemmatised or split by the parser) each of its words is looked for on its own.
    """
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        whole = _find_word(sentence, phrase)
        if whole:
            spans.append(whole)
            continue
        position = 0
        for word in phrase.split():
            found = _find_word(sentence, word, position)
            if found:
                spans.append(found)
                position = found[1]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark_parts(sentence: str, phrases: Iterable[str]) -> list[dict[str, Any]]:
    """``sentence`` cut into ``[{"text": ..., "mark": bool}]`` pieces, marks on the trigger."""
    parts: list[dict[str, Any]] = []
    position = 0
    for s, e in mark_spans(sentence, phrases):
        if s > position:
            parts.append({"text": sentence[position:s], "mark": False})
        parts.append({"text": sentence[s:e], "mark": True})
        position = e
    if position < len(sentence) or not parts:
        parts.append({"text": sentence[position:], "mark": False})
    return parts
