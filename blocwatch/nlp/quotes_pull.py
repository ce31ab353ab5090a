"""Pull quotes: a paragraph that is a statement followed by its signature.

Either glued on the same line ("...to escape this isolation.Lim Eul-chul, a specialist in North
Korean affairs", as text dumps of news pages often have it — no space, or a dash: a last sentence
that opens with a name and an apposition is narrative, not a signature), or a quotation standing
as its own paragraph, signed after a dash (“...” ― Name).  The name must be a person's mention.
"""

from __future__ import annotations

import re

from blocwatch.nlp.quotes_context import Context, paragraphs
from blocwatch.records import Quote

__all__ = ["pull_quotes"]

# A quotation set off as its own paragraph and signed after a dash: “...” ― Name[, description]
_PULL_SIGNED = re.compile(
    r"^\s*[\"“”](?P<content>[^\n]{20,}?)[\"”]\s*[―—–]\s*"
    r"(?P<name>[A-Z][\w’'-]*\.?(?:\s+[A-Z][\w’'-]*\.?){1,3})\s*(?:,\s*[^\n]{3,160})?\s*$"
)
_PULL_GLUED = re.compile(
    r"^(?P<content>[^\n]{20,}?[.!?][\"”’]?)(?:\s*[—–-]\s*|)"
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3})\s*,\s*(?P<desc>[^\n.]{3,160})\.?\s*$"
)


def _lines_of_paragraphs(text: str) -> list[tuple[int, int]]:
    """Each paragraph, and each line of a paragraph of several (signed quotes stack line by line)."""
    out = []
    for start, end in paragraphs(text):
        out.append((start, end))
        if "\n" in text[start:end].strip():
            pos = start
            for line in text[start:end].split("\n"):
                if line.strip():
                    out.append((pos, pos + len(line)))
                pos += len(line) + 1
    return out


# A signature opens with a name, not with a word that opens a clause ("Since Reagan, we ...").
_NOT_NAME_OPENERS = frozenset(
    """a an and as at but by for from in into is of on or the to with since after before when
    while if unlike like under until though although""".split()
)


def pull_quotes(ctx: Context) -> list[Quote]:
    text = ctx.text
    found = []
    for start, end in _lines_of_paragraphs(text):
        match = _PULL_GLUED.match(text[start:end]) or _PULL_SIGNED.match(text[start:end])
        if not match:
            continue
        name_start = start + match.start("name")
        name_end = start + match.end("name")
        if text[name_end - 1] == "." and not re.search(r"\b[A-Z]\.$", text[name_start:name_end]):
            name_end -= 1  # the sentence's full stop, not an initial
        if text[name_start:name_end].split()[0].lower() in _NOT_NAME_OPENERS:
            continue  # "... Coalition. Since Reagan, we've added ...": a sentence, not a signature
        mention = ctx.mention_at(name_start, name_end)
        if mention is None or ctx.actors.get(mention.actor or "", None) is None:
            continue
        if ctx.actors[mention.actor or ""].kind != "person":
            continue
        quote = ctx.quote((name_start, name_end), start + match.start("content"),
                          start + match.end("content"), True, "pull quote")
        if quote is not None:
            found.append(quote)
    return found
