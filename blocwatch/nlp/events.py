"""Event coding: who did what to whom, when and where, from a parsed article.

:func:`extract_events` runs, for each sentence of the spaCy Doc (split again at blank lines, so
a heading glued to the next sentence by the parser stays apart):

1. :func:`~blocwatch.nlp.events_frames.find_triggers` -- verbs, nouns, verb+object pairs and
   changing relations that the lexicon (``nlp/data/event_lexicon.yaml``) knows;
2. role tokens (:func:`sources_of`, :func:`targets_of`), resolved to actors by the
   :class:`~blocwatch.nlp.events_actors.ActorIndex` built from the lead's mentions: the token's own
   mention, a pronoun's antecedent, "this bloc", or an actor inside the noun phrase ("economic
   blocs like the BRICS", "members of this bloc"); conjuncts give one event each; when the parse
   gives no target, ``events_targets`` looks further (the act a verb governs, "of" chains, a
   demand's or threat's addressee, the place a retreat leaves, a located unnamed group);
3. implicit roles for nominal events only: "tensions with Beijing" takes the discourse topic as
   its source, "international sanctions" (a noun marked ``implicit_target``) takes an actor of
   the sentence or the topic as its target;
4. status (``events_status.status_of``): negated, hypothetical; a sports filter for contest
   verbs ("Brazil beat Argentina 2-1");
5. date: the explicit date of the sentence nearest the trigger, else the publication date;
   location: a place governed by "in"/"at" within the trigger's phrase (ISO3 when the place is a
   known state, else the place's text).

Each event carries the sentence as :class:`Evidence` (its text and character span in
``doc.text``).  Events with neither a source nor a target are not emitted.

Two additions on top of the frames:

* a user's PETRARCH/TABARI verb dictionary (``verbs``, from ``--verbs``) codes the verbs it
  knows, ahead of the lexicon (``events_verbs``); such events need both actors, as in PETRARCH;
* the statement an act is reported in -- an announced intention (AGREE/THREATEN), a refusal
  (REJECT), "Y must ..." (REQUEST) -- is coded as an event of its own next to the flagged act
  (``events_intent``), as CAMEO and PLOVER code them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import date

from spacy.tokens import Doc, Span, Token

from blocwatch.nlp.dates import find_dates
from blocwatch.nlp.events_actors import ActorIndex
from blocwatch.nlp.events_frames import Frame, find_triggers, sources_of, targets_of
from blocwatch.nlp.events_intent import demand_frames, statement_of
from blocwatch.nlp.events_lexicon import Lexicon, load_lexicon
from blocwatch.nlp.events_status import status_of
from blocwatch.nlp.events_targets import deeper_targets, located_target
from blocwatch.nlp.events_verbs import covered, dictionary_frames
from blocwatch.nlp.petrarch_verbs import VerbDictionary
from blocwatch.records import Actor, Event, Evidence, Mention

__all__ = ["extract_events"]

_SCORE = re.compile(r"\b\d{1,3}\s?[-–]\s?\d{1,3}\b")
_PLACE_KINDS = {"state", "territory"}
_NP_DEPS = {"compound", "amod", "nmod", "appos", "poss", "pobj", "prep", "acl", "conj"}
_SAME_NP = {"compound", "amod", "nmod", "poss"}
_NP_PREPS = {"of", "like", "as", "including", "to", "from", "by", "in"}


def extract_events(
    doc: Doc,
    mentions: Sequence[Mention],
    actors: Mapping[str, Actor],
    *,
    published: date | None = None,
    article_id: str | None = None,
    verbs: VerbDictionary | None = None,
) -> list[Event]:
    """The events of ``doc``, in text order (see the module docstring for the method);
    ``verbs``: a user's PETRARCH verb dictionary, which takes precedence over the lexicon."""
    lex = load_lexicon()
    index = ActorIndex(doc, mentions, actors)
    events: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for sentence_index, sentence in enumerate(doc.sents):
        for segment in _segments(sentence):
            frames = _frames(segment, lex, index, verbs)
            if not frames:
                continue  # most sentences: no trigger, so no dates or sports test either
            evidence = _evidence(segment, article_id, sentence_index)
            dates = find_dates(segment.text, published)
            sporty = _sporty(segment, lex)
            for frame in frames:
                if frame.event.contest and sporty:
                    continue
                for event in _events_of(frame, segment, index, lex, actors):
                    event.evidence = evidence
                    event.date = _date_for(frame, segment, dates, published)
                    key = (
                        event.source,
                        event.target,
                        event.cameo,
                        event.negated,
                        event.hypothetical,
                        evidence.start,
                    )
                    if key not in seen:
                        seen.add(key)
                        events.append(event)
    return events


def _frames(segment: Span, lex: Lexicon, index: ActorIndex, verbs: VerbDictionary | None) -> list[Frame]:
    frames = find_triggers(segment, lex)
    if verbs is None:
        triggers = {f.trigger.i for f in frames} | {f.carrier.i for f in frames if f.carrier is not None}
        return frames + demand_frames(segment, lex, triggers)
    coded, claimed = dictionary_frames(
        segment, verbs, lex, lambda t: _phrase_actor(t, index) is not None
    )
    inside = covered(coded) | claimed
    kept = [
        f for f in frames if f.trigger.i not in inside and (f.carrier is None or f.carrier.i not in claimed)
    ]
    return sorted(coded + kept, key=lambda f: f.trigger.i)


def _segments(sentence: Span) -> list[Span]:
    """The sentence cut at blank-line whitespace tokens, each part stripped of whitespace."""
    doc = sentence.doc
    parts: list[Span] = []
    start = sentence.start
    for token in sentence:
        if token.is_space and "\n" in token.text:
            if token.i > start:
                parts.append(doc[start : token.i])
            start = token.i + 1
    if start < sentence.end:
        parts.append(doc[start : sentence.end])
    out = []
    for part in parts:
        tokens = [t for t in part if not t.is_space]
        if tokens:
            out.append(doc[tokens[0].i : tokens[-1].i + 1])
    return out


def _evidence(segment: Span, article_id: str | None, sentence_index: int) -> Evidence:
    return Evidence(
        sentence=segment.text,
        start=segment.start_char,
        end=segment.end_char,
        article_id=article_id,
        sentence_index=sentence_index,
    )


def _sporty(segment: Span, lex: Lexicon) -> bool:
    if _SCORE.search(segment.text):
        return True
    return any(t.lemma_.lower() in lex.sports or t.lower_ in lex.sports for t in segment)


def _inside(token: Token, segment: Span) -> bool:
    return segment.start <= token.i < segment.end


def _actors_for(tokens: Sequence[Token], segment: Span, index: ActorIndex) -> list[tuple[str, Token]]:
    """Actors named by role tokens: the token's own actor, else one inside its noun phrase;
    conjuncts ("Brazil and the United States") each count."""
    found: list[tuple[str, Token]] = []
    for token in tokens:
        group = [token]
        # "between A and B" names two sides, not a compound actor.
        if token.head.lower_ not in {"between", "among"}:
            group += [c for c in token.conjuncts if c.i > token.i and c.pos_ in {"PROPN", "NOUN", "PRON"}]
            # "Arnor, Calenardhon and Gondor" misparsed as a modifier list of "Gondor": a
            # coordinated proper-noun modifier is more members, not a description.
            for child in token.children:
                if child.dep_ in {"nmod", "compound"} and child.pos_ == "PROPN" and child.i < token.i:
                    members = [c for c in child.conjuncts if c.pos_ == "PROPN"]
                    if members:
                        group += [child, *members]
        for member in group:
            if not _inside(member, segment):
                continue
            hit = _phrase_actor_token(member, index)
            if hit is None:
                continue
            actor, node = hit
            if all(actor != a for a, _ in found):
                # The actor's own token: "Russian students" -> its head gives the sector.
                found.append((actor, node))
            if node.i != member.i and token.head.lower_ not in {"between", "among"}:
                # "Old foes Gondor and Osgiliath": the members of the phrase's actor list.
                for extra in node.conjuncts:
                    # "Sierra Leonean and Liberian refugees": a conjunct may carry its actor inside.
                    other = _phrase_actor(extra, index) if _inside(extra, segment) else None
                    if other is not None and all(other != a for a, _ in found):
                        found.append((other, extra))
    return found


def _phrase_actor(token: Token, index: ActorIndex) -> str | None:
    """Breadth-first through the noun phrase: "economic blocs like the BRICS" -> BRICS."""
    found = _phrase_actor_token(token, index)
    return found[0] if found is not None else None


def _phrase_actor_token(token: Token, index: ActorIndex) -> tuple[str, Token] | None:
    queue: deque[tuple[Token, int]] = deque([(token, 0)])
    while queue:
        node, depth = queue.popleft()
        actor = index.actor_of(node)
        if actor is not None:
            return actor, node
        if depth >= 4:
            continue
        for child in node.children:
            if child.dep_ not in _NP_DEPS or child.dep_ == "conj" and depth == 0:
                continue
            if child.dep_ == "prep" and child.lower_ not in _NP_PREPS:
                continue
            if child.dep_ == "acl" and child.lemma_.lower() not in {
                "relate",
                "link",
                "connect",
                "base",
                "lead",
            }:
                continue
            if child.dep_ in _SAME_NP and child.i < node.i:
                # "an attack by Osgiliath soldiers in Ithilen": a modifier is the same noun
                # phrase, so it is searched before phrases further out (0-1 breadth-first).
                queue.appendleft((child, depth))
            else:
                queue.append((child, depth + 1))
    return None


_CAMEO_CODE = re.compile(r"[A-Z0-9]{3,30}")


def _cameo_of(actor_id: str, token: Token, actors: Mapping[str, Actor], lex: Lexicon) -> str:
    actor = actors.get(actor_id)
    base = (actor.cameo if actor is not None and actor.cameo else actor_id) or ""
    if not _CAMEO_CODE.fullmatch(base):
        # An actor with no CAMEO code ("org:syrian-observatory-for-human-rights", an id the
        # resolver made up) has none to give: its id is not a code, and would not fit the column.
        return ""
    # "North Korean troops": a state's mention modifying an agent noun gives state + sector.
    if actor is not None and actor.kind in _PLACE_KINDS and len(base) == 3:
        head = token.head if token.dep_ in {"compound", "amod", "poss", "nmod"} else token
        sector = lex.agents.get(head.lemma_.lower())
        if sector:
            return base + sector
    return base


def _events_of(
    frame: Frame, segment: Span, index: ActorIndex, lex: Lexicon, actors: Mapping[str, Actor]
) -> list[Event]:
    base = frame.reverse_of or frame
    source_tokens, target_tokens = _roles(base, lex)
    sources = _actors_for(source_tokens, segment, index)
    # An actor acting on itself only with distinct sectors ("Russian police arrested Russian
    # students"); otherwise a repeated actor is the same party ("Arnor ... its embassy").
    source_codes = {(a, _cameo_of(a, t, actors, lex)) for a, t in sources}
    source_ids = {a for a, _ in sources}

    def other(found: list[tuple[str, Token]]) -> list[tuple[str, Token]]:
        # "Syria withdrew its troops": a pronoun owning the object is the doer's own, not a party.
        return [
            (a, t) for a, t in found
            if a not in source_ids or (len(_cameo_of(a, t, actors, lex)) > 3 and t.tag_ != "PRP$"
                                       and (a, _cameo_of(a, t, actors, lex)) not in source_codes)
        ]

    targets = other(_actors_for(target_tokens, segment, index))
    for group in base.fallback_targets if not targets else []:
        targets = other(_actors_for(group, segment, index))
        if targets:
            break
    for group in deeper_targets(base, lex) if not targets and not frame.pattern else []:
        targets = other(_actors_for(group, segment, index))  # "agreed to help X" (events_targets)
        if targets:
            break
    if frame.reverse_of is not None:
        if not sources or not targets:
            return []  # the mirrored half of a paired code needs both sides
        sources, targets = targets, sources
    trigger = frame.trigger
    if frame.nominal and not sources and targets and not _argument_of_other_act(trigger, lex):
        topic = index.topic(trigger.i, exclude={a for a, _ in targets})
        if topic is not None:
            sources = [(topic, trigger)]
    if not targets and frame.event.implicit_target:
        implicit = _implicit_target(frame, segment, index, {a for a, _ in sources})
        if implicit is not None:
            targets = [(implicit, trigger)]
    location = _location(frame, index, actors)
    if (not targets and len(sources) == 1 and not frame.event.symmetric and not frame.pattern
            and location is not None and location in actors and location not in {a for a, _ in sources}
            and location != actors[sources[0][0]].country):
        # An act done in another state with no one named as its object is done to that state
        # ("Serbia lifted a curfew in Montenegro", "NATO troops arrived in Bosnia").
        targets = [(location, trigger)]
    if not targets and len(sources) == 1 and location is not None and location in actors:
        # "police arrested 12 protesters in Egypt": an unnamed group is of its place (events_targets).
        place = located_target(frame, target_tokens, actors[sources[0][0]].country, location, lex)
        targets = [(location, place)] if place is not None else []
    pairs: list[tuple[tuple[str, Token] | None, tuple[str, Token] | None]]
    if frame.nominal and frame.event.symmetric and not targets and len(sources) < 2:
        return []  # "the ASEAN summit": one party of a meeting is no event
    if not targets and frame.event.symmetric and len(sources) >= 2:
        pairs = [(s, t) for s in sources for t in sources if s[0] != t[0]]
    elif sources or targets:
        pairs = [(s, t) for s in (sources or [None]) for t in (targets or [None])]  # type: ignore[list-item]
    else:
        return []
    if frame.pattern:
        # Dictionary coding follows PETRARCH, which drops an event unless it found both actors.
        pairs = [(s, t) for s, t in pairs if s is not None and t is not None]
        if not pairs:
            return []
    negated, hypothetical = status_of(frame, lex)
    if frame.pattern_negates:
        negated = False  # "WILL NOT *": the dictionary's code already is the negated act
    if frame.statement:
        hypothetical = False  # "Y must return it": the demand was made
    shown = " ".join(w.text for w in frame.words)
    out = []
    for source, target in pairs:
        out.append(_event(frame.event.plover, frame.event.cameo, lex, source, target, actors, shown))
        out[-1].negated, out[-1].hypothetical, out[-1].location = negated, hypothetical, location
        out[-1].quad_class, out[-1].intensity = frame.event.quad_class, frame.event.goldstein
    # The statement an intended, refused or demanded act is reported in (events_intent);
    # a user's verb dictionary codes such statements with its own patterns instead.
    statement = None if frame.pattern else statement_of(frame, lex, negated, hypothetical)
    if statement is not None:
        kind, cameo, speaker_tokens = statement
        if speaker_tokens is not None:
            speakers = _actors_for(speaker_tokens, segment, index)
            doers = [s for s, _ in pairs if s is not None] or [t for _, t in pairs if t is not None]
            pairs = [(s, d) for s in speakers for d in doers if s[0] != d[0]]
        for source, target in pairs:
            event = _event(kind, cameo, lex, source, target, actors, shown)
            event.location = location
            out.append(event)
    return out


def _event(
    plover: str,
    cameo: str,
    lex: Lexicon,
    source: tuple[str, Token] | None,
    target: tuple[str, Token] | None,
    actors: Mapping[str, Actor],
    trigger: str,
) -> Event:
    row = lex.codes.get(cameo)
    return Event(
        source=source[0] if source else None,
        target=target[0] if target else None,
        plover=plover,
        cameo=cameo,
        quad_class=row.quad_class if row else 0,
        intensity=row.goldstein if row else 0.0,
        evidence=Evidence("", 0, 0),
        source_cameo=_cameo_of(source[0], source[1], actors, lex) if source else "",
        target_cameo=_cameo_of(target[0], target[1], actors, lex) if target else "",
        trigger=trigger,
    )


def _roles(frame: Frame, lex: Lexicon) -> tuple[list[Token], list[Token]]:
    """Role tokens: what a dictionary pattern's slots fixed, else the parse's."""
    sources = frame.sources if frame.sources is not None else sources_of(frame, lex)
    targets = frame.targets if frame.targets is not None else targets_of(frame)
    return sources, targets


def _argument_of_other_act(noun: Token, lex: Lexicon) -> bool:
    """ "France condemned the attack on Mali": the attack is France's object, not France's act,
    so the topic must not become its source."""
    head = noun.head
    return (
        noun.dep_ in {"dobj", "nsubjpass", "attr", "pobj"}
        and head.pos_ in {"VERB", "AUX"}
        and head.lemma_.lower() not in lex.light_verbs
        and head.lemma_.lower() in lex.verbs
    )


def _implicit_target(frame: Frame, segment: Span, index: ActorIndex, sources: set[str]) -> str | None:
    """ "international sanctions" with no "on X": an actor of the sentence, else the topic."""
    for token_i, _ in index.actors_in(segment.start, segment.end):
        actor = index.actor_of(segment.doc[token_i])
        if (
            actor is not None
            and actor not in sources
            and index.kind(actor) in {"state", "person", "territory"}
        ):
            return actor
    return index.topic(frame.trigger.i, exclude=sources)


def _location(frame: Frame, index: ActorIndex, actors: Mapping[str, Actor]) -> str | None:
    """A place in an "in"/"at" phrase inside the trigger's own phrase (not in other clauses)."""
    start = [frame.trigger] + ([frame.carrier] if frame.carrier is not None else [])
    queue: deque[tuple[Token, int]] = deque((t, 0) for t in start)
    while queue:
        node, depth = queue.popleft()
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "at"}:
                for place in child.children:
                    if place.dep_ == "pobj":
                        found = _place(place, index, actors)
                        if found:
                            return found
            if depth < 5 and child.dep_ in {"dobj", "prep", "pobj", "acl", "attr"}:
                queue.append((child, depth + 1))
    return None


def _place(token: Token, index: ActorIndex, actors: Mapping[str, Actor]) -> str | None:
    actor_id = index.by_token.get(token.i)
    if actor_id is not None:
        actor = actors.get(actor_id)
        if actor is not None and actor.kind in _PLACE_KINDS:
            return actor_id
        return None
    if token.ent_type_ in {"GPE", "LOC", "FAC"}:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        return ent.text if ent is not None else token.text
    return None


def _date_for(
    frame: Frame, segment: Span, dates: list[tuple[int, int, str]], published: date | None
) -> str | None:
    if dates:
        at = frame.trigger.idx - segment.start_char
        start, end, value = min(dates, key=lambda d: min(abs(d[0] - at), abs(d[1] - at)))
        return event_date_value(value)
    return published.isoformat() if published else None


_STORABLE_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?|-W\d{2})?$")
_SEASON_DATE = re.compile(r"^(\d{4})-(?:SP|SU|FA|WI)$")


def event_date_value(value: str) -> str | None:
    """An event's date at a precision the store and the timelines understand.

    Days, months, years and ISO weeks pass as they are; a season ("2018-FA") is told as its
    year (a season has no month of its own to claim); a century or a TimeML reference gives no
    usable date (None: the article's day stands in, as for undated events).
    """
    if _STORABLE_DATE.match(value):
        return value
    season = _SEASON_DATE.match(value)
    return season.group(1) if season else None
