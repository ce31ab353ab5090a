"""Indirect attributions: "according to X, ...", "X said (that) ...", "..., X said, ...",
"X called for ..." — reported speech with its speaker, cue and evidence."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from blocwatch.nlp.quotes_context import REPORTING_VERBS, Context, subject_span, tokens_span
from blocwatch.records import Quote

__all__ = ["indirect_quotes"]


def indirect_quotes(ctx: Context) -> list[Quote]:
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
        match = _ACCORDING_AFTER.search(s_text)
        if match:
            quote = _according_after(ctx, sent, match)
            if quote is not None:
                found.append(quote)
            continue
        for token in sent:
            quote = _reported(ctx, sent, token)
            if quote is not None:
                found.append(quote)
    return found


# "..., according to the Tax Foundation[, and ...]" / "... — according to the journal."
_ACCORDING_AFTER = re.compile(r"\s*[,—–]\s*according to ([^,.;—–]{3,160})(?=[,.;—–]|\s*$)")
_LEADING_LINK = re.compile(r"[\s,;—–]*(?:(?:and|but)\s+)?")


def _according_after(ctx: Context, sent: Span, match: re.Match[str]) -> Quote | None:
    """The claim before "according to X" — and its continuation after X, if the sentence goes on."""
    base = sent.start_char
    sp = base + match.start(1)
    speaker = (sp, _speaker_end(ctx, sp, base + match.end(1)))
    pieces = [(base, base + match.start())]
    link = _LEADING_LINK.match(ctx.text, base + match.end(), sent.end_char)
    tail_start = link.end() if link else base + match.end()
    tail = ctx.text[tail_start : sent.end_char].rstrip().rstrip(".!?").rstrip()
    if len(tail.split()) >= 3:
        pieces.append((tail_start, tail_start + len(tail)))
    return ctx.quote(speaker, pieces[0][0], pieces[-1][1], False, "according to", pieces=pieces)


def _reported(ctx: Context, sent: Span, token: Token) -> Quote | None:
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
    comps = [c for c in token.children if c.dep_ == "ccomp"]
    if not comps and lemma in INTENT_VERBS:
        comps = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
    is_cue = lemma in REPORTING_VERBS or lemma in INTENT_VERBS
    if not is_cue and not (comps and (lemma in EVIDENTIAL_VERBS or _opens_with_that(comps[0]))):
        return None
    subject = subject_span(token)
    if subject is None:
        return None
    if comps:
        tokens = list(comps[0].subtree)
        if tokens and tokens[0].lower_ == "that":
            tokens = tokens[1:]
        if not tokens:
            return None
        start, end = tokens_span(tokens)
        return ctx.quote(subject, start, end, False, token.text)
    if token.dep_ == "parataxis" and token.head.sent == sent:
        # "Trump's skepticism ... hurt the nominee, Graham said, since ...": the words around
        # the attribution clause are what Graham said.
        clause = list(token.subtree)
        c_start, c_end = tokens_span(clause)
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


# Verbs that present a finding or a stance as someone's ("the poll shows ...", "they agreed ...").
EVIDENTIAL_VERBS = frozenset(
    "show find agree know reveal indicate learn realize realise signal feel reckon prove".split()
)


# Speech acts of commitment that take an infinitive ("X vowed to retaliate"): what was promised
# or threatened is the content.  Plans and wishes ("X plans to", "X wants to") are not speech:
# the events reader codes them as intentions, not as quotes.
INTENT_VERBS = frozenset("promise pledge vow threaten urge warn tell ask order instruct advise".split())


def _opens_with_that(clause: Token) -> bool:
    """A complement clause opened by "that" ("X argued at length that ...") is a proposition."""
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


def _called(ctx: Context, token: Token) -> Quote | None:
    """"X called for a moratorium" / "X called the charges fabricated": a demand or a claim."""
    subject = subject_span(token)
    if subject is None:
        return None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                start, end = tokens_span(list(objects[0].subtree))
                return ctx.quote(subject, start, end, False, f"{token.text} for")
    objects = [c for c in token.children if c.dep_ == "dobj"]
    predicates = [c for c in token.children if c.dep_ in {"oprd", "xcomp", "ccomp"}]
    if objects and predicates and predicates[0].i > objects[0].i:
        start = tokens_span(list(objects[0].subtree))[0]
        end = tokens_span(list(predicates[0].subtree))[1]
        return ctx.quote(subject, start, end, False, token.text)
    return None


def _speaker_end(ctx: Context, start: int, end: int) -> int:
    """"Cho Han-bum of the Korean Institute ..." -> the speaker is the person, not the whole phrase."""
    mention = ctx.mention_at(start, end)
    if (mention is not None and mention.start <= start + 1 and mention.label == "PERSON"
            and re.match(r"\s+of\s", ctx.text[mention.end : mention.end + 5])):
        return mention.end
    return end
