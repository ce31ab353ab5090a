"""Quotes: who said what, direct or reported, with the speaker resolved to an actor.

Four readers, run in order; a later one never claims text an earlier one already quoted:

1. **Pull quotes** (:mod:`blocwatch.nlp.quotes_pull`): a paragraph that is a statement followed
   by its signature, glued ("...isolation.Lim Eul-chul, a specialist ...") or after a dash.
2. **Direct quotes**: text between quotation marks (straight, curly, doubled apostrophes, or a
   straight mark closed by a curly one; possibly several sentences), attributed through a
   reporting verb in the same or the neighbouring sentence ("..., he said"; "X told reporters:
   ...") or introduced at a colon ("Jeffrey M. Jones: “...”", "the board was blunt in its
   findings: “...”"); a statement split around its cue ("A," she said. "B") is one record whose
   span covers both parts and whose content joins them, and so is a statement that goes on in
   a paragraph of its own right after its attributed first part.
3. **Labelled lines** (:mod:`blocwatch.nlp.quotes_labelled`): "Graham: Trump's rhetoric ...",
   headline and transcript style.
4. **Indirect quotes** (:mod:`blocwatch.nlp.quotes_reported`, :mod:`blocwatch.nlp.quotes_acts`):
   "according to X, ..." / "..., according to X", reporting verbs that govern a clausal
   complement ("X said that ...", "X warned ...", "analysts believe ..."), and speech acts with
   a phrase for content ("X denounced the ruling", "X spoke about the ceasefire").

Marks are paired in :mod:`blocwatch.nlp.quotes_marks`.  The cue is a reporting verb handing over to
the quotation at a comma or colon right before its opening mark ('he said, “...”'), else the one
the quoted words hang on in the parse, else the nearest one ("as X put it" counts; a verb after
a finished quotation that introduces the next one does not, and one in the sentence after a
quotation closed by a full stop comes last), else any verb in the attribution slot ('"...?"
Hannity pressed'); a colon ending the paragraph before a quotation introduces it.

Speakers (:mod:`blocwatch.nlp.quotes_speakers`): the mention under the cue's subject, or a name
the parse left loose beside the cue ('," said Skelly'); a pronoun goes to the most recent person
named before it; a common noun ("analysts") stays a speaker without an actor.  The affiliation
is the organisation the speaker is tied to ("Cho Han-bum of the Korean Institute ...") or their
country.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from blocwatch.nlp.doc_text import text_of
from blocwatch.nlp.quotes_context import (
    REPORTING_VERBS,
    Context,
    paragraphs,
    subject_span,
)
from blocwatch.nlp.quotes_labelled import is_section_label, labelled_quotes
from blocwatch.nlp.quotes_marks import continued, is_title, paired
from blocwatch.nlp.quotes_pull import pull_quotes
from blocwatch.nlp.quotes_reported import indirect_quotes
from blocwatch.nlp.quotes_speakers import speaker_outside_quotes
from blocwatch.records import Actor, Mention, Quote

__all__ = ["REPORTING_VERBS", "QuotesComponent", "find_quotes"]

_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z.'’ -]{1,40}):\s")


def _direct_quotes(ctx: Context) -> list[Quote]:
    text, doc = ctx.text, ctx.doc
    found: list[Quote] = []
    previous: tuple[int, int] | None = None
    carried: tuple[str, tuple[int, int] | None] | None = None  # cue and speaker of a running quote
    pieces_of: dict[int, list[tuple[int, int]]] = {}  # the quoted parts of each quote found
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        spans = paired(paragraph)
        running = continued(paragraph)
        if running is not None:
            spans.append(running)
        pieces: list[_Piece] = []
        for rel_start, rel_end in sorted(spans):
            c_start, c_end = p_start + rel_start, p_start + rel_end
            content = text[c_start:c_end]
            if len(content.split()) < 2:
                continue  # a quoted word is a term, not a statement, even as a continuation
            # The text before the opening mark, which may be two apostrophes ('' for a double mark).
            before = text[p_start:c_start].rstrip().rstrip("'\"“”«").rstrip()
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
                if (cue is None and previous and not pieces
                        and text[previous[0] : previous[1]].rstrip().endswith(":")
                        and not text[p_start:c_start].strip(" \t\"“'")):
                    # "Cruz called them on it:" / "Jared Potts echoed:" over a paragraph that
                    # opens with the quotation: the clause at the colon names who says it.
                    colon = previous[0] + len(text[previous[0] : previous[1]].rstrip()) - 1
                    introduced = _introduced_at_colon(doc, colon)
                    if introduced is not None:
                        speaker_span, cue = introduced
                if cue is None and carried is not None and (rel_start, rel_end) == running:
                    cue, speaker_span = carried
                if before.endswith(":") and (cue is None or speaker_span is None):
                    # "Michael P. McDonald: “...”", "X posted: “...”": who introduces the quotation
                    # at the colon says it.
                    introduced = _introduced_at_colon(doc, p_start + len(before) - 1)
                    if introduced is not None:
                        speaker_span, cue = introduced[0], cue or introduced[1]
            # A quotation nobody is said to have said is not an attribution — unless it goes on
            # from the statement before it ('"A," said X, a long title. "B"'): see below.
            pieces.append(_Piece(c_start, c_end, cue, speaker_span))
        for group in _split_statements(text, pieces):
            first = group[0]
            if first.cue is None:
                paragraph_span = (p_start, p_end)
                if previous is not None and _goes_on(text, found, pieces_of, previous, paragraph_span, group):
                    _extend(ctx, found, pieces_of, group)
                continue
            words = sum(len(text[p.start : p.end].split()) for p in group)
            title = len(group) == 1 and is_title(text[first.start : first.end], text[:first.start])
            if words < 4 or title:
                continue  # scare quotes and titles are not statements
            parts = [(p.start, p.end) for p in group]
            quote = ctx.quote(first.speaker_span, first.start, group[-1].end, True, first.cue, pieces=parts)
            if quote is not None:
                found.append(quote)
                pieces_of[id(quote)] = parts
        carried = None
        if running is not None and found and found[-1].start >= p_start:
            carried = (found[-1].cue, found[-1].speaker_span)
        previous = (p_start, p_end)
    return found


_DASHES = frozenset({"-", "--", "–", "—"})


def _introduced_at_colon(doc: Doc, colon: int) -> tuple[tuple[int, int], str] | None:
    """The speaker (and a cue) of a quotation introduced by a colon: the subject of the clause
    ending there ("X posted:", "the board was conclusive in its findings:", "X went so far as to
    say:"), or the noun phrase itself when there is no clause ("Jeffrey M. Jones: “...”")."""
    span = doc.char_span(colon, colon + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    last = doc[span.start - 1]
    if last.ent_type_ in {"DATE", "TIME"} and last.pos_ != "VERB":
        return None
    # The clause that ends at the colon: its verb stands before the colon (the parser may hang
    # the words on a verb inside the quotation) and after any dash ("IOWA POLLS NOT WRONG -
    # Mark Blumenthal: “...”" has no clause: a digest names the author after the dash).
    dash = next((t.i for t in reversed(doc[last.sent.start : last.i]) if t.text in _DASHES), -1)
    verb = next((t for t in [last, *last.ancestors] if t.pos_ in {"VERB", "AUX"}), None)
    if verb is not None and not dash < verb.i < span.start:
        verb = None
    if verb is not None and verb.sent == last.sent:
        subject = subject_span(verb)
        return (subject, verb.text) if subject is not None else None
    if last.pos_ not in {"PROPN", "NOUN"}:
        return None
    chunk = next((c for c in doc.noun_chunks if c.start <= last.i < c.end), None)
    if chunk is not None and chunk.start <= dash:
        chunk = doc[dash + 1 : chunk.end]  # the name after the dash, not the headline before it
    start, end = (chunk.start_char, chunk.end_char) if chunk is not None else (last.idx, last.idx + len(last))
    return None if is_section_label(text_of(doc)[start:end]) else ((start, end), ":")


def _goes_on(
    text: str, found: list[Quote], pieces_of: dict[int, list[tuple[int, int]]],
    previous: tuple[int, int], paragraph: tuple[int, int], group: list[_Piece],
) -> bool:
    """A paragraph that is nothing but a quotation, with no cue of its own, right after a
    paragraph closing on an attributed quotation ('"A," Trump said.' / '"B ..."'): the speaker
    goes on, as news sets a long statement out over paragraphs — also after an attribution that
    runs on about where and when it was said (a sentence of it, up to _GOES_ON_AFTER chars)."""
    if not found or id(found[-1]) not in pieces_of or not found[-1].direct:
        return False
    last = found[-1]
    whole = (text[paragraph[0] : group[0].start].strip(" \t\"“'") == ""
             and text[group[-1].end : paragraph[1]].strip(" \t\"”'.,\u00a0") == "")
    return (whole and previous[0] <= last.start and last.end <= previous[1]
            and len(text[last.end : previous[1]].strip()) <= _GOES_ON_AFTER)


_GOES_ON_AFTER = 200


def _extend(ctx: Context, found: list[Quote], pieces_of: dict[int, list[tuple[int, int]]],
            group: list[_Piece]) -> None:
    """Replace the last quote by one that also holds the quotation paragraph ``group``."""
    last = found.pop()
    parts = pieces_of.pop(id(last)) + [(p.start, p.end) for p in group]
    ctx.claimed.remove((last.start, last.end))
    quote = ctx.quote(last.speaker_span, last.start, group[-1].end, True, last.cue, pieces=parts)
    if quote is None:  # cannot happen for a span that was free, but keep the old quote if it does
        ctx.claimed.append((last.start, last.end))
        quote, parts = last, parts[: -len(group)]
    found.append(quote)
    pieces_of[id(quote)] = parts


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
                    and len(text[last.start : last.end].split()) >= 3  # "Vote Early" pins: a label
                    and not is_title(text[last.start : last.end], text[max(0, last.start - 40) : last.start])
                    and re.search(r"\b" + re.escape(last.cue) + r"\b", gap)
                    and not any(mark in _without_titles(gap.strip().strip("“”\"„,.:;")) for mark in "“”\"")):
                if _ends_statement(text[last.start : last.end], gap):
                    groups.append([piece])  # 'A.” He added, “B”': B's cue, not a split of A
                    continue
                if not _opens_statement(gap):
                    continue  # a show or book named inside the attribution: not said by anyone
                groups[-1].append(piece)
                continue
        groups.append([piece])
    return groups


_QUOTED_SHORT = re.compile(r"[“\"]([^“”\"\n]{1,80})[”\"]")


def _without_titles(gap: str) -> str:
    """The attribution between two parts without the titles quoted in it ('," Sanders said on
    CNN’s “State of the Union” Sunday. "B'): a show's name does not part the statement."""
    return _QUOTED_SHORT.sub(lambda m: "" if is_title(m.group(1)) else m.group(0), gap)


def _ends_statement(content: str, gap: str) -> bool:
    """A part closed by a full stop, with a new sentence after its marks: news cuts a statement
    for its attribution at a comma ('"A," she said'), so what follows belongs to the next part."""
    after = gap.lstrip(" '\"”»")
    return content.rstrip().endswith(".") and bool(after) and after[0].isupper()


def _opens_statement(gap: str) -> bool:
    """The attribution between two parts hands over to the second at a mark of punctuation
    ('," she said. "B', '," he added, "B'); a quotation right after a word is a title or a name
    ('," Weiner said on the podcast “Here’s the Thing.”'), not more of the statement."""
    lead = gap.rstrip().rstrip("'\"“”«").rstrip()
    return bool(lead) and lead[-1] in ".,:;!?—–-)"


def _nearest_cue(
    window: Span, q_start: int, q_end: int, any_distance: bool = False,
    quoted: Sequence[tuple[int, int]] = (),
) -> tuple[str | None, tuple[int, int] | None]:
    best: tuple[bool, bool, int, Token] | None = _introducing(window, q_start)
    governors = _governors(window.doc, q_start, q_end) if best is None else set()
    # A quotation closed by the end of its sentence ('“... won’t happen.” He said he would ...')
    # is rarely attributed by the next sentence: a verb there comes after any other.
    finished = text_of(window.doc)[q_start:q_end].rstrip(" '\"”’").endswith((".", "?", "!"))
    for token in _cues_in(window) if best is None else ():
        if q_start <= token.idx < q_end or any(s <= token.idx < e for s, e in quoted):
            continue  # a verb inside quoted words is what was said, not who said it
        if token.idx >= q_end and _introduces_next(text_of(window.doc), q_start, q_end, token, quoted):
            continue
        distance = q_start - token.idx if token.idx < q_start else token.idx - q_end
        # The verb the quotation hangs on ('the Guardian reported. “...,” his nephew added')
        # comes before a nearer one that the parse does not tie to it.
        key = (token.i not in governors, finished and token.sent.start_char >= q_end - 1, distance)
        if (any_distance or distance < 160) and (best is None or key < best[:3]):
            best = (*key, token)
    if best is None:
        verb = _attributing_verb(window, q_start, q_end, governors)
        if verb is None:
            return None, None
        best = (False, False, 0, verb)
    return best[3].text, speaker_outside_quotes(window, best[3], [(q_start, q_end), *quoted])


def _introducing(window: Span, q_start: int) -> tuple[bool, bool, int, Token] | None:
    """The cue right before the opening mark ('he said, “...”', 'Kasich said: “...”'): a verb
    that hands over to the quotation at a comma or colon introduces it, whatever verb after it
    is nearer ('“...” Asked if ..., Trump replied' opens the next sentence)."""
    doc = window.doc
    mark = doc.char_span(q_start, q_start + 1, alignment_mode="expand")
    if mark is None:
        return None
    i = mark.start - 1
    while i >= window.start and doc[i].is_punct and doc[i].text in _OPENING_MARK_TOKENS:
        i -= 1
    if i - 1 < window.start or doc[i].text not in {",", ":"}:
        return None
    verb = doc[i - 1]
    return (False, False, 0, verb) if _is_cue(verb) else None


_OPENING_MARK_TOKENS = frozenset({'"', "“", "``", "''", "'", "«"})


def _attributing_verb(window: Span, q_start: int, q_end: int, governors: set[int]) -> Token | None:
    """Any verb in the attribution slot ('“Hey, you!” some protesters chanted', '“Not
    negotiable?” Hannity pressed'): the quotation ends on a comma, '?' or '!', the verb follows
    within a few words in the same sentence, and the quoted words hang on it."""
    doc = window.doc
    if not text_of(doc)[q_start:q_end].rstrip(" '\"”’“").endswith((",", "?", "!")):
        return None
    after = [t for t in window if t.idx >= q_end][:6]
    for token in after:
        # After '?' or '!' the parser starts a new sentence: then a verb with no object of its
        # own ('” Hannity pressed.') is the attribution too.
        loose = not any(c.dep_ in {"dobj", "ccomp", "xcomp", "attr"} for c in token.children)
        if token.pos_ == "VERB" and token.tag_ in {"VBD", "VBZ"} and (token.i in governors or loose):
            return token
        if token.is_punct and token.text not in "\"”’'":
            return None
    return None


def _governors(doc: Doc, q_start: int, q_end: int) -> set[int]:
    """Indices of the tokens that the quoted words' roots hang on (their head outside the
    marks, or its head when that is a conjunction or participle of the reporting clause)."""
    span = doc.char_span(q_start, q_end, alignment_mode="contract")
    if span is None:
        return set()
    heads = {t.head for t in span if not span.start <= t.head.i < span.end}
    return {h.i for h in heads} | {h.head.i for h in heads if h.dep_ in {"conj", "advcl", "xcomp"}}


_CUES_KEY = "blocwatch_quote_cues"


def _cues_in(window: Span) -> list[Token]:
    """The cue verbs of ``window``, from a per-doc list found once: a window is often a long
    stretch of the article and is searched once per quotation in it."""
    doc = window.doc
    cues = doc.user_data.get(_CUES_KEY)
    if cues is None:
        cues = doc.user_data[_CUES_KEY] = [t.i for t in doc if _is_cue(t)]
    lo, hi = bisect_left(cues, window.start), bisect_left(cues, window.end)
    return [doc[i] for i in cues[lo:hi]]


def _is_cue(token: Token) -> bool:
    """A reporting verb, or "put it" in "as X put it, '...'" (a manner of saying)."""
    if token.pos_ not in {"VERB", "AUX"}:
        return False
    if token.lemma_.lower() in REPORTING_VERBS:
        return True
    children = list(token.children)
    return (token.lemma_.lower() == "put" and any(c.lower_ == "it" and c.dep_ == "dobj" for c in children)
            and any(c.lower_ == "as" for c in children))


def _introduces_next(text: str, q_start: int, q_end: int, verb: Token,
                     quoted: Sequence[tuple[int, int]]) -> bool:
    """'“A.” He added, “B.”': a verb in a new sentence after a finished quotation, followed by
    another quotation in its own sentence, introduces that one, not the finished one."""
    if not _ends_statement(text[q_start:q_end].strip(" '\"“”«»"), text[q_end - 1 : verb.idx]):
        return False
    return any(verb.idx < s and s - 1 <= verb.sent.end_char for s, _ in quoted)


def find_quotes(doc: Doc, mentions: Sequence[Mention], actors: dict[str, Actor]) -> list[Quote]:
    ctx = Context(doc, mentions, actors)
    try:
        quotes = pull_quotes(ctx) + _direct_quotes(ctx) + labelled_quotes(ctx) + indirect_quotes(ctx)
    finally:
        doc.user_data.pop(_CUES_KEY, None)  # the cue list is this pass's, not the doc's
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
