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
from bisect import bisect_right
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from blocwatch.records import Actor, Evidence, Mention, Quote

__all__ = ["QuotesComponent", "find_quotes", "REPORTING_VERBS"]

REPORTING_VERBS = frozenset(
    """say tell add state warn note explain insist argue ask declare write claim believe think
    announce stress emphasise emphasize suggest acknowledge admit assert contend report reply
    respond urge predict caution confirm deny maintain observe remark point recall reiterate
    estimate expect fear hope conclude describe mention continue tweet quip joke concede complain
    testify boast vow exclaim shout yell whisper recount answer retort counter lament allege
    demand pledge promise indicate""".split()
)
_PRONOUNS = {"he", "she", "they", "him", "her", "them"}
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


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in doc.sents]


class _Context:
    def __init__(self, doc: Doc, mentions: Sequence[Mention], actors: dict[str, Actor]) -> None:
        self.doc = doc
        # Doc.text joins every token on each access; quotes read slices of it thousands of times.
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.actors = actors
        self.sentences = _sentence_bounds(doc)
        self.sent_starts = [s for s, _ in self.sentences]
        self.claimed: list[tuple[int, int]] = []

    def mention_at(self, start: int, end: int) -> Mention | None:
        for m in self.mentions:
            if m.start < end and start < m.end and m.actor:
                return m
        return None

    def last_person_before(self, offset: int) -> Mention | None:
        i = bisect_right(self.starts, offset)
        for m in reversed(self.mentions[:i]):
            if m.actor and self.actors.get(m.actor) and self.actors[m.actor].kind == "person":
                return m
        return None

    def evidence(self, offset: int) -> Evidence:
        i = max(0, bisect_right(self.sent_starts, offset) - 1)
        start, end = self.sentences[i] if self.sentences else (0, len(self.text))
        return Evidence(
            sentence=self.text[start:end],
            start=start,
            end=end,
            article_id=self.doc._.article_id,
            sentence_index=i,
        )

    def is_claimed(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.claimed)

    def affiliation(self, mention: Mention | None) -> str | None:
        """The org a speaker is "of", else their actor's country."""
        if mention is None:
            return None
        tail = self.text[mention.end : mention.end + 6]
        if re.match(r"\s+of\s", tail):
            nxt = self.mention_at(mention.end + 1, mention.end + 80)
            if nxt and nxt.actor and nxt.actor != mention.actor:
                return nxt.actor
        actor = self.actors.get(mention.actor or "")
        if actor is not None and actor.country:
            return actor.country
        return None

    def quote(
        self, speaker_span: tuple[int, int] | None, start: int, end: int, direct: bool, cue: str,
        pieces: Sequence[tuple[int, int]] = (),
    ) -> Quote | None:
        """A quote of ``text[start:end]``; ``pieces`` are the quoted parts when the attribution
        splits the statement ("A," she said. "B"): the content joins them, the span covers all."""
        content = self.text[start:end]
        lead = len(content) - len(content.lstrip())
        # A quote cut off before its attribution keeps the comma in the marks: it is not content.
        content = content.strip().rstrip(",;:").rstrip()
        start += lead
        end = start + len(content)
        if len(pieces) > 1:
            content = " ".join(self.text[s:e].strip().rstrip(",;:").rstrip() for s, e in pieces)
        if len(content.split()) < 3 or self.is_claimed(start, end):
            return None
        speaker, mention = "", None
        if speaker_span is not None:
            speaker = self.text[speaker_span[0] : speaker_span[1]].strip()
            mention = self.mention_at(*speaker_span)
            if mention is None and speaker.lower() in _PRONOUNS:
                # "'..., I love Larry,' he said": he is someone named before the quote, not in it.
                mention = self.last_person_before(min(speaker_span[0], start))
        self.claimed.append((start, end))
        return Quote(
            speaker=(speaker if mention is None or speaker.lower() not in _PRONOUNS else mention.text),
            content=content,
            start=start,
            end=end,
            direct=direct,
            cue=cue,
            speaker_actor=mention.actor if mention else None,
            affiliation=self.affiliation(mention),
            evidence=self.evidence(start),
            speaker_span=speaker_span,
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


def _pull_quotes(ctx: _Context) -> list[Quote]:
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


_RELATIVE = {"who", "that", "which", "whom"}


def _subject_span(verb: Token) -> tuple[int, int] | None:
    """The span of the one who speaks through ``verb``.

    A relative pronoun ("Trump, who said ...") stands for the noun the clause hangs on; a
    participle without a subject (", adding ...") speaks with its governing verb's subject.
    """
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return _compact(verb.head)
                tokens = list(child.subtree)
                return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        if verb.dep_ in {"advcl", "xcomp", "conj"} and verb.head is not verb:
            verb = verb.head
            continue
        break
    return None


def _compact(noun: Token) -> tuple[int, int]:
    """A noun with its left modifiers only ("Sen. Claire McCaskill"), not its relative clause."""
    left = min([t.idx for t in noun.lefts if t.dep_ in {"compound", "amod", "det", "poss"}] or [noun.idx])
    return left, noun.idx + len(noun.text)


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


def _direct_quotes(ctx: _Context) -> list[Quote]:
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
            if cue is None:
                continue  # a quotation nobody is said to have said is not an attribution
            pieces.append(_Piece(c_start, c_end, cue, speaker_span))
        for group in _split_statements(text, pieces):
            first = group[0]
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

    def __init__(self, start: int, end: int, cue: str, speaker_span: tuple[int, int] | None) -> None:
        self.start, self.end, self.cue, self.speaker_span = start, end, cue, speaker_span


_SPLIT_GAP = 300  # chars of attribution between two parts of one statement ("," she said. ")


def _split_statements(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    """Parts of one statement split around its attribution ("A," she said. "B") become one group.

    Two neighbouring parts are one statement when the short text between them holds their shared
    cue (same verb, same speaker): the usual way news splits a long quote.  Anything else — two
    quotes with their own cues, a gap with more narrative — stays apart.
    """
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups:
            last = groups[-1][-1]
            gap = text[last.end : piece.start]
            if (piece.start - last.end <= _SPLIT_GAP and piece.cue == last.cue
                    and piece.speaker_span == last.speaker_span and last.cue != ":"
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

    subject = _subject_span(verb)
    if subject is not None and not inside(subject):
        return subject
    children = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS and c.pos_ in {"PROPN", "NOUN", "PRON"}]
    for child in sorted(children, key=lambda c: abs(c.i - verb.i)):
        span = _compact(child) if child.dep_ in {"dobj", "npadvmod"} else _tokens_span(list(child.subtree))
        if not inside(span):
            return span
    for chunk in window.noun_chunks:
        near = verb.i - 3 <= chunk.end - 1 < verb.i or verb.i < chunk.start <= verb.i + 2
        span = (chunk.start_char, chunk.end_char)
        if near and not inside(span):
            return span
    return None


def _indirect_quotes(ctx: _Context) -> list[Quote]:
    doc, found = ctx.doc, []
    for sent in doc.sents:
        s_text = sent.text
        match = re.match(r"\s*According to ([^,]{3,160}),\s*(.+)$", s_text, re.S)
        if match:
            sp = sent.start_char + match.start(1)
            speaker_end = _speaker_end(ctx, sp, sent.start_char + match.end(1))
            quote = ctx.quote((sp, speaker_end), sent.start_char + match.start(2),
                              sent.end_char, False, "according to")
            if quote is not None:
                found.append(quote)
            continue
        match = re.search(r",\s*according to ([^,.]{3,160})[.]?\s*$", s_text)
        if match:
            sp = sent.start_char + match.start(1)
            quote = ctx.quote((sp, _speaker_end(ctx, sp, sent.start_char + match.end(1))),
                              sent.start_char, sent.start_char + match.start(), False, "according to")
            if quote is not None:
                found.append(quote)
            continue
        for token in sent:
            quote = _reported(ctx, sent, token)
            if quote is not None:
                found.append(quote)
    return found


def _tokens_span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _reported(ctx: _Context, sent: Span, token: Token) -> Quote | None:
    """The attribution a verb of ``sent`` makes, if it is a cue; None otherwise.

    * "X said (that) ..." — the clausal complement is the content;
    * "..., X said, ..." (parataxis) — the rest of the sentence, around the attribution, is;
    * "X called for ...", "X called the charges unsubstantiated" — what was demanded or claimed.
    Nested attributions lose to the outer one (the outer span is claimed first).
    """
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB":
        return None
    if lemma == "call":
        return _called(ctx, token)
    if lemma not in REPORTING_VERBS:
        return None
    subject = _subject_span(token)
    if subject is None:
        return None
    comps = [c for c in token.children if c.dep_ == "ccomp"]
    if comps:
        tokens = list(comps[0].subtree)
        if tokens and tokens[0].lower_ == "that":
            tokens = tokens[1:]
        if not tokens:
            return None
        start, end = _tokens_span(tokens)
        return ctx.quote(subject, start, end, False, token.text)
    if token.dep_ == "parataxis" and token.head.sent == sent:
        # "Trump's skepticism ... hurt the nominee, Graham said, since ...": the words around
        # the attribution clause are what Graham said.
        clause = list(token.subtree)
        c_start, c_end = _tokens_span(clause)
        before = ctx.text[sent.start_char : c_start].rstrip().rstrip(",;:—–-").rstrip()
        after_start = c_end
        while after_start < sent.end_char and ctx.text[after_start] in " ,;:":
            after_start += 1
        after = ctx.text[after_start : sent.end_char].rstrip().rstrip(".!?").rstrip()
        pieces = [(sent.start_char, sent.start_char + len(before))] if before else []
        if after:
            pieces.append((after_start, after_start + len(after)))
        if not pieces or any(ch in ctx.text[sent.start_char : sent.end_char] for ch in "“”\""):
            return None  # quotation marks: the direct reader's
        return ctx.quote(subject, pieces[0][0], pieces[-1][1], False, token.text, pieces=pieces)
    return None


def _called(ctx: _Context, token: Token) -> Quote | None:
    """"X called for a moratorium" / "X called the charges fabricated": a demand or a claim."""
    subject = _subject_span(token)
    if subject is None:
        return None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                start, end = _tokens_span(list(objects[0].subtree))
                return ctx.quote(subject, start, end, False, f"{token.text} for")
    objects = [c for c in token.children if c.dep_ == "dobj"]
    predicates = [c for c in token.children if c.dep_ in {"oprd", "xcomp", "ccomp"}]
    if objects and predicates and predicates[0].i > objects[0].i:
        start = _tokens_span(list(objects[0].subtree))[0]
        end = _tokens_span(list(predicates[0].subtree))[1]
        return ctx.quote(subject, start, end, False, token.text)
    return None


def _speaker_end(ctx: _Context, start: int, end: int) -> int:
    """"Cho Han-bum of the Korean Institute ..." -> the speaker is the person, not the whole phrase."""
    mention = ctx.mention_at(start, end)
    if (mention is not None and mention.start <= start + 1 and mention.label == "PERSON"
            and re.match(r"\s+of\s", ctx.text[mention.end : mention.end + 5])):
        return mention.end
    return end


def find_quotes(doc: Doc, mentions: Sequence[Mention], actors: dict[str, Actor]) -> list[Quote]:
    ctx = _Context(doc, mentions, actors)
    quotes = _pull_quotes(ctx) + _direct_quotes(ctx) + _indirect_quotes(ctx)
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
