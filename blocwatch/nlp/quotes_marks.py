"""Quotation marks: which marks pair into quoted spans, and which quoted spans are titles.

News text mixes mark styles: straight and curly marks (sometimes one closing the other, or an
opening mark typed to close), doubled apostrophes for a double mark, and quotes running over
paragraphs that open each one and close only the last.  :func:`paired` finds the spans inside
one paragraph (marks never pair across one), :func:`continued` the running quote, and
:func:`is_title` tells a quoted work title from a statement.  The readers in
:mod:`blocwatch.nlp.quotes` decide who said them.
"""

from __future__ import annotations

import re

__all__ = ["continued", "is_title", "paired"]

_QUOTE_PAIRS = [("“", "”"), ('"', '"'), ("«", "»")]
_MIXED_PAIR = re.compile(r'(?:(?<=")|(?<=“))([^"“”\n]{2,2000}?)(?=[”"])')
_DOUBLED_SINGLE = re.compile(r"''((?:(?!'').){2,2000}?)''")
def _mark_role(paragraph: str, i: int) -> str | None:
    """Whether the mark at ``i`` opens or closes a quotation, read from the characters beside it
    (a straight mark looks the same both ways); None when nothing tells."""
    mark = paragraph[i]
    before = paragraph[i - 1] if i > 0 else " "
    after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
    opens = (before.isspace() or before in "([—–-") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in ".,;:?!)—–-")
    if mark in "“«":
        return "close" if closes and mark == "“" else "open"  # '“Apparently not,“ he said'
    if mark in "”»":
        return "close"
    return "open" if opens else "close" if closes else None


def _paired_by_direction(paragraph: str) -> list[tuple[int, int]] | None:
    """Spans of a paragraph that mixes curly and straight marks ('“A," she said. "B.”', as text
    pasted from several sources prints them) or closes with an opening mark ('“A,“ he said'):
    each mark opens or closes by its place, whatever its shape.  None when a mark's role is
    unclear or the marks do not alternate."""
    marks = [i for i, c in enumerate(paragraph) if c in '"“”']
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i in marks:
        role = _mark_role(paragraph, i)
        if role is None or (role == "open") == (opened is not None):
            return None
        if role == "open":
            opened = i + 1
        else:
            assert opened is not None
            if i - opened >= 2:
                spans.append((opened, i))
            opened = None
    return spans if opened is None else None


def paired(paragraph: str) -> list[tuple[int, int]]:
    """Content spans between matching marks inside one paragraph (marks never pair across one)."""
    misplaced = re.search(r"\S“(?:\s|$)", paragraph) is not None  # an opening mark typed to close
    if misplaced or ('"' in paragraph and ("“" in paragraph or "”" in paragraph)):
        directed = _paired_by_direction(paragraph)
        if directed is not None:
            return directed + [(m.start(1), m.end(1)) for m in _DOUBLED_SINGLE.finditer(paragraph)]
    spans = []
    for open_mark, close_mark in _QUOTE_PAIRS:
        pattern = re.compile(re.escape(open_mark) + r"([^" + re.escape(close_mark) + r"]{2,2000}?)"
                             + re.escape(close_mark))
        spans += [(m.start(1), m.end(1)) for m in pattern.finditer(paragraph)]
    # Mismatched marks ("We are ...” / “It is ...") from text pasted together: a pair of a
    # straight and a curly mark where no proper pair claimed the words.
    spans += [(m.start(1), m.end(1)) for m in _MIXED_PAIR.finditer(paragraph)
              if paragraph[m.start(1) - 1] + paragraph[m.end(1)] in {'"”', '“"'}
              and not any(s < m.end(1) and m.start(1) < e for s, e in spans)]
    # Two apostrophes for a double mark (''So,'' she said), as some archives print them; the
    # content may hold single apostrophes (isn't), so it ends at the next doubled one.
    spans += [(m.start(1), m.end(1)) for m in _DOUBLED_SINGLE.finditer(paragraph)]
    return spans


def continued(paragraph: str) -> tuple[int, int] | None:
    """Newswire style: a quote running over paragraphs opens each one and closes only the last."""
    stripped = paragraph.lstrip()
    lead = len(paragraph) - len(stripped)
    if not stripped or stripped[0] not in "\"“":
        return None
    mark = stripped[0]
    closing = "”" if mark == "“" else '"'
    if closing in stripped[1:] and (mark != '"' or stripped.count('"') % 2 == 0):
        return None
    if mark == '"' and "”" in stripped[1:]:
        return None  # '"I know,” Henry said.': closed by a curly mark, see _MIXED_PAIR in paired
    if mark == "“" and stripped.count('"') % 2 == 1:
        return None  # '“I know," Henry said.': closed by a straight mark, paired by direction
    return lead + 1, len(paragraph.rstrip())


_MINOR_WORDS = frozenset("a an and as at but by for from in into is of on or the to with".split())


def is_title(content: str, before: str = "") -> bool:
    """A quoted work title ("The Steve Harvey Morning Show", "A Change Is Gonna Come"): short,
    every major word capitalised, no closing punctuation of a statement — except the full stop
    American style puts inside the marks when the title ends a sentence it stands in ('his
    book “The Art of the Deal.”', 'the book, “Crippled America,” for clues': the marks follow a
    word or a comma of the narration)."""
    lead = before.rstrip().rstrip("\"“'").rstrip()
    if content.rstrip().endswith((".", ",")) and re.search(r"[\w,]$", lead):
        content = content.rstrip()[:-1]
    words = re.findall(r"[\w’'-]+", content)
    if not words or len(words) > 12 or content.rstrip().endswith((".", "?", "!", ",")):
        return False
    major = [w for w in words if w.lower() not in _MINOR_WORDS or w is words[0]]
    return all(w[0].isupper() or w[0].isdigit() for w in major)
