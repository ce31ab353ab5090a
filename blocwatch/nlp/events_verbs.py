"""Event frames from users' PETRARCH/TABARI verb dictionaries (``--verbs FILE``).

For each verb of a sentence that a loaded :class:`~blocwatch.nlp.petrarch_verbs.VerbDictionary`
knows, the dictionary's best pattern over the sentence gives the CAMEO code (the verb's own
code when no pattern matches; ``[---]`` codes nothing and silences the built-in lexicon for that
verb).  The code's quad class, Goldstein weight and PLOVER type come from our CAMEO table, by the
code itself or, for codes the table lacks (user dictionaries often carry WEIS-era or local
codes), by its three-digit prefix or its root.

Pattern slots fill roles: ``$`` the source, ``+`` the target, ``%`` a compound subject coded
between its members.  Without slots the roles come from the parse, as for the built-in lexicon
(subject, object, targeting prepositions).  A paired code ``[a:b]`` yields a second frame in
the other direction.

As in PETRARCH, a dictionary-coded event needs both a source and a target (PETRARCH drops the
others; the built-in lexicon keeps one-sided events, which news often has).  When the parse has
no target, PETRARCH's rule applies: the first actor in the verb's phrase after the verb (not in
adverbial, relative or time clauses), with its conjuncts.

The dictionary takes precedence over the lexicon: a lexicon frame on the same verb is replaced,
and a lexicon *noun* inside the phrase of a dictionary-coded verb ("condemned an attack by X")
is that verb's argument, not an event of its own, as in PETRARCH, which codes one event per
verb phrase.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from blocwatch.nlp.events_frames import Frame
from blocwatch.nlp.events_lexicon import EventType, Lexicon
from blocwatch.nlp.petrarch_verbs import NULL_CODE, VerbDictionary

__all__ = ["dictionary_frames", "event_type_for"]

_VERB_POS = {"VERB", "AUX"}
_TIME_PREPS = {"after", "before", "since", "until", "till", "during", "following"}


def event_type_for(code: str, lex: Lexicon, symmetric: bool = False) -> EventType:
    """An :class:`EventType` for any CAMEO-like code, valued from the nearest table row."""
    row = None
    for key in (code, code[:4], code[:3], code[:2] + "0"):
        if key in lex.codes:
            row = lex.codes[key]
            break
    if row is None:
        return EventType(plover="", cameo=code, quad_class=0, goldstein=0.0, symmetric=symmetric)
    return EventType(
        plover=row.plover,
        cameo=code,
        quad_class=row.quad_class,
        goldstein=row.goldstein,
        mode=row.mode,
        symmetric=symmetric,
    )


def dictionary_frames(
    segment: Span,
    verbs: VerbDictionary,
    lex: Lexicon,
    is_actor: Callable[[Token], bool],
) -> tuple[list[Frame], set[int]]:
    """Frames the dictionary codes in ``segment`` and the token indexes it claims (each coded
    verb, including null-coded ones, so the lexicon leaves them alone)."""
    doc = segment.doc
    words = [(t.text.upper(), t.lemma_.upper()) for t in segment]
    base = segment.start
    frames: list[Frame] = []
    claimed: set[int] = set()
    for token in segment:
        if token.pos_ not in _VERB_POS:
            continue
        entry = verbs.entry(token.text, token.lemma_)
        if entry is None:
            continue
        claimed.add(token.i)
        match = verbs.match(
            words,
            token.i - base,
            entry,
            lambda i: is_actor(doc[base + i]),
            (0, len(words)),
            lambda i: _compound(doc[base + i], is_actor),
        )
        if match is None or match.code == NULL_CODE:
            continue
        # A compound subject with no target codes between its members ("% * [064:064]", and
        # paired codes: "Gondor and Osgiliath renewed ties" -> GON->OSG and OSG->GON).
        symmetric = match.compound or bool(match.reverse_code)
        source = [doc[base + match.source]] if match.source is not None else None
        target = [doc[base + match.target]] if match.target is not None else None
        frame = Frame(token, event_type_for(match.code, lex, symmetric), [token])
        frame.sources, frame.targets = source, target
        frame.pattern, frame.pattern_negates = match.pattern, match.negation
        if target is None and not match.compound:
            frame.fallback_targets = _actors_after(token, is_actor)
        frames.append(frame)
        if match.reverse_code:
            back = Frame(token, event_type_for(match.reverse_code, lex, symmetric), [token])
            back.pattern, back.reverse_of = match.pattern, frame
            back.pattern_negates = match.negation
            frames.append(back)
    return frames, claimed


def _compound(token: Token, is_actor: Callable[[Token], bool]) -> bool:
    """Part of a compound actor ("Gondor and Osgiliath"): an actor coordinated with another."""
    return is_actor(token) and any(is_actor(c) for c in token.conjuncts)


def _actors_after(verb: Token, is_actor: Callable[[Token], bool]) -> list[list[Token]]:
    """PETRARCH's target candidates: actor phrases in the verb's phrase after the verb (its
    object, prepositional phrases, complement clause), in text order, each with its conjuncts
    ("ties between Gondor and Osgiliath": both).  The coder takes the first that is not the
    source, when the parse gave no target of its own."""
    groups: list[list[Token]] = []
    seen: set[int] = set()
    # Not into adverbial and relative clauses ("delayed the meeting after X was reported"):
    # their actors belong to other acts.
    skipped = {t.i for c in verb.children if c.dep_ in {"advcl", "relcl"} for t in c.subtree}
    skipped |= {
        t.i for c in verb.children
        if c.dep_ == "prep" and c.lower_ in _TIME_PREPS for t in c.subtree
    }
    for token in verb.subtree:
        if token.i <= verb.i or token.i in seen or token.i in skipped:
            continue
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head.i == verb.i:
            continue
        if token.pos_ in {"PROPN", "NOUN", "PRON"} and is_actor(token):
            group = [token, *(c for c in token.conjuncts if c.i > token.i)]
            seen.update(t.i for t in group)
            groups.append(group)
    return groups


def covered(frames: list[Frame]) -> set[int]:
    """Tokens inside the phrases of dictionary-coded verbs (their objects and complements),
    minus subjects, which name the doer rather than an act of their own."""
    inside: set[int] = set()
    for frame in frames:
        for child in frame.trigger.children:
            if child.dep_ in {"dobj", "prep", "xcomp", "ccomp", "attr", "oprd", "dative"}:
                inside.update(t.i for t in child.subtree)
    return inside
