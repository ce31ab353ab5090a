"""Who speaks a quotation: the speaker of its cue verb, found outside the quotation marks.

The subject of the verb when the parse gives one; else, as parses of news attributions often go
wrong, the name the verb governs outside the marks, the one a description beside the verb is
about, "as X put it", or a capitalised name right beside the verb.  The listener after a verb
of telling ("tells Breitbart News") is never the speaker.  Used by :mod:`blocwatch.nlp.quotes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Span, Token

from blocwatch.nlp.quotes_context import PRONOUNS, compact, subject_span, tokens_span

__all__ = ["speaker_outside_quotes"]

_LISTENER_VERBS = frozenset({"tell", "ask", "assure", "remind", "inform", "urge", "advise"})
_SPEAKER_DEPS = {"nsubj", "nsubjpass", "dobj", "attr", "npadvmod", "appos", "oprd", "dative"}


def speaker_outside_quotes(
    window: Span, verb: Token, quoted: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """Who speaks through ``verb``, never words inside the quotation marks.

    After a quote the parser often takes the quotation for the subject ("'Full panic mode,' said
    Leslie Wimes" -> nsubj = the quote): then the speaker is the noun the verb governs outside
    the marks, else the noun phrase right beside the verb.
    """
    def inside(span: tuple[int, int]) -> bool:  # begins, ends or holds quoted words
        return any(span[0] < e + 1 and s - 1 < span[1] for s, e in quoted)

    subject = subject_span(verb)
    if subject is not None and not inside(subject):
        return subject
    if subject is not None:
        # 'Bill Eastland, wearing “Ted Cruz” pins, said': the name without the quoted words.
        head = window.doc.char_span(*subject, alignment_mode="expand")
        if head is not None and not inside(compact(head.root)):
            return compact(head.root)
    # "As Ann Lee, a professor of law, put it, ...": the parse may take the speaker for the
    # object of "as".
    for child in verb.children:
        if child.lower_ == "as":
            named = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in {"PROPN", "NOUN"}]
            if named and not inside(compact(named[0])):
                return compact(named[0])
    # '“...,” Bozell, a founder of X, tells Breitbart News': after a verb of telling stands
    # the one told, never the speaker (the parse may hang the speaker on the quoted words).
    listener = verb.lemma_.lower() in _LISTENER_VERBS
    children = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS and c.pos_ in {"PROPN", "NOUN", "PRON"}
                and c.ent_type_ not in {"DATE", "TIME"}  # "said Monday": when, not who
                and not (listener and c.i > verb.i)
                and not _what_was_put(c)]
    for child in sorted(children, key=lambda c: abs(c.i - verb.i)):
        span = compact(child) if child.dep_ in {"dobj", "npadvmod"} else tokens_span(list(child.subtree))
        if not inside(span):
            return span
    if verb.tag_ == "VBG" and verb.sent.root.i < verb.i:
        # "Flea shared the news, writing “...”": the parser may lose the participle's link to
        # the clause it hangs on; its speaker is that clause's subject.
        subject = subject_span(verb.sent.root)
        if subject is not None and not inside(subject):
            return subject
    for chunk in window.noun_chunks:
        if chunk.root.ent_type_ in {"DATE", "TIME"} or _what_was_put(chunk.root):
            continue
        near = verb.i - 3 <= chunk.end - 1 < verb.i or (verb.i < chunk.start <= verb.i + 2 and not listener)
        span = (chunk.start_char, chunk.end_char)
        if near and not inside(span):
            return _described(chunk.root, inside) if chunk.end <= verb.i else span
    return _name_beside(window, verb, inside, quoted[0][1] if quoted else verb.idx)


def _what_was_put(token: Token) -> bool:
    """The "it" of "as X put it": what was said, not who said it."""
    return token.lower_ == "it" and token.dep_ == "dobj"


def _described(noun: Token, inside: Callable[[tuple[int, int]], bool]) -> tuple[int, int]:
    """The one a description before the verb is about: '“...,” Ann Lee, head of the Media
    Centre, said' -> the chunk next to the verb is the centre, the speaker Ann Lee.  Up from a
    noun under a preposition of an apposition, and from that description to the name it is
    about (never into the quoted words, which the parse may take the name for an apposition of)."""
    for _ in range(6):
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.dep_ == "appos":
            noun = noun.head.head
        elif (noun.dep_ == "appos" and noun.pos_ == "NOUN" and noun.head.pos_ in {"NOUN", "PROPN"}
              and not inside(compact(noun.head))):  # from a description up to a name, not past it
            noun = noun.head
        else:
            break
    return compact(noun)


def _name_beside(
    window: Span, verb: Token, inside: Callable[[tuple[int, int]], bool], quote_end: int,
) -> tuple[int, int] | None:
    """A capitalised name right after the verb ('," said Skelly') or opening the attribution
    after the quotation ('," Texas delegate Bill Eastland, wearing ..., said'), for when the
    parse tied it to nothing (an adverb, a modifier of the quoted words)."""
    doc = window.doc
    after = verb.lemma_.lower() not in _LISTENER_VERBS
    candidates = list(doc[verb.i + 1 : min(verb.i + 2, window.end)]) if after else []
    opening = next((t for t in window if quote_end <= t.idx < verb.idx and not t.is_punct), None)
    if opening is not None:
        candidates.append(opening)
    for first in candidates:
        if not first.text[:1].isupper() or first.ent_type_ in {"DATE", "TIME"} or first.lower_ in PRONOUNS:
            continue
        last, stop = first, min(window.end, verb.i if first.i < verb.i else window.end)
        while True:  # on through capitalised words and compounds ("Ohio farmer Dale Prewitt")
            if last.dep_ == "compound" and last.i < last.head.i < stop:
                last = last.head
            elif last.i + 1 < stop and doc[last.i + 1].text[:1].isupper():
                last = doc[last.i + 1]
            else:
                break
        span = (first.idx, last.idx + len(last.text))
        if not inside(span):
            return span
    return None
