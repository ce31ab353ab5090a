"""Statements about acts: the intent, refusal and demand events CAMEO and PLOVER code.

The coder flags a planned act as hypothetical ("Norway will send aid") and a refused one as
negated ("Israel refused to meet Jordan"): neither happened.  But saying so is itself an act,
and both CAMEO and PLOVER code it: an announced intention to cooperate is AGREE (CAMEO 03), to
act against someone THREATEN (13), refusing to cooperate REJECT (12), and saying that another
actor *must* do something REQUEST (10).  :func:`statement_of` derives that second event from a
frame, keeping the act's source and target (for "must", the speaker becomes the source and the
actor who must act the target):

* **intent**: the act's own clause has a future auxiliary ("will", "would", "'ll", "shall") or
  sits under an intent word of commitment ("plans to", "vowed to", "is ready/willing/prepared
  to", "offered to", "decided to"); possibility ("may", "could", "might"), conditions and wishes
  ("hopes to", "seeks to") are no statements of intent and give nothing;
* **refusal**: a cooperative act (quad class 1-2) negated by a refusal verb ("refused to",
  "declined to", "failed to", "rejected") or by a negated future ("will not", "would not");
* **demand**: an act with "must" (or "should") in a complement clause of a speech verb whose
  subject is another actor ("Britain said Libya must hand over ...").

Quad classes come from the act's CAMEO code; the statement's code is the root of its type
(030, 130, 120, 100), refined by nothing -- a dictionary of intent verbs is the place for finer
codes.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from blocwatch.nlp.events_frames import Frame, controller
from blocwatch.nlp.events_lexicon import EventType, Lexicon

__all__ = ["demand_frames", "statement_of"]

_FUTURE = {"will", "would", "'ll", "’ll", "shall", "wo"}
_COMMIT = {"plan", "intend", "vow", "pledge", "promise", "offer", "agree", "decide", "ready",
           "willing", "prepared", "prepare", "committed", "determined", "threaten", "swear",
           "resolve", "announce", "set"}  # fmt: skip
_REFUSE = {"refuse", "decline", "fail", "reject", "oppose", "opposed", "renege", "unwilling"}
_DEMAND = {"must", "should"}
_SPEECH = {"say", "tell", "announce", "declare", "insist", "conclude", "reiterate", "stress",
           "warn", "state", "add", "argue", "demand", "urge", "write", "note", "remind"}  # fmt: skip
_OFFER = {"offer", "promise", "pledge", "propose"}
_CODES = {"AGREE": "030", "THREATEN": "130", "REJECT": "120", "REQUEST": "100"}


def statement_of(
    frame: Frame, lex: Lexicon, negated: bool, hypothetical: bool
) -> tuple[str, str, list[Token] | None] | None:
    """(PLOVER type, CAMEO code, source tokens or None to keep the act's) of the statement
    the frame's act is reported in, or ``None`` when the act is plainly asserted."""
    if frame.event.plover in {"THREATEN", "REJECT", "REQUEST"}:
        return None  # the act already is a statement
    cooperative = frame.event.quad_class in {1, 2}
    chain = _chain(frame.carrier or frame.trigger)
    if negated:
        # "will not accept", "refused to commit", "failed to reach agreement": rejections.
        refused = any(t.lemma_.lower() in _REFUSE for t in chain[1:]) or any(
            _aux(t) & _FUTURE and _neg(t) for t in chain
        )
        if refused and cooperative:
            return "REJECT", _CODES["REJECT"], None
        return None
    if frame.event.plover == "AGREE":
        return None  # an agreement or pledge already is the statement of intent
    demand = _demand(chain)
    if demand is not None:
        return "REQUEST", _CODES["REQUEST"], demand
    offered = frame.carrier is not None and frame.carrier.lemma_.lower() in _OFFER
    if not hypothetical and not offered:
        return None
    intent = (
        any(_aux(t) & _FUTURE for t in chain)
        or any(t.lemma_.lower() in _COMMIT for t in chain[1:])
        # "offered concessions", "promised aid": the carrier of the noun commits to it.
        or (frame.carrier is not None and frame.carrier.lemma_.lower() in _OFFER)
    )
    if not intent or frame.event.quad_class not in {1, 2, 3, 4}:
        return None
    kind = "AGREE" if cooperative else "THREATEN"
    return kind, _CODES[kind], None


def _chain(token: Token) -> list[Token]:
    """The act and the control verbs/adjectives above it ("is ready to send": send, ready, is)."""
    chain = [token]
    node = token
    for _ in range(4):
        if node.dep_ not in {"xcomp", "acomp", "ccomp"} or node.head.i == node.i:
            break
        if node.dep_ == "ccomp" and node.head.lemma_.lower() not in _COMMIT:
            break  # "said that X would": the clause's own auxiliaries decide, not the speech verb
        node = node.head
        chain.append(node)
    return chain


def _aux(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in {"aux", "auxpass"}}


def _neg(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _demand(chain: list[Token]) -> list[Token] | None:
    for token in chain:
        if not _aux(token) & _DEMAND:
            continue
        clause = token
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in _SPEECH:
            return None
        speaker = controller(clause.head)
        return speaker or None
    return None


def demand_frames(segment: Span, lex: Lexicon, triggers: set[int]) -> list[Frame]:
    """REQUEST frames for "X said (that) Y must <verb>" where <verb> is no trigger of its own
    (a trigger gets its demand from :func:`statement_of`): the speaker asks Y to act."""
    row = lex.codes[_CODES["REQUEST"]]
    event = EventType("REQUEST", row.code, row.quad_class, row.goldstein, row.mode)
    frames = []
    for token in segment:
        if token.i in triggers or token.pos_ not in {"VERB", "AUX"} or not _aux(token) & _DEMAND:
            continue
        if token.dep_ != "ccomp" or token.head.lemma_.lower() not in _SPEECH:
            continue
        speaker = controller(token.head)
        doer = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if speaker and doer:
            frame = Frame(token, event, [token])
            frame.sources, frame.targets, frame.statement = speaker, doer, True
            frames.append(frame)
    return frames
