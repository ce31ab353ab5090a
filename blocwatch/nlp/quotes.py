"""Quotes: who said what, direct or reported, with the speaker resolved to an actor.

Three readers, run in order; a later one never claims text an earlier one already quoted:

1. **Pull quotes**: a paragraph that is a statement followed by its attribution, either glued on the
   same line ("...to escape this isolation.Lim Eul-chul, a specialist in North Korean affairs", as
   text dumps of news pages often have it) or after a dash ("... — Name, title"), or a quotation
   standing as its own paragraph, signed after a dash (“...” ― Name).
2. **Direct quotes**: text between quotation marks (straight or curly, possibly several sentences),
   attributed through a reporting verb in the same or the neighbouring sentence ("..., he said";
   "X told reporters: ..."); a statement split around its cue ("A," she said. "B") is one
   record whose span covers both parts and whose content joins them.
3. **Indirect quotes**: "according to X, ..." / "..., according to X", and reporting verbs that
   govern a clausal complement ("X said that ...", "X warned ...", "analysts believe ...").

Speakers: the mention under the cue's subject; a pronoun goes to the most recent person named
before it; a common noun ("analysts") stays a speaker without an actor.  The affiliation is the
organisation the speaker is tied to ("Cho Han-bum of the Korean Institute ...") or their country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from blocwatch.nlp.quotes_context import REPORTING_VERBS, Context, compact, subject_span, tokens_span
from blocwatch.nlp.quotes_reported import indirect_quotes
from blocwatch.records import Actor, Mention, Quote

__all__ = ["REPORTING_VERBS", "QuotesComponent", "find_quotes"]

_QUOTE_PAIRS = [("“", "”"), ('"', '"'), ("«", "»")]
# A quotation set off as its own paragraph and signed after a dash: “...” ― Name[, description]
_PULL_SIGNED = re.compile(
    r"^\s*[\"“”](?P<content>[^\n]{20,}?)[\"”]\s*[―—–]\s*"
    r"(?P<name>[A-Z][\w’'-]*\.?(?:\s+[A-Z][\w’'-]*\.?){1,3})\s*(?:,\s*[^\n]{3,160})?\s*$"
)
_PULL_GLUED = re.compile(
    r"^(?P<content>[^\n]{20,}?[.!?][\"”’]?)\s*(?:[—–-]\s*)?"
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3})\s*,\s*(?P<desc>[^\n.]{3,160})\.?\s*$"
)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in re.split(r"(\n\s*\n)", text):
        if part.strip() and not re.fullmatch(r"\n\s*\n", part):
            out.append((pos, pos + len(part)))
        pos += len(part)
    return out


def _lines_of_paragraphs(text: str) -> list[tuple[int, int]]:
    """Each paragraph, and each line of a paragraph of several (signed quotes stack line by line)."""
    out = []
    for start, end in _paragraphs(text):
        out.append((start, end))
        if "\n" in text[start:end].strip():
            pos = start
            for line in text[start:end].split("\n"):
                if line.strip():
                    out.append((pos, pos + len(line)))
                pos += len(line) + 1
    return out


def _pull_quotes(ctx: Context) -> list[Quote]:
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


_DOUBLED_SINGLE = re.compile(r"''((?:(?!'').){2,2000}?)''")
_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z.'’ -]{1,40}):\s")


def _paired(paragraph: str) -> list[tuple[int, int]]:
    """Content spans between matching marks inside one paragraph (marks never pair across one)."""
    spans = []
    for open_mark, close_mark in _QUOTE_PAIRS:
        pattern = re.compile(re.escape(open_mark) + r"([^" + re.escape(close_mark) + r"]{2,2000}?)"
                             + re.escape(close_mark))
        spans += [(m.start(1), m.end(1)) for m in pattern.finditer(paragraph)]
    # Two apostrophes for a double mark (''So,'' she said), as some archives print them; the
    # content may hold single apostrophes (isn't), so it ends at the next doubled one.
    spans += [(m.start(1), m.end(1)) for m in _DOUBLED_SINGLE.finditer(paragraph)]
    return spans


def _continued(paragraph: str) -> tuple[int, int] | None:
    """Newswire style: a quote running over paragraphs opens each one and closes only the last."""
    stripped = paragraph.lstrip()
    lead = len(paragraph) - len(stripped)
    if not stripped or stripped[0] not in "\"“":
        return None
    mark = stripped[0]
    closing = "”" if mark == "“" else '"'
    if closing in stripped[1:] and (mark != '"' or stripped.count('"') % 2 == 0):
        return None
    return lead + 1, len(paragraph.rstrip())


def _direct_quotes(ctx: Context) -> list[Quote]:
    text, doc = ctx.text, ctx.doc
    found: list[Quote] = []
    previous: tuple[int, int] | None = None
    carried: tuple[str, tuple[int, int] | None] | None = None  # cue and speaker of a running quote
    for p_start, p_end in _paragraphs(text):
        paragraph = text[p_start:p_end]
        spans = _paired(paragraph)
        running = _continued(paragraph)
        if running is not None:
            spans.append(running)
        pieces: list[_Piece] = []
        for rel_start, rel_end in sorted(spans):
            c_start, c_end = p_start + rel_start, p_start + rel_end
            content = text[c_start:c_end]
            if len(content.split()) < 2:
                continue  # a quoted word is a term, not a statement, even as a continuation
            before = text[p_start : c_start - 1].rstrip()
            if content[0].islower() and before and before[-1] not in ":,":
                continue  # a quoted fragment inside someone's reported words: the indirect reader's
            cue, speaker_span = None, None
            label = _TRANSCRIPT_LABEL.match(content)
            if label:
                # A transcript line: "PENCE: Well, ..." is said by the labelled speaker.
                speaker_span = (c_start + label.start(1), c_start + label.end(1))
                cue, c_start = ":", c_start + label.end()
            else:
                window = doc.char_span(p_start, p_end, alignment_mode="contract")
                others = [(p_start + a, p_start + b) for a, b in spans if (a, b) != (rel_start, rel_end)]
                if window is not None:
                    cue, speaker_span = _nearest_cue(window, c_start - 1, c_end + 1, quoted=others)
                if cue is None and previous and text[previous[0] : previous[1]].rstrip().endswith(":"):
                    window = doc.char_span(previous[0], previous[1], alignment_mode="contract")
                    if window is not None:
                        cue, speaker_span = _nearest_cue(window, c_start, c_end, any_distance=True)
                if cue is None and carried is not None and (rel_start, rel_end) == running:
                    cue, speaker_span = carried
            # A quotation nobody is said to have said is not an attribution — unless it goes on
            # from the statement before it ('"A," said X, a long title. "B"'): see below.
            pieces.append(_Piece(c_start, c_end, cue, speaker_span))
        for group in _split_statements(text, pieces):
            first = group[0]
            if first.cue is None:
                continue
            words = sum(len(text[p.start : p.end].split()) for p in group)
            if words < 4 or (len(group) == 1 and _is_title(text[first.start : first.end])):
                continue  # scare quotes and titles are not statements
            quote = ctx.quote(first.speaker_span, first.start, group[-1].end, True, first.cue,
                              pieces=[(p.start, p.end) for p in group])
            if quote is not None:
                found.append(quote)
        carried = None
        if running is not None and found and found[-1].start >= p_start:
            carried = (found[-1].cue, found[-1].speaker_span)
        previous = (p_start, p_end)
    return found


_MINOR_WORDS = frozenset("a an and as at but by for from in into is of on or the to with".split())


def _is_title(content: str) -> bool:
    """A quoted work title ("The Steve Harvey Morning Show", "A Change Is Gonna Come"): short,
    every major word capitalised, no closing punctuation of a statement."""
    words = re.findall(r"[\w’'-]+", content)
    if not words or len(words) > 12 or content.rstrip().endswith((".", "?", "!", ",")):
        return False
    major = [w for w in words if w.lower() not in _MINOR_WORDS or w is words[0]]
    return all(w[0].isupper() or w[0].isdigit() for w in major)


class _Piece:
    """One span between quotation marks, with the cue and speaker found for it."""

    __slots__ = ("cue", "end", "speaker_span", "start")

    def __init__(self, start: int, end: int, cue: str | None, speaker_span: tuple[int, int] | None) -> None:
        self.start, self.end, self.cue, self.speaker_span = start, end, cue, speaker_span


_SPLIT_GAP = 300  # chars of attribution between two parts of one statement ("," she said. ")


def _split_statements(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    """Parts of one statement split around its attribution ("A," she said. "B") become one group.

    Two neighbouring parts are one statement when the short text between them holds their shared
    cue (same verb, same speaker), or holds the first part's cue while the second has none of its
    own ('"A," said X, a long title. "B"'): the usual ways news splits a long quote.  Anything
    else — two quotes with their own cues, a gap with more narrative — stays apart, and a part
    with no cue that continues nothing is dropped.
    """
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups:
            last = groups[-1][-1]
            gap = text[last.end : piece.start]
            same_cue = piece.cue == last.cue and piece.speaker_span == last.speaker_span
            if (piece.start - last.end <= _SPLIT_GAP and (same_cue or piece.cue is None)
                    and last.cue is not None and last.cue != ":"
                    and re.search(r"\b" + re.escape(last.cue) + r"\b", gap)
                    and not any(mark in gap.strip().strip("“”\"„,.:;") for mark in "“”\"")):
                groups[-1].append(piece)
                continue
        groups.append([piece])
    return groups


def _nearest_cue(
    window: Span, q_start: int, q_end: int, any_distance: bool = False,
    quoted: Sequence[tuple[int, int]] = (),
) -> tuple[str | None, tuple[int, int] | None]:
    best: tuple[int, Token] | None = None
    for token in window:
        if token.lemma_.lower() not in REPORTING_VERBS or token.pos_ not in {"VERB", "AUX"}:
            continue
        if q_start <= token.idx < q_end or any(s <= token.idx < e for s, e in quoted):
            continue  # a verb inside quoted words is what was said, not who said it
        distance = q_start - token.idx if token.idx < q_start else token.idx - q_end
        if (any_distance or distance < 160) and (best is None or distance < best[0]):
            best = (distance, token)
    if best is None:
        return None, None
    return best[1].text, _speaker_outside_quotes(window, best[1], [(q_start, q_end), *quoted])


_SPEAKER_DEPS = {"nsubj", "nsubjpass", "dobj", "attr", "npadvmod", "appos", "oprd", "dative"}


def _speaker_outside_quotes(
    window: Span, verb: Token, quoted: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """Who speaks through ``verb``, never words inside the quotation marks.

    After a quote the parser often takes the quotation for the subject ("'Full panic mode,' said
    Leslie Wimes" -> nsubj = the quote): then the speaker is the noun the verb governs outside
    the marks, else the noun phrase right beside the verb.
    """
    def inside(span: tuple[int, int]) -> bool:
        return any(s - 1 <= span[0] < e + 1 or s - 1 < span[1] <= e + 1 for s, e in quoted)

    subject = subject_span(verb)
    if subject is not None and not inside(subject):
        return subject
    children = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS and c.pos_ in {"PROPN", "NOUN", "PRON"}
                and c.ent_type_ not in {"DATE", "TIME"}]  # "said Monday": when, not who
    for child in sorted(children, key=lambda c: abs(c.i - verb.i)):
        span = compact(child) if child.dep_ in {"dobj", "npadvmod"} else tokens_span(list(child.subtree))
        if not inside(span):
            return span
    for chunk in window.noun_chunks:
        if chunk.root.ent_type_ in {"DATE", "TIME"}:
            continue
        near = verb.i - 3 <= chunk.end - 1 < verb.i or verb.i < chunk.start <= verb.i + 2
        span = (chunk.start_char, chunk.end_char)
        if near and not inside(span):
            return span
    return None


def find_quotes(doc: Doc, mentions: Sequence[Mention], actors: dict[str, Actor]) -> list[Quote]:
    ctx = Context(doc, mentions, actors)
    quotes = _pull_quotes(ctx) + _direct_quotes(ctx) + indirect_quotes(ctx)
    return sorted(quotes, key=lambda q: q.start)


class QuotesComponent:
    """spaCy component: reads mentions and actors, writes ``doc._.quotes`` (list[Quote])."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = find_quotes(doc, doc._.mentions or [], doc._.actors or {})
        return doc


@Language.factory(
    "blocwatch_quotes",
    requires=["doc._.mentions", "doc._.actors", "token.dep", "token.lemma"],
    assigns=["doc._.quotes"],
)
def make_quotes_component(nlp: Language, name: str) -> QuotesComponent:
    return QuotesComponent()
