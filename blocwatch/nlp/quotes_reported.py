"""Indirect attributions: "according to X, ...", "X said (that) ...", "..., X said, ...",
"X called for ...", "X refused to ...", and the speech acts of :mod:`blocwatch.nlp.quotes_acts`
— reported speech with its speaker, cue and evidence.

The content of "X said ..." is the verb's complement clauses after it (joined when the parser
splits one), up to a second reporting verb of the same speaker ("... and added that ...") or a
participle of saying after a comma (", adding that ...", ", referring to ..."), which report
something else.  A subject the parser lost goes to the noun phrase right before the verb."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from blocwatch.nlp.quotes_acts import (
    OBJECT_SPEECH_ACTS,
    PREPOSITION_SPEECH_ACTS,
    name_before,
    speech_act,
    speech_act_about,
)
from blocwatch.nlp.quotes_context import REPORTING_VERBS, Context, subject_span, tokens_span
from blocwatch.records import Quote

__all__ = ["indirect_quotes"]


def indirect_quotes(ctx: Context) -> list[Quote]:
    doc, found = ctx.doc, []
    for sent in doc.sents:
        s_text = sent.text
        match = _ACCORDING_FIRST.match(s_text)
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
# The comma may stand inside the closing mark ('"...,'' according to X'); the space after "to"
# may be a no-break one.
_ACCORDING_AFTER = re.compile(
    r"\s*[,—–]['\"”’]*\s*according to\s+([^,.;—–]{3,160})(?=[,.;—–]|\s*$)"
)
# "According to X, ..." opening the sentence, or its clause after a colon or semicolon.
_ACCORDING_FIRST = re.compile(r"(?:\s*|[^\n]*?[:;]\s+)According to\s+([^,]{3,160}),\s*(.+)$", re.S)
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
    if lemma in PREPOSITION_SPEECH_ACTS and not any(c.dep_ in {"ccomp", "dobj"} for c in token.children):
        act = speech_act_about(ctx, token)
        if act is not None or lemma not in REPORTING_VERBS:
            return act
    if lemma in OBJECT_SPEECH_ACTS and not any(c.dep_ == "ccomp" for c in token.children):
        act = speech_act(ctx, token)
        if act is not None or lemma not in REPORTING_VERBS:
            return act
    comps = [c for c in token.children if c.dep_ == "ccomp"]
    if not comps and lemma in INTENT_VERBS:
        comps = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
    is_cue = lemma in REPORTING_VERBS or lemma in INTENT_VERBS
    if not is_cue and not (comps and (lemma in EVIDENTIAL_VERBS or _opens_with_that(comps[0]))):
        return None
    subject = subject_span(token) or name_before(token)
    if subject is None:
        return None
    if comps:
        tokens = _complement(token, comps)
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


def _complement(verb: Token, comps: list[Token]) -> list[Token]:
    """The words of what ``verb`` reports: its complement clauses after it (the parser may hang a
    clause before the verb on it too, or split "they don't know" into two complements), joined
    into one stretch, without the opening "that"."""
    after = [c for c in comps if c.i > verb.i] or comps
    first = min(c.left_edge.i for c in after)
    last = max(c.right_edge.i for c in after)
    tokens = list(verb.doc[first : last + 1])
    if tokens and tokens[0].lower_ == "that":
        tokens = tokens[1:]
    return _without_narration(tokens)


# Reporting verbs that are acts of saying; the others (believe, expect, hope, fear, continue ...)
# can be part of what was said ("he is proud of the campaign and expects to win").
_SPEECH_VERBS = REPORTING_VERBS - frozenset(
    "believe think expect fear hope estimate continue predict conclude describe point observe maintain"
    " indicate demand pledge promise vow".split()
)


_NARRATION_PARTICIPLES = frozenset("refer cite call point".split())


def _without_narration(tokens: list[Token]) -> list[Token]:
    """The complement up to a second reporting verb of the same speaker ("he said the talks
    failed and added that ..."): the parser hangs it inside the first clause, but it reports
    something else, read as a quote of its own."""
    inside = {t.i for t in tokens}
    for token in tokens[3:]:
        if token.head.i not in inside or token.left_edge.i <= tokens[0].i:
            continue
        lemma = token.lemma_.lower()
        second_cue = (token.dep_ == "conj" and token.pos_ == "VERB" and lemma in _SPEECH_VERBS
                      and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children))
        # ", adding that ...", ", referring to ...": the reporter's narration of the speaking.
        narrated = (token.tag_ == "VBG" and token.dep_ in {"advcl", "xcomp", "conj"}
                    and (lemma in _SPEECH_VERBS or lemma in _NARRATION_PARTICIPLES)
                    and token.i > tokens[0].i and token.doc[token.left_edge.i - 1].text == ",")
        if not (second_cue or narrated):
            continue
        cut = token.left_edge.i
        while cut > tokens[0].i and token.doc[cut - 1].lower_ in {",", "and", "but", ";"}:
            cut -= 1
        kept = [t for t in tokens if t.i < cut]
        if len(kept) >= 3:
            return kept
    return tokens


# Verbs that present a finding or a stance as someone's ("the poll shows ...", "they agreed ...").
EVIDENTIAL_VERBS = frozenset(
    "show find agree know reveal indicate learn realize realise signal feel reckon prove".split()
)


# Speech acts of commitment, refusal or agreement that take an infinitive ("X vowed to retaliate",
# "X refused to endorse Y", "X agreed to testify"): what was promised, refused or accepted is the
# content.  Plans and wishes ("X plans to", "X wants to") are not speech: the events reader codes
# them as intentions, not as quotes.
INTENT_VERBS = frozenset(
    """promise pledge vow threaten urge warn tell ask order instruct advise refuse decline agree
    propose offer""".split()
)


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
