"""Shared by every extractor: blocks -> cleaned blocks -> body text and section offsets.

All extractors produce the same body layout so downstream offsets mean the same thing whatever
the input: paragraphs joined by one blank line ("\\n\\n"), headings kept as their own paragraphs.
A section starts at its heading paragraph (or, for a heading the page never printed, at the
first paragraph assigned to it) and ends where the next section starts, minus the separator.

:func:`clean_blocks` removes what a main-content extractor typically lets through around an
article, using only the shape of the page, never its site (each rule was measured on the
ScrapingHub benchmark, see ``bench/bench_extract.py`` and :mod:`.evaluate`):

1. **the headline repeated** as one of the first blocks (it is ``Article.title``);
2. **the standfirst**: sentence-long headings (>= 8 words) before the first paragraph are the
   deck/summary under the headline, not section headings (there is nothing to head yet);
3. **boilerplate lines**: short blocks that open with a stock phrase ("Read more:", "Related:",
   "Subscribe", "Comments", "Copyright", "Advertisement", ...);
4. **trailing link lists**: "more stories" lists at the end, blocks that are mostly link text;
5. blocks with no letter or digit at all (separators, zero-width spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blocwatch.ingest.textrules import heading_key
from blocwatch.records import Section

__all__ = ["SEPARATOR", "Block", "assemble", "clean_blocks"]

SEPARATOR = "\n\n"

DECK_MIN_WORDS = 8  # a heading this long before any paragraph is a sentence: the standfirst
BOILERPLATE_MAX_WORDS = 30  # stock phrases open short blocks; a long paragraph is content
TRAILING_LINK_SHARE = 0.6  # share of a block's characters inside links: a teaser list item
_TITLE_WINDOW = 3  # the headline reappears among the first blocks (kicker, headline, deck)

# Stock phrases that open page furniture in English and the commonest European languages.
# Anchored at the start (after punctuation such as "[" or "(") so they never match mid-sentence.
_BOILERPLATE = re.compile(
    r"""^[\W_]*(?:
        read\ (?:more|also|next)\b | see\ (?:more|also)\b | also\ read\b | more\s*:
      | also\s*: | related(?:\ (?:posts?|articles?|stories|content|coverage|reading))?\s*(?::|$)
      | don'?t\ miss\b | you\ (?:may|might)\ also\ like\b | recommended\ for\ you\b
      | most\ (?:read|popular)\b | popular\ on\b | (?:click|tap)\ here\b
      | subscribe\b | sign\ up\ *(?::|for\ our\b) | thanks\ for\ signing\ up\b | follow\ us\b
      | advertisement\W*$ | share\ this\b | print\ article\W*$ | order\ reprints\W*$
      | comments?\W*$ | copyright\b | all\ rights\ reserved\b | [©ⓒ]
      | leggi\ anche\b | lesen\ sie\ auch\b | lire\ aussi\b | leia\ tamb[ée]m\b | veja\ tamb[ée]m\b
      | lea\ tambi[ée]n\b | lees\ ook\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of extracted text: ``kind`` is ``p``, ``head``, ``item``, ``quote``, ``row``
    or ``code``; ``link_share`` is the fraction of its characters that are link text."""

    text: str
    kind: str = "p"
    link_share: float = 0.0

    @property
    def words(self) -> int:
        return len(self.text.split())


def is_boilerplate(text: str) -> bool:
    """True for a short block opening with a stock phrase of page furniture."""
    return len(text.split()) <= BOILERPLATE_MAX_WORDS and _BOILERPLATE.match(text) is not None


def clean_blocks(blocks: list[Block], title: str | None = None) -> list[Block]:
    """The blocks without headline repeats, standfirst, boilerplate and trailing link lists."""
    title_key = heading_key(title) if title else None
    kept: list[Block] = []
    seen_body = False  # a non-heading block has been kept: headings from here on head sections
    for index, block in enumerate(blocks):
        if not _ALNUM.search(block.text):
            continue
        if index < _TITLE_WINDOW and title_key and heading_key(block.text) == title_key:
            continue
        if block.kind == "head" and not seen_body and block.words >= DECK_MIN_WORDS:
            continue
        if is_boilerplate(block.text):
            continue
        seen_body = seen_body or block.kind != "head"
        kept.append(block)
    # "More stories" lists close the extracted region; links inside the article body stay.
    while kept and kept[-1].link_share >= TRAILING_LINK_SHARE:
        kept.pop()
    return kept


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
