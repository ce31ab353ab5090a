"""Event frames over the dependency parse: triggers, their source and target, and their status.

A *frame* is one trigger token with its meaning (:class:`EventType`) and the tokens that fill
its roles.  :func:`find_triggers` reads the lexicon against each token of a sentence:

* a verb by lemma, with particle or preposition variants ("call for", "pull out", "go to");
* a verb + object pair ("lift sanctions") before the noun alone would count;
* a noun ("talks", "sanctions", "tensions"); when it is the object of a light verb ("hold
  talks", "impose sanctions") the verb lends its subject but adds no event of its own;
* a relation noun ("ties", "relations") only when it changes: governed by or governing a warm
  or cool word ("strengthen its ties", "ties ... are strengthening", "growing ties", "cut ties").

:func:`sources_of` / :func:`targets_of` find role tokens syntactically: the subject, climbing
control chains (xcomp, purpose clauses, conjoined verbs, "intention to X" through the noun's
possessor) but never out of a complement clause, so "A said that B attacked C" gives B, not A;
passive subjects become targets and "by" agents sources; nouns take possessors, modifiers,
"by"/"from"/"between" phrases.  Negation and modality live in ``events_status``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from blocwatch.nlp.events_lexicon import EventType, Lexicon

__all__ = ["Frame", "find_triggers", "sources_of", "targets_of"]

TARGET_PREPS = {"with", "toward", "towards", "to", "against", "on", "into", "at", "upon", "onto"}
_SOURCE_PREPS = {"by", "from"}
_CONTROL_UP = {"xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "pobj", "prep", "dobj", "nsubj", "ccomp"}
_RELATIVE = {"which", "that", "who", "whom"}
_OBJECT_CONTROL = {"urge", "ask", "invite", "persuade", "force", "allow", "push", "press", "encourage",
                   "tell", "order", "call", "help", "compel", "pressure"}  # fmt: skip
_NOUN_POS = {"NOUN", "PROPN"}
_CONTAINER_NOUNS = {"effort", "mission", "package", "campaign", "operation", "initiative", "process",
                    "programme", "program", "round", "bid"}  # fmt: skip
_PREDICATIVE = {"acomp", "prep", "advmod", "attr"}  # "is about/able/ready to X"


@dataclass(slots=True)
class Frame:
    trigger: Token  # the token the event hangs on (a verb, or the noun of a nominal event)
    event: EventType
    words: list[Token]  # the trigger words shown to users, in text order
    nominal: bool = False
    carrier: Token | None = None  # the light verb that carries a nominal event
    # Set by verb-dictionary frames (events_verbs): roles a pattern slot fixed, the pattern,
    # and for the second half of a paired code the frame it mirrors (roles swapped).
    sources: list[Token] | None = None
    targets: list[Token] | None = None
    pattern: str = ""
    reverse_of: Frame | None = None
    pattern_negates: bool = False
    statement: bool = False  # a demand frame (events_intent): the saying happened, whatever it asks
    fallback_targets: list[list[Token]] = field(default_factory=list)  # when the parse has none


def _key_variants(token: Token, lex: Lexicon | None = None) -> Iterator[str]:
    lemma = lex.verb_lemma(token.lemma_.lower(), token.lower_) if lex is not None else token.lemma_.lower()
    for child in token.children:
        if child.dep_ in {"prt", "prep"}:
            yield f"{lemma} {child.lower_}"
        if child.dep_ in {"dobj", "xcomp"}:
            yield f"{lemma} {child.lemma_.lower()}"
    yield lemma


def find_triggers(sentence: Span, lex: Lexicon) -> list[Frame]:
    frames: list[Frame] = []
    consumed: set[int] = set()  # nouns whose meaning a verb frame already took ("lift sanctions")
    carried: dict[int, Token] = {}  # noun index -> light verb
    for token in sentence:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        for obj in token.children:
            if obj.dep_ in {"dobj", "nsubjpass"}:
                verb = lex.verb_lemma(token.lemma_.lower(), token.lower_)
                # "ended mediation efforts": the object's compound may name the act.
                names = [obj.lemma_.lower()]
                names += [c.lemma_.lower() for c in obj.children if c.dep_ == "compound"]
                keys = [f"{verb} {n}" for n in names if f"{verb} {n}" in lex.verb_objects]
                pair = lex.verb_objects[keys[0]] if keys else None
                if pair is not None:
                    frames.append(Frame(token, pair, [token, obj]))
                    consumed.add(obj.i)
                elif verb in lex.light_verbs and _noun_event(obj, lex) is not None:
                    carried[obj.i] = token
                elif verb in lex.light_verbs:
                    # "provide 25,000 tons of food aid": the event noun behind a measure noun.
                    inner = _measured(obj)
                    if inner is not None and _noun_event(inner, lex) is not None:
                        carried[inner.i] = token
    verb_frames = {f.trigger.i for f in frames}
    for token in sentence:
        if token.i in verb_frames or token.i in consumed:
            continue
        if token.pos_ in {"VERB", "AUX"} or (token.pos_ == "NOUN" and token.dep_ == "ROOT"):
            frame = _verb_frame(token, lex, carried)
            if frame is not None:
                frames.append(frame)
                continue
        if token.pos_ in _NOUN_POS or token.tag_.startswith("NN"):
            event = _noun_event(token, lex)
            if event is not None:
                words = [token]
                modifiers = {c.lemma_.lower() for c in token.children if c.dep_ in {"amod", "compound"}}
                event = lex.refined(event, modifiers)
                frames.append(Frame(token, event, words, nominal=True, carrier=carried.get(token.i)))
                continue
            relation = _relation_frame(token, lex)
            if relation is not None:
                frames.append(relation)
    return frames


def _noun_event(token: Token, lex: Lexicon) -> EventType | None:
    if token.pos_ not in _NOUN_POS and not token.tag_.startswith("NN"):
        return None
    lemma = token.lemma_.lower()
    compound = [c for c in token.children if c.dep_ == "compound"]
    if compound:
        two = f"{compound[-1].lemma_.lower()} {lemma}"
        if two in lex.nouns:
            return lex.nouns[two]
    event = lex.nouns.get(lemma)
    if event is None and lemma in _CONTAINER_NOUNS and compound:
        # "a mediation mission", "aid package": the compound names the act.
        event = lex.nouns.get(compound[-1].lemma_.lower())
        if event is not None:
            return event
    if event is None or not event.preps:
        return event
    # "sent aid to Libya": the preposition may hang on the verb that carries the noun, also
    # through a measure noun ("sent tons of aid to Libya").
    holders = [token] + ([token.head] if token.dep_ == "dobj" else [])
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.dep_ == "dobj":
        holders += [token.head.head, token.head.head.head]
    if any(c.dep_ in {"prep", "dative"} and c.lower_ in event.preps for h in holders for c in h.children):
        return event
    return None


def _measured(noun: Token) -> Token | None:
    """The noun measured by ``noun`` ("tons of aid", "millions of dollars of aid")."""
    for _ in range(2):
        inner = next((g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), None)
        if inner is None:
            return None
        if inner.pos_ in _NOUN_POS and inner.lemma_.lower() not in {"dollar", "euro", "ton", "tonne"}:
            return inner
        noun = inner
    return None


def _verb_frame(token: Token, lex: Lexicon, carried: dict[int, Token]) -> Frame | None:
    lemma = lex.verb_lemma(token.lemma_.lower(), token.lower_)
    # A light verb whose object is an event noun: the noun frame speaks for both.
    if lemma in lex.light_verbs and any(i in carried and carried[i].i == token.i for i in carried):
        return None
    for key in _key_variants(token, lex):
        event = lex.verbs.get(key)
        if event is None:
            continue
        if (
            event.preps
            and " " not in key
            and not any(c.dep_ == "prep" and c.lower_ in event.preps for c in token.children)
        ):
            continue
        # "refused to attend": the control verb only negates what it governs.
        # "refused to resign" (no event of its own below): the refusal itself is the act.
        if lemma in lex.negative_control and any(
            c.dep_ == "xcomp" and _is_trigger_verb(c, lex) for c in token.children
        ):
            return None
        if lemma in lex.intent and any(
            c.dep_ == "xcomp" and _is_trigger_verb(c, lex) for c in token.children
        ):
            # "threatened to attack" is a threat; "promised to visit" is the visit, marked
            # hypothetical by status_of -- keep the frame only for genuine speech acts.
            if event.plover not in {"THREATEN", "AGREE"}:
                return None
        words = [token] + [c for c in token.children if c.dep_ == "prt"]
        modifiers = {c.lemma_.lower() for c in token.children if c.dep_ in {"advmod", "npadvmod"}}
        return Frame(token, lex.refined(event, modifiers), sorted(words, key=lambda t: t.i))
    return None


def _is_trigger_verb(token: Token, lex: Lexicon) -> bool:
    return any(k in lex.verbs for k in _key_variants(token, lex))


def _relation_frame(token: Token, lex: Lexicon) -> Frame | None:
    if token.lemma_.lower() not in lex.relation_nouns:
        return None
    change: Token | None = None
    warm = True
    candidates = [token.head] if token.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj"} else []
    candidates += [c for c in token.children if c.dep_ in {"amod", "compound", "acl"}]
    if token.dep_ == "pobj" and token.head.lower_ == "of":
        candidates.append(token.head.head)  # "the deepening of ties"
    for cand in candidates:
        lemma, lower = cand.lemma_.lower(), cand.lower_
        if lemma in lex.warm or lower in lex.warm:
            change = cand
            break
        if lemma in lex.cool or lower in lex.cool:
            change, warm = cand, False
            break
    if change is None:
        return None
    event = lex.warm_event if warm else lex.cool_event
    if warm:
        modifiers = {c.lemma_.lower() for c in token.children if c.dep_ in {"amod", "compound"}}
        for word, cameo in lex.refine_warm.items():
            if word in modifiers:
                event = lex.recode(event, cameo)
                break
    return Frame(token, event, sorted([change, token], key=lambda t: t.i), nominal=True)


# ---------------------------------------------------------------- roles


def _subject_tokens(verb: Token) -> tuple[list[Token], bool]:
    """The verb's own subject tokens, and whether it is passive."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return [verb.head], False
            return [child], False
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            if verb.lemma_.lower() in _STATIVE_PASSIVES and not agent_tokens(verb):
                return [child], False  # "Israel is opposed to French mediation": Israel opposes
            return [child], True
    return [], False


# Participles that, after "be" and with no "by" agent, state the subject's own stance toward
# someone ("is opposed to", "is committed to", "is allied with"), not something done to it.
_STATIVE_PASSIVES = frozenset("oppose commit ally align dedicate devote".split())


def agent_tokens(verb: Token) -> list[Token]:
    return [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]


def controller(verb: Token, depth: int = 0) -> list[Token]:
    """Who does ``verb`` when it has no subject of its own (control, purpose, conjunction)."""
    if depth > 6:
        return []
    subject, passive = _subject_tokens(verb)
    if subject:
        return agent_tokens(verb) if passive else subject
    head, dep = verb.head, verb.dep_
    if head.i == verb.i or dep in {"ccomp", "parataxis"}:
        return []  # reported speech: the speaker is not the doer
    if dep == "xcomp" and head.lemma_.lower() in _OBJECT_CONTROL:
        objects = [c for c in head.children if c.dep_ == "dobj"]
        if objects:
            return objects
    if dep in {"xcomp", "conj", "advcl"} and head.pos_ in {"VERB", "AUX"}:
        return controller(head, depth + 1)
    if dep == "xcomp" and head.pos_ in {"ADJ", "ADP", "ADV"} and head.dep_ in _PREDICATIVE:
        return controller(head.head, depth + 1)  # "is about to restore", "is able to attend"
    if dep in {"acl", "relcl"} and head.pos_ in _NOUN_POS | {"PRON"}:
        return noun_sources(head, depth + 1)
    if dep == "pcomp":
        return (
            controller(head.head, depth + 1)
            if head.head.pos_ in {"VERB", "AUX"}
            else noun_sources(head.head, depth + 1)
        )
    return []


def noun_sources(noun: Token, depth: int = 0, lex: Lexicon | None = None) -> list[Token]:
    """Who a noun's act belongs to: possessor, actor modifier, by/from phrase, or its carrier."""
    if depth > 6:
        return []
    found = [c for c in noun.children if c.dep_ == "poss"]
    found += [
        c
        for c in noun.children
        if c.dep_ in {"compound", "amod", "nmod"}
        and c.pos_ in {"PROPN", "ADJ"}
        and c.ent_type_ in {"GPE", "NORP", "ORG", "PERSON", "LOC"}
    ]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in _SOURCE_PREPS | {"between", "among"}:
            pobjs = [g for g in prep.children if g.dep_ == "pobj"]
            if prep.lower_ in {"between", "among"}:
                pobjs = pobjs[:1]
            found += pobjs
    if found:
        return found
    head, dep = noun.head, noun.dep_
    if head.i == noun.i:
        return []
    if dep in {"dobj", "nsubj", "nsubjpass", "attr"} and head.pos_ in {"VERB", "AUX"}:
        light = lex.light_verbs if lex is not None else frozenset()
        if (
            lex is not None and lex.verb_lemma(head.lemma_.lower(), head.lower_) in light
            or dep == "nsubj"
            and head.lemma_.lower() in {"take", "begin", "start", "resume", "continue"}
        ):
            return controller(head, depth + 1)
        return []
    if dep == "pobj" and head.dep_ == "prep":
        over = head.head
        if over.pos_ in {"VERB", "AUX"}:
            return controller(over, depth + 1)
        if over.pos_ in _NOUN_POS:
            return noun_sources(over, depth + 1, lex)
    return []


def sources_of(frame: Frame, lex: Lexicon) -> list[Token]:
    if frame.nominal:
        if frame.carrier is not None:
            own = [c for c in frame.trigger.children if c.dep_ == "poss"]
            return own or controller(frame.carrier)
        return noun_sources(frame.trigger, 0, lex)
    return controller(frame.trigger)


def targets_of(frame: Frame) -> list[Token]:
    """Object, passive subject, or the object of a targeting preposition (on the trigger, its
    object, or its carrier); for "between A and B" the second party."""
    trigger = frame.trigger
    found: list[Token] = []
    heads = [trigger]
    if frame.carrier is not None:
        heads.append(frame.carrier)
    if not frame.nominal:
        subject, passive = _subject_tokens(trigger)
        if passive:
            found += subject
        found += [c for c in trigger.children if c.dep_ in {"dobj", "dative"}]
        heads += [c for c in trigger.children if c.dep_ == "dobj"]
    if frame.nominal and frame.carrier is not None:
        # "Finland will give Tanzania a grant": the carrier's indirect object receives the act.
        found += [c for c in frame.carrier.children
                  if c.dep_ == "dative" and c.pos_ in {"PROPN", "NOUN", "PRON"}]
    if frame.nominal and frame.words and frame.words[0].i != trigger.i:
        # Relation frames: "strengthen its ties with X" -- the with-phrase may hang on the verb.
        heads.append(frame.words[0])
    if frame.nominal and trigger.dep_ == "conj":
        heads.append(trigger.head)  # "sanctions and tensions with X": the with-phrase is shared
    for head in heads:
        conjuncts = [c.i for c in head.children if c.dep_ == "conj"]
        for prep in head.children:
            if prep.dep_ not in {"prep", "dative"}:
                continue
            if frame.nominal and head is trigger and any(trigger.i < c < prep.i for c in conjuncts):
                continue  # "X and Y with Z": a phrase after the last conjunct belongs to it
            if head is not trigger and head is trigger.head and trigger.dep_ == "conj" and prep.i < trigger.i:
                continue
            word = prep.lower_
            if word in TARGET_PREPS or (
                word == "for" and frame.event.plover in {"SUPPORT", "AID", "REQUEST"}
            ):
                found += [g for g in prep.children if g.dep_ == "pobj"]
            elif word in {"between", "among"}:
                pobjs = [g for g in prep.children if g.dep_ == "pobj"]
                if pobjs:  # "between A and B": A is the source (noun_sources), B the target
                    found += [c for c in pobjs[0].children if c.dep_ == "conj"]
    return found
