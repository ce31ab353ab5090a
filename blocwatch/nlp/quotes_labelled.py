"""Labelled statements: a line made of a name, a colon and what they said.

News headlines attribute a claim by a colon ("Graham: Trump's Rhetoric Destroying GOP's Chances",
"Poll: Sanders Leads Clinton Nationally"), and so do interview transcripts set as paragraphs
("TAPPER: Specifically I've heard ...") and quotations introduced by a name alone ("Kerry: "By
law, the president ..."").  The reader takes a line whose text before the first colon is a short
noun phrase — a few words, capitalised, no verb (a verb makes it a sentence, "He said: ...",
which the direct reader handles) — and whose text after it is a statement of three words or more.

Section labels have the same shape ("Editor's Note: ...", "UPDATE: ...", "Read more: ..."), so a
list of them is excluded; times and ratios ("10:30") never match because the label must end in a
letter.
"""

from __future__ import annotations

import re

from blocwatch.nlp.quotes_context import Context
from blocwatch.records import Quote

__all__ = ["is_section_label", "labelled_quotes"]

_LABELLED = re.compile(
    r"^[ \t]*(?P<label>[A-Z][\w.'’&-]*(?:[ \t]+[\w.'’&-]+){0,5}?)[ \t]*:[ \t]+(?P<content>\S[^\n]*?)\s*$"
)
# Labels of sections and page furniture, not speakers (compared lower-cased, possessive dropped).
_NOT_SPEAKER_LABELS = (
    """editor's note|note|update|updated|exclusive|breaking|breaking news|watch|video|photos|photo|
    listen|audio|read more|read|related|see also|more|source|sources|credit|photo credit|
    correction|clarification|disclosure|analysis|opinion|commentary|editorial|review|interview|
    transcript|contact|email|e-mail|twitter|follow|follow us|tags|topics|filed under|posted|
    published|date|dateline|location|where|when|what|why|how|who|q|a|question|answer|warning|
    spoiler|spoiler alert|caption|bottom line|the bottom line|key points|highlights|summary|
    background|context|fact check|timeline|live|live updates|subscribe|sign up|advertisement|
    p.s|ps|tl;dr|tldr|example|examples|step|part|chapter|episode|season|day|week|round|lead|
    cartoon|poll results|results|score|final|final score|recap|preview|prediction|predictions""".replace(
        "\n", "").split("|")
)


def labelled_quotes(ctx: Context) -> list[Quote]:
    text, found = ctx.text, []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        match = _LABELLED.match(line)
        if not match or not _is_speaker_label(ctx, start + match.start("label"), start + match.end("label")):
            continue
        c_start, c_end = start + match.start("content"), start + match.end("content")
        content = text[c_start:c_end]
        direct = False
        if _wholly_quoted(content):
            c_start, c_end = c_start + 1, c_start + len(content.rstrip(".")) - 1
            direct = True  # the quotation marks say these are the speaker's words
        if len(text[c_start:c_end].split()) < 3:
            continue
        label = (start + match.start("label"), start + match.end("label"))
        quote = ctx.quote(label, c_start, c_end, direct, ":")
        if quote is not None:
            found.append(quote)
    return found


_MARK_PAIRS = {"\"": "\"", "“": "”", "‘": "’", "'": "'"}


def _wholly_quoted(content: str) -> bool:
    """The statement after the label stands in one pair of marks: double ('Kerry: "By law, ..."')
    or single, as headlines print a quotation ("Kasich: ‘We Are Going To Cleveland.’") — not a
    headline quoting a phrase or two of its own ("X: ‘Images’ Have ‘No Place’ Here")."""
    closing = _MARK_PAIRS.get(content[:1])
    if closing is None or content.rstrip(".")[-1:] != closing:
        return False
    if content[0] in "‘'":
        # A single mark opening inside (after a space) starts a second quoted phrase; an
        # apostrophe inside a word ("Clinton's", "Don’t") does not.
        return re.search(r"\s" + re.escape(content[0]), content[1:-1]) is None
    return True


def _is_speaker_label(ctx: Context, start: int, end: int) -> bool:
    label = ctx.text[start:end]
    if is_section_label(label) or not label[-1].isalpha():
        return False
    if _key(label) in _SOURCE_NOUNS:
        return True  # "Poll: ...", "Police: ..."
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBN" for t in span):
        return False  # a verb makes it a sentence ("He said: ..."), the direct reader's
    # Someone who can speak: a person or an organisation named there ("Graham", "Clinton camp",
    # "Republican pollster Daron Shaw"), not a topic ("Big Win For Bernie" names no speaker first).
    head = span[-1] if span[-1].pos_ in {"PROPN", "NOUN"} else None
    return head is not None and (head.pos_ == "PROPN" or ctx.mention_at(start, end) is not None
                                 or any(t.ent_type_ in {"PERSON", "ORG", "NORP"} for t in span))


def is_section_label(label: str) -> bool:
    """"Editor's Note", "VIDEO", "Read more": page furniture before a colon, not a speaker."""
    key = _key(label)
    return not key or key in _NOT_SPEAKERS or key.split()[0] in _FURNITURE_VERBS


def _key(label: str) -> str:
    return re.sub(r"['’]s\b", "", label.lower().replace("’", "'")).strip(". ")


_NOT_SPEAKERS = frozenset(_key(label) for label in _NOT_SPEAKER_LABELS)
# Lines that open with an imperative of page furniture ("Follow X on Twitter: @x").
_FURNITURE_VERBS = frozenset("follow reach contact email call write subscribe read watch listen see".split())
# Sources that speak without a name in a headline.
_SOURCE_NOUNS = frozenset("poll survey study report police officials witnesses".split())
